import { z } from 'zod';
import type { ModelContext } from '../model-context.js';
import type { CommonModelParams } from '../params.js';
import { emptyRankedList, type RankedList, rankByScore } from '../ranked-list.js';
import { PROBABILITY_THRESHOLD_TUNABLE, type TunableParams } from '../tunable.js';
import { attackerFeatures } from './attacker-features.js';
import type { ProbabilityClassifier } from './decision-tree.js';
import { fitNextDay } from './fit-next-day.js';
import type { NextDayTrainingSet } from './next-day-training-set.js';

/** Parameters the Random Forest and CART share. */
export interface ClassifierModelParams extends CommonModelParams {
  /**
   * `histogram`: the tree learner of src/models/trees (binned features, typed arrays; fast). `ml`: mljs's
   * ml-random-forest / ml-cart, kept as a reference (quadratic split search: a few thousand IPs at most).
   * @default 'histogram'
   */
  engine: 'histogram' | 'ml';
  /** Deepest level a split may create; null: no limit. @default null (Random_Forest), 5 (CART) */
  maxDepth: number | null;
  /** Fewest training IPs in a leaf. @default 1 (Random_Forest), 10 (CART) */
  minSamplesLeaf: number;
  /** Quantile bins per feature of the histogram engine (2 .. 256). @default 256 */
  maxBins: number;
  /**
   * `probability`: score = P(attacks on D), so the ranking can be cut to a budget. `prediction`: score = 1 for a
   * predicted attacker, else 0 (AIP's output: a set, ties by IP).
   * @default 'probability'
   */
  rankBy: 'probability' | 'prediction';
  /**
   * An IP is a predicted attacker when its probability is above this; the list rule (no budget) keeps exactly those.
   * 0.5 is scikit-learn's `predict`, which AIP lists. @default 0.5
   */
  threshold: number;
}

export function classifierParamsShape(defaults: { maxDepth: number | null; minSamplesLeaf: number }) {
  return {
    engine: z.enum(['histogram', 'ml']).default('histogram'),
    maxDepth: z.number().int().min(1).nullable().default(defaults.maxDepth),
    minSamplesLeaf: z.number().int().min(1).default(defaults.minSamplesLeaf),
    maxBins: z.number().int().min(2).max(256).default(256),
    rankBy: z.enum(['probability', 'prediction']).default('probability'),
    threshold: z.number().min(0).lt(1).default(0.5),
  };
}

/** What a search may tune in the tree learners (issue 10); the engine is not tunable (it changes the computation). */
export function classifierTunable(depth: { min: number; max: number }): TunableParams {
  return {
    maxDepth: { kind: 'number', min: depth.min, max: depth.max, integer: true, doc: 'deepest split level' },
    minSamplesLeaf: {
      kind: 'number',
      min: 1,
      max: 200,
      scale: 'log',
      integer: true,
      doc: 'fewest training IPs in a leaf',
    },
    maxBins: {
      kind: 'number',
      min: 8,
      max: 256,
      scale: 'log',
      integer: true,
      doc: 'quantile bins per feature',
    },
    rankBy: { kind: 'enum', values: ['probability', 'prediction'], doc: 'rank by probability, or a 1/0 set' },
    threshold: PROBABILITY_THRESHOLD_TUNABLE,
  };
}

/**
 * Ranks every IP known before D by a classifier fitted on yesterday's training set (fitNextDay): score = its
 * probability of attacking, or 1/0 for `rankBy: 'prediction'`; equal scores by IP. Empty (with a warning) when there
 * is nothing to learn from.
 */
export function classifierRank(
  params: ClassifierModelParams,
  ctx: ModelContext,
  fit: (set: NextDayTrainingSet) => ProbabilityClassifier,
): RankedList {
  const fitted = fitNextDay(ctx, fit);
  if (!fitted) return emptyRankedList();
  const view = ctx.knowledge;
  const p = fitted.classifier.predictProbability(attackerFeatures(view));
  if (params.rankBy === 'prediction')
    for (let i = 0; i < p.length; i++) p[i] = p[i]! > params.threshold ? 1 : 0;
  return rankByScore(view, p, undefined, ctx.limit);
}
