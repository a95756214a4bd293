import { z } from 'zod';
import { defineModel } from './model.js';
import type { ModelContext } from './model-context.js';
import { modelParamsSchema } from './params.js';
import {
  type ClassifierModelParams,
  classifierParamsShape,
  classifierRank,
  classifierTunable,
} from './trees/classifier-model.js';
import type { ProbabilityClassifier } from './trees/decision-tree.js';
import { ML_ENGINE_WARN_ROWS } from './trees/fit-next-day.js';
import { mixSeed } from './trees/mix-seed.js';
import type { NextDayTrainingSet } from './trees/next-day-training-set.js';
import { type MaxFeatures, trainForest } from './trees/train-forest.js';
import { trainMlForest } from './trees/train-ml-forest.js';

export interface RandomForestParams extends ClassifierModelParams {
  /** Number of trees. @default 30 (AIP's RandomForestClassifier(n_estimators=30)) */
  trees: number;
  /**
   * Features drawn at each split (`sqrt`: ⌊√11⌋ = 3 of the 11; scikit-learn's default, which AIP uses), `log2`,
   * `all`, or a count. The `ml` engine draws them once per tree instead. @default 'sqrt'
   */
  maxFeatures: MaxFeatures;
  /** Each tree learns from a bootstrap sample of the IPs. @default true */
  bootstrap: boolean;
  /** Seed of the bootstrap and feature draws (unsigned 32-bit), mixed with D; null: the run's seed. @default null */
  seed: number | null;
}

/** Fits the forest of `params` on a training set; the seed is (params.seed ?? run seed) mixed with D. */
export function fitRandomForest(
  params: RandomForestParams,
  set: NextDayTrainingSet,
  ctx: ModelContext,
): ProbabilityClassifier {
  const seed = mixSeed(params.seed ?? ctx.seed, ctx.knowledge.day);
  const options = {
    trees: params.trees,
    maxFeatures: params.maxFeatures,
    bootstrap: params.bootstrap,
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    seed,
  };
  if (params.engine === 'ml') {
    if (set.labels.length > ML_ENGINE_WARN_ROWS)
      ctx.warn(
        `engine 'ml' on ${set.labels.length} training IPs: its split search is quadratic, expect minutes`,
      );
    return trainMlForest(set.columns, set.labels, options);
  }
  return trainForest(set.columns, set.labels, { ...options, maxBins: params.maxBins });
}

/**
 * Random_Forest (AIP `lib/aip/models/random_forest.py`, after Thomas O'Hara's thesis; DESIGN §3): learns "does this
 * known IP attack tomorrow?" from yesterday — the features of every IP known before D − 1 (attackerFeatures: the
 * knowledge-base columns, days since last seen, days from first to last seen), labelled by whether it attacked on
 * D − 1 — then scores every IP known before D with the same features. AIP lists every predicted positive (30 trees,
 * scikit-learn's predict: probability > 0.5): that is the list rule here; the probability is the score, so a budget
 * takes the most likely attackers. Deterministic: bootstrap and feature draws come from the seed and D.
 *
 * Differences from AIP, on purpose: AIP counts days since last seen from D for the training rows too (they are as of
 * D − 1, so every training row is one day staler than the rows it predicts); here each row counts from its own
 * view's date. AIP draws from the global random state (no seed): its lists are not reproducible.
 */
export const randomForestModel = defineModel<RandomForestParams>({
  name: 'Random_Forest',
  summary:
    'IPs a random forest, trained on who attacked yesterday, predicts will attack (probability as score) — AIP (random_forest.py)',
  source: 'AIP lib/aip/models/random_forest.py; DESIGN §3',
  schema: modelParamsSchema({
    trees: z.number().int().min(1).max(10_000).default(30),
    maxFeatures: z
      .union([z.enum(['sqrt', 'log2', 'all']), z.number().int().min(1)])
      .default('sqrt') as z.ZodType<MaxFeatures, z.ZodTypeDef, unknown>,
    bootstrap: z.boolean().default(true),
    seed: z.number().int().min(0).max(0xffffffff).nullable().default(null),
    ...classifierParamsShape({ maxDepth: null, minSamplesLeaf: 1 }),
  }),
  tunable: {
    trees: { kind: 'number', min: 5, max: 300, scale: 'log', integer: true, doc: 'trees in the forest' },
    maxFeatures: { kind: 'enum', values: ['sqrt', 'log2', 'all'], doc: 'features drawn at each split' },
    bootstrap: { kind: 'enum', values: [true, false], doc: 'a bootstrap sample per tree' },
    ...classifierTunable({ min: 2, max: 30 }),
  },
  listRule: (params) => ({ threshold: params.threshold, minimum: 0 }),
  unranked: (params) => params.rankBy === 'prediction',
  rank: (params, ctx) => classifierRank(params, ctx, (set) => fitRandomForest(params, set, ctx)),
});
