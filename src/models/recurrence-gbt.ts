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
import { trainGradientBoosting } from './trees/train-gradient-boosting.js';

export interface RecurrenceGbtParams extends RecurrenceParams {
  /** Boosting rounds. @default 100 */
  rounds: number;
  /** Shrinkage of each tree. @default 0.1 */
  learningRate: number;
  /** @default 4 (shallow trees boost best on a dozen features) */
  maxDepth: number;
  /** Fewest hessian sum in a child. @default 1 */
  minChildWeight: number;
  /** L2 penalty on leaf values. @default 1 */
  lambda: number;
  /** Share of the rows each round learns from (seeded). @default 0.8 */
  subsample: number;
  /** Share of the features each tree may use (seeded). @default 0.8 */
  colsample: number;
  /** @default 256 */
  maxBins: number;
}

/**
 * Recurrence_GBT: gradient-boosted trees (logistic loss, histogram splits over the binned features; Friedman's
 * gradient boosting as XGBoost and LightGBM implement it) on GreedyBear's recurrence features, learned from the label
 * days before D like Recurrence_Forest; the strongest tabular learner of the zoo.
 */
export const recurrenceGbtModel = defineModel<RecurrenceGbtParams>({
  name: 'Recurrence_GBT',
  summary:
    'IPs ranked by gradient-boosted trees’ probability that they attack again, learned from recurrence features — GreedyBear features, XGBoost-style learner',
  source:
    'Features: GreedyBear (intelowlproject/GreedyBear scoring/utils.py); learner: Friedman 2001, Chen & Guestrin (XGBoost, KDD 2016); DESIGN §3',
  schema: modelParamsSchema({
    ...recurrenceParamsShape,
    rounds: z.number().int().min(1).max(5000).default(100),
    learningRate: z.number().gt(0).max(1).default(0.1),
    maxDepth: z.number().int().min(1).max(16).default(4),
    minChildWeight: z.number().min(0).default(1),
    lambda: z.number().min(0).default(1),
    subsample: z.number().gt(0).max(1).default(0.8),
    colsample: z.number().gt(0).max(1).default(0.8),
    maxBins: z.number().int().min(2).max(256).default(256),
  }),
  historyDays: recurrenceHistoryDays,
  halfLives: recurrenceHalfLives,
  tunable: {
    ...RECURRENCE_TUNABLE,
    rounds: { kind: 'number', min: 20, max: 400, scale: 'log', integer: true, doc: 'boosting rounds' },
    learningRate: { kind: 'number', min: 0.02, max: 0.3, scale: 'log', doc: 'shrinkage' },
    maxDepth: { kind: 'number', min: 2, max: 8, integer: true, doc: 'tree depth' },
    minChildWeight: { kind: 'number', min: 0.1, max: 20, scale: 'log', doc: 'fewest hessian in a child' },
    lambda: { kind: 'number', min: 0.1, max: 20, scale: 'log', doc: 'L2 on leaf values' },
    subsample: { kind: 'number', min: 0.5, max: 1, doc: 'rows per round' },
    colsample: { kind: 'number', min: 0.5, max: 1, doc: 'features per tree' },
  },
  listRule: (p) => ({ threshold: p.threshold, minimum: 0 }),
  rank: (params, ctx) =>
    recurrenceRank(params, ctx, (set, seed) =>
      trainGradientBoosting(set.columns, set.labels, {
        rounds: params.rounds,
        learningRate: params.learningRate,
        maxDepth: params.maxDepth,
        minChildWeight: params.minChildWeight,
        lambda: params.lambda,
        subsample: params.subsample,
        colsample: params.colsample,
        maxBins: params.maxBins,
        seed,
      }),
    ),
});
