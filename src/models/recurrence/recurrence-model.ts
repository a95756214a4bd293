import { z } from 'zod';
import { parseDay } from '../../util/dates.js';
import { warnAboutGaps, warnIfNoKnowledge } from '../history-warnings.js';
import type { ModelContext } from '../model-context.js';
import type { CommonModelParams } from '../params.js';
import { emptyRankedList, type RankedList, rankByScore } from '../ranked-list.js';
import type { ProbabilityClassifier } from '../trees/decision-tree.js';
import { mixSeed } from '../trees/mix-seed.js';
import { PROBABILITY_THRESHOLD_TUNABLE, type TunableParams } from '../tunable.js';
import {
  type RecurrenceFeatureSet,
  recentIds,
  recurrenceColumns,
  recurrenceFeatureNames,
} from './recurrence-features.js';
import { type RecurrenceTrainingSet, recurrenceTrainingSet } from './recurrence-training-set.js';

/** Params every recurrence classifier shares: what it learns from, and which IPs it scores. */
export interface RecurrenceParams extends CommonModelParams {
  /** `greedybear`: GreedyBear's features that flow data carries; `all`: every history feature, totals and EWMA. @default 'all' */
  features: RecurrenceFeatureSet;
  /** EWMA half-lives among the features of `all`. @default [1, 7] */
  halfLives: number[];
  /** Label days learned from: D − 1 .. D − trainDays (each: the state before it, and who attacked on it). @default 7 */
  trainDays: number;
  /** Only IPs seen in the last `candidateDays` days are scored, and learned from (GreedyBear's 30-day lookback); null: every known IP. @default 30 */
  candidateDays: number | null;
  /** Training rows at most: above it, negatives are sampled (seeded). @default 100000 */
  maxTrainRows: number;
  /** The natural list keeps the IPs whose probability is above this. @default 0.5 */
  threshold: number;
  /** Seed of the sampling and the learner (mixed with D); null: the run's seed. @default null */
  seed: number | null;
}

export const recurrenceParamsShape = {
  features: z.enum(['greedybear', 'all']).default('all'),
  halfLives: z
    .array(z.number().positive().finite())
    .max(8)
    .default(() => [1, 7]),
  trainDays: z.number().int().min(1).max(60).default(7),
  candidateDays: z.number().int().min(1).nullable().default(30),
  maxTrainRows: z.number().int().min(100).default(100_000),
  threshold: z.number().min(0).lt(1).default(0.5),
  seed: z.number().int().min(0).max(0xffffffff).nullable().default(null),
};

/** What a search may tune in every recurrence model (each adds its learner's own). */
export const RECURRENCE_TUNABLE: TunableParams = {
  features: {
    kind: 'enum',
    values: ['greedybear', 'all'],
    doc: "GreedyBear's features or all history features",
  },
  trainDays: { kind: 'number', min: 1, max: 28, scale: 'log', integer: true, doc: 'label days learned from' },
  candidateDays: {
    kind: 'number',
    min: 3,
    max: 365,
    scale: 'log',
    integer: true,
    doc: 'IPs seen in these last days are scored',
  },
  threshold: PROBABILITY_THRESHOLD_TUNABLE,
};

/** historyDays of a recurrence model: its label days (window rows and undo logs). */
export function recurrenceHistoryDays(p: RecurrenceParams): number {
  return p.trainDays;
}

/** halfLives of a recurrence model: the EWMA columns its features read. */
export function recurrenceHalfLives(p: RecurrenceParams): number[] {
  return p.features === 'all' ? [...p.halfLives] : [];
}

/**
 * Ranks the IPs of D's candidates by the probability a classifier, fitted on the recurrence training set (label days
 * before D only), gives them to attack on D; equal probabilities in the tie order. Empty, with a warning, when there is
 * nothing to learn (no label day, or nobody attacked on any).
 */
export function recurrenceRank(
  params: RecurrenceParams,
  ctx: ModelContext,
  fit: (set: RecurrenceTrainingSet, seed: number) => ProbabilityClassifier,
): RankedList {
  if (warnIfNoKnowledge(ctx)) return emptyRankedList();
  const view = ctx.knowledge;
  warnAboutGaps(ctx, parseDay(view.firstDay!)!, 'the knowledge');
  const seed = mixSeed(params.seed ?? ctx.seed, view.day);
  const features = recurrenceFeatureNames(params.features, params.halfLives);
  const set = recurrenceTrainingSet(view, {
    features,
    trainDays: params.trainDays,
    candidateDays: params.candidateDays,
    maxTrainRows: params.maxTrainRows,
    seed,
  });
  if (set.skipped.length > 0)
    ctx.warn(
      `${set.skipped.length} of ${params.trainDays} label day(s) give no training rows (${set.skipped.map((s) => `${s.date}: ${s.reason}`).join('; ')})`,
    );
  if (set.positives === 0) {
    ctx.warn(
      `no training labels: none of the ${set.labels.length} candidate rows attacked on its label day: empty list`,
    );
    return emptyRankedList();
  }
  if (set.positives === set.labels.length)
    ctx.warn(
      `every one of the ${set.labels.length} training rows attacked: one class, every IP gets probability 1`,
    );
  const classifier = fit(set, seed);
  const ids = recentIds(view, params.candidateDays);
  const p = classifier.predictProbability(recurrenceColumns(view, features, ids));
  const score = new Float64Array(view.size).fill(-1);
  for (let i = 0; i < ids.length; i++) score[ids[i]!] = p[i]!;
  return rankByScore(view, score, (id) => score[id]! >= 0, ctx.limit);
}
