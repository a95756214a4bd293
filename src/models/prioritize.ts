import { z } from 'zod';
import { AIP_FEATURES, aipFeatures } from '../knowledge/aip-features.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { parseDay } from '../util/dates.js';
import './decay/builtin.js';
import type { DecayFunction, DecayJSON } from './decay/decay-function.js';
import { createDecay } from './decay/registry.js';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import type { ModelContext } from './model-context.js';
import { type CommonModelParams, modelParamsSchema, type ParamsSchema } from './params.js';
import { emptyRankedList, type RankedList, rankByScore } from './ranked-list.js';
import { BUDGET_TUNABLE, type TunableParams } from './tunable.js';

export type Normalization = 'min-max' | 'max' | 'log-min-max' | 'none';

/** Parameters of Prioritize Consistent and Prioritize New (DESIGN §3). */
export interface PrioritizeParams extends CommonModelParams {
  /**
   * Weights of the features flows, duration, bytes, packets, mean_flows, mean_duration, mean_bytes, mean_packets.
   * @default [0.05, 0.05, 0.05, 0.05, 0.2, 0.2, 0.2, 0.2] (Consistent), [0.2, 0.2, 0.2, 0.2, 0.05, 0.05, 0.05, 0.05] (New)
   */
  weights: number[];
  /** The list rule keeps scores above this… @default 2e-5 (Consistent), 1e-5 (New) */
  threshold: number;
  /** …unless fewer than this many pass; then the top `minimum`. @default 5000 */
  minimum: number;
  /**
   * Aging, a decay function by name or `{name, ...params}` (see the decay registry).
   * @default {"name": "aip-consistent"} (Consistent), {"name": "aip-new"} (New)
   */
  decay: DecayJSON;
  /**
   * Per-feature scaling across all known IPs: `min-max` (AIP: (x − min) / (max − min)), `max` (x / max),
   * `log-min-max` (min-max of ln(1 + x), for heavy tails), `none`. A constant column scales to 0, never NaN.
   * @default 'min-max'
   */
  normalization: Normalization;
}

const decaySchema = z
  .union([z.string(), z.object({ name: z.string() }).passthrough()])
  .transform((spec, ctx): DecayJSON => {
    try {
      return createDecay(spec as DecayJSON).toJSON();
    } catch (error) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: (error as Error).message,
      });
      return z.NEVER;
    }
  });

export function prioritizeSchema(defaults: {
  weights: readonly number[];
  threshold: number;
  decay: string;
}): ParamsSchema<PrioritizeParams> {
  return modelParamsSchema({
    weights: z
      .array(z.number().finite())
      .length(8, {
        message: 'expected 8 weights (flows, duration, bytes, packets and their 4 means)',
      })
      .default(() => [...defaults.weights]),
    threshold: z.number().finite().default(defaults.threshold),
    minimum: z.number().int().min(0).default(5000),
    decay: decaySchema.default(() => ({ name: defaults.decay })),
    normalization: z.enum(['min-max', 'max', 'log-min-max', 'none']).default('min-max'),
  });
}

/**
 * What a search may tune in Prioritize_Consistent and Prioritize_New (issue 10): the eight weights (normalised to sum
 * 1), the list rule's threshold and minimum, the budget, the decay function and the normalization. The ranges are
 * the search's defaults for a whole-domain search; any value the params schema accepts may be searched.
 */
export const PRIORITIZE_TUNABLE: TunableParams = {
  weights: { kind: 'weights', names: AIP_FEATURES, doc: 'the eight feature weights (normalised to sum 1)' },
  threshold: {
    kind: 'number',
    min: 1e-7,
    max: 0.1,
    scale: 'log',
    listRule: true,
    doc: 'the list rule keeps scores above it',
  },
  minimum: {
    kind: 'number',
    min: 1,
    max: 100_000,
    scale: 'log',
    integer: true,
    listRule: true,
    doc: '…unless fewer pass: then the top minimum',
  },
  budget: BUDGET_TUNABLE,
  decay: { kind: 'decay', doc: 'the aging function (decay registry) and its params' },
  normalization: {
    kind: 'enum',
    values: ['min-max', 'max', 'log-min-max', 'none'],
    doc: 'per-feature scaling',
  },
};

/** Scales a column in place (see PrioritizeParams.normalization). */
function normalize(x: Float64Array, how: Normalization): void {
  const n = x.length;
  if (how === 'none') return;
  if (how === 'log-min-max') for (let i = 0; i < n; i++) x[i] = Math.log1p(x[i]!);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (how === 'max') {
    if (max > 0) for (let i = 0; i < n; i++) x[i] = x[i]! / max;
    else x.fill(0);
    return;
  }
  const range = max - min;
  // AIP divides by (max - min) even when it is 0, giving NaN scores; a constant column carries no information: 0.
  if (range > 0 && Number.isFinite(range)) for (let i = 0; i < n; i++) x[i] = (x[i]! - min) / range;
  else x.fill(0);
}

const featureCache = new WeakMap<KnowledgeView, Map<Normalization, readonly Float64Array[]>>();

/**
 * AIP's eight features of every IP of a view, each column scaled by `how` (DESIGN §3). Computed once per view and
 * normalization and shared: Prioritize_Consistent, Prioritize_New and every tuning config of one day read the same
 * columns, which must not be modified. O(IPs) the first time, O(1) after.
 */
export function normalizedAipFeatures(view: KnowledgeView, how: Normalization): readonly Float64Array[] {
  let byHow = featureCache.get(view);
  if (byHow === undefined) {
    byHow = new Map();
    featureCache.set(view, byHow);
  }
  let x = byHow.get(how);
  if (x === undefined) {
    const columns = aipFeatures(view);
    for (const column of columns) normalize(column, how);
    x = Object.freeze(columns);
    byHow.set(how, x);
  }
  return x;
}

/**
 * THE score of Prioritize_Consistent and Prioritize_New (DESIGN §3): Σ wᵢ·xᵢ over the eight normalised features,
 * the terms added left to right as numpy's `.sum(axis=1)` adds AIP's (IPs × 8) matrix, times the aging. The one
 * implementation: the model's ranking (prioritizeScores) and its tuning fast path (prioritizeFastScorer) both call
 * it, so a config scores bit for bit the same either way.
 */
export function prioritizeScore(
  x0: number,
  x1: number,
  x2: number,
  x3: number,
  x4: number,
  x5: number,
  x6: number,
  x7: number,
  w: Readonly<PrioritizeWeights>,
  aging: number,
): number {
  return (
    (x0 * w[0] + x1 * w[1] + x2 * w[2] + x3 * w[3] + x4 * w[4] + x5 * w[5] + x6 * w[6] + x7 * w[7]) * aging
  );
}

/** The eight weights, in AIP_FEATURES order. */
export type PrioritizeWeights = [number, number, number, number, number, number, number, number];

/**
 * Score of every known IP (by id): prioritizeScore over the normalised features × decay(d, t), with d = D − last_seen
 * (days from the replayed date, not the wall clock) and t = last_seen − first_seen. Vectorised over columns: O(IPs).
 * On the reference data 98% of scores match AIP bit for bit and the rest within 2e-16.
 */
export function prioritizeScores(
  view: KnowledgeView,
  params: PrioritizeParams,
  decay?: DecayFunction,
): Float64Array {
  const n = view.size;
  const x = normalizedAipFeatures(view, params.normalization);
  const w = params.weights as PrioritizeWeights;
  const [x0, x1, x2, x3, x4, x5, x6, x7] = x as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  const { firstSeen, lastSeen } = view.columns();
  const aging = (decay ?? createDecay(params.decay)).at;
  const day = view.day;
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = prioritizeScore(
      x0[i]!,
      x1[i]!,
      x2[i]!,
      x3[i]!,
      x4[i]!,
      x5[i]!,
      x6[i]!,
      x7[i]!,
      w,
      aging(day - lastSeen[i]!, lastSeen[i]! - firstSeen[i]!),
    );
  }
  return score;
}

/** Ranks every known IP by prioritizeScores (AIP scores the whole knowledge base). */
export function prioritizeRank(params: PrioritizeParams, ctx: ModelContext): RankedList {
  if (warnIfNoKnowledge(ctx)) return emptyRankedList();
  const view = ctx.knowledge;
  warnAboutGaps(ctx, parseDay(view.firstDay!)!, 'the knowledge');
  const score = prioritizeScores(view, params);
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(score[i]!)) {
      ctx.warn(`score of ${view.ip(i)} is ${score[i]} (a decay or weight gives no number): counted as 0`);
      score[i] = 0;
    }
  }
  return rankByScore(view, score, undefined, ctx.limit);
}
