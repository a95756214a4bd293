import { z } from 'zod';
import { defineModel } from './model.js';
import { modelParamsSchema } from './params.js';
import {
  RECURRENCE_TUNABLE,
  type RecurrenceParams,
  recurrenceHalfLives,
  recurrenceHistoryDays,
  recurrenceParamsShape,
  recurrenceRank,
} from './recurrence/recurrence-model.js';
import { type MaxFeatures, trainForest } from './trees/train-forest.js';

export interface RecurrenceForestParams extends RecurrenceParams {
  /** @default 100 (GreedyBear tuned 241; 100 ranks as well at half the cost on the synthetic benchmark) */
  trees: number;
  /** Features drawn at each split. @default 'log2' (GreedyBear's) */
  maxFeatures: MaxFeatures;
  /** @default 10 (GreedyBear's) */
  maxDepth: number | null;
  /** @default 6 (GreedyBear's) */
  minSamplesLeaf: number;
  /** Quantile bins per feature. @default 256 */
  maxBins: number;
}

/**
 * Recurrence_Forest (GreedyBear's recurrence classifier, intelowlproject/GreedyBear greedybear/cronjobs/scoring/
 * random_forest.py `RFClassifier`, on the recurrence features of the knowledge base): a random forest learns "does
 * an IP seen in the last 30 days attack on day t?" from the label days before D, then ranks D's candidates by
 * probability. The histogram forest of src/models/trees (gini; GreedyBear uses entropy and class weights 1:4, which
 * change its probabilities but little its ranking).
 */
export const recurrenceForestModel = defineModel<RecurrenceForestParams>({
  name: 'Recurrence_Forest',
  summary:
    "IPs ranked by a random forest's probability that they attack again, learned from recurrence features — GreedyBear",
  source:
    'GreedyBear (intelowlproject/GreedyBear, greedybear/cronjobs/scoring/random_forest.py, utils.py get_features); DESIGN §3',
  schema: modelParamsSchema({
    ...recurrenceParamsShape,
    trees: z.number().int().min(1).max(2000).default(100),
    maxFeatures: z
      .union([z.enum(['sqrt', 'log2', 'all']), z.number().int().min(1)])
      .default('log2') as z.ZodType<MaxFeatures, z.ZodTypeDef, unknown>,
    maxDepth: z.number().int().min(1).nullable().default(10),
    minSamplesLeaf: z.number().int().min(1).default(6),
    maxBins: z.number().int().min(2).max(256).default(256),
  }),
  historyDays: recurrenceHistoryDays,
  halfLives: recurrenceHalfLives,
  tunable: {
    ...RECURRENCE_TUNABLE,
    trees: { kind: 'number', min: 10, max: 300, scale: 'log', integer: true, doc: 'trees in the forest' },
    maxFeatures: { kind: 'enum', values: ['sqrt', 'log2', 'all'], doc: 'features drawn at each split' },
    maxDepth: { kind: 'number', min: 2, max: 20, integer: true, doc: 'deepest split level' },
    minSamplesLeaf: {
      kind: 'number',
      min: 1,
      max: 100,
      scale: 'log',
      integer: true,
      doc: 'fewest rows in a leaf',
    },
  },
  listRule: (p) => ({ threshold: p.threshold, minimum: 0 }),
  rank: (params, ctx) =>
    recurrenceRank(params, ctx, (set, seed) =>
      trainForest(set.columns, set.labels, {
        trees: params.trees,
        maxFeatures: params.maxFeatures,
        maxDepth: params.maxDepth,
        minSamplesLeaf: params.minSamplesLeaf,
        maxBins: params.maxBins,
        seed,
      }),
    ),
});
