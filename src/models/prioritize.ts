import { z } from 'zod';
import { AIP_FEATURES, aipFeatures } from '../knowledge/aip-features.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { parseDay } from '../util/dates.js';
import './decay/builtin.js';
import {
  countFeatureExtremes,
  type FeatureExtremes,
  featureExtremesOf,
} from '../knowledge/feature-extremes.js';
import { liveState } from '../knowledge/knowledge-view.js';
import type { RecencyGroup } from '../knowledge/recency-groups.js';
import { boundedTopK, padBound } from './bounded-top.js';
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
  if (ctx.limit !== undefined) {
    const fast = prioritizeTopK(view, params, createDecay(params.decay), ctx.limit);
    if (fast !== undefined) return fast;
  }
  const score = prioritizeScores(view, params);
  for (let i = 0; i < score.length; i++) {
    if (!Number.isFinite(score[i]!)) {
      ctx.warn(`score of ${view.ip(i)} is ${score[i]} (a decay or weight gives no number): counted as 0`);
      score[i] = 0;
    }
  }
  return rankByScore(view, score, undefined, ctx.limit);
}

/** Min and max of each of AIP's eight raw features over every IP of a view. */
const extremesCache = new WeakMap<KnowledgeView, FeatureExtremes>();

function aipFeatureExtremes(view: KnowledgeView): FeatureExtremes {
  // A live view: kept by the knowledge base from day to day (O(rows) a day), not counted over every IP.
  const state = liveState(view);
  if (state !== undefined) return featureExtremesOf(state);
  let e = extremesCache.get(view);
  if (e !== undefined) return e;
  e = countFeatureExtremes(view.columns(), view.size);
  extremesCache.set(view, e);
  return e;
}

/**
 * The scaling `normalize` applies to one value of a column with these extremes, as one function of the value, by
 * the same arithmetic (so a score computed member by member equals the vectorised one bit for bit). Monotone
 * non-decreasing, so the scaled extremes of a chunk bound its members'.
 */
function scaler(how: Normalization, min: number, max: number): (v: number) => number {
  if (how === 'none') return (v) => v;
  if (how === 'max') return max > 0 ? (v) => v / max : () => 0;
  const range = max - min;
  return range > 0 && Number.isFinite(range) ? (v) => (v - min) / range : () => 0;
}

/** Max and min of `values[lo..hi]` by a sparse table, O(1) a query after O(T log T). */
class RangeExtremes {
  readonly #max: Float64Array[];
  readonly #min: Float64Array[];
  constructor(values: Float64Array) {
    this.#max = [values];
    this.#min = [values];
    for (let w = 1; 2 * w <= values.length; w *= 2) {
      const pm = this.#max[this.#max.length - 1]!;
      const pn = this.#min[this.#min.length - 1]!;
      const len = pm.length - w;
      const m = new Float64Array(len);
      const n = new Float64Array(len);
      for (let i = 0; i < len; i++) {
        m[i] = Math.max(pm[i]!, pm[i + w]!);
        n[i] = Math.min(pn[i]!, pn[i + w]!);
      }
      this.#max.push(m);
      this.#min.push(n);
    }
  }
  max(lo: number, hi: number): number {
    const level = 31 - Math.clz32(hi - lo + 1);
    const t = this.#max[level]!;
    return Math.max(t[lo]!, t[hi - (1 << level) + 1]!);
  }
  min(lo: number, hi: number): number {
    const level = 31 - Math.clz32(hi - lo + 1);
    const t = this.#min[level]!;
    return Math.min(t[lo]!, t[hi - (1 << level) + 1]!);
  }
}

/**
 * The first `limit` of prioritizeRank's ranking without scoring every IP (bounded-top.ts): a chunk of IPs last seen
 * on the same day L has one d = D − L, its members' t = L − first_seen lie between its first-seen extremes, and its
 * scaled feature extremes bound the weighted sum; the bound is the largest product of the sum's and the aging's
 * extremes. Undefined (the caller scores every IP) for log-min-max scaling, a view made by previous(), or an aging
 * or score that is not a finite number somewhere (the full path warns about those).
 */
function prioritizeTopK(
  view: KnowledgeView,
  params: PrioritizeParams,
  decay: DecayFunction,
  limit: number,
): RankedList | undefined {
  if (params.normalization === 'log-min-max') return undefined;
  const { min, max } = aipFeatureExtremes(view);
  const scale = Array.from({ length: 8 }, (_, j) => scaler(params.normalization, min[j]!, max[j]!));
  const [s0, s1, s2, s3, s4, s5, s6, s7] = scale as [
    (v: number) => number,
    (v: number) => number,
    (v: number) => number,
    (v: number) => number,
    (v: number) => number,
    (v: number) => number,
    (v: number) => number,
    (v: number) => number,
  ];
  const w = params.weights as PrioritizeWeights;
  const { flows, duration, bytes, packets, daysActive, firstSeen } = view.columns();
  const day = view.day;
  const firstDay = parseDay(view.firstDay!)!;
  const at = decay.at;
  // Per group: the aging of each t (0 .. L − first day) and its range extremes.
  const agingByGroup = new Map<RecencyGroup, { aging: Float64Array; extremes: RangeExtremes }>();
  const hi = new Float64Array(8);
  const lo = new Float64Array(8);
  return boundedTopK(view, limit, {
    group: (g) => {
      const d = day - g.day;
      const aging = new Float64Array(g.day - firstDay + 1);
      for (let t = 0; t < aging.length; t++) {
        const a = at(d, t);
        if (!Number.isFinite(a)) return false;
        aging[t] = a;
      }
      agingByGroup.set(g, { aging, extremes: new RangeExtremes(aging) });
      return true;
    },
    bound: (g, stats, c) => {
      if (stats.firstSeenMin[c]! > stats.firstSeenMax[c]!) return Number.NEGATIVE_INFINITY;
      const ex = agingByGroup.get(g)!.extremes;
      const tLo = g.day - stats.firstSeenMax[c]!;
      const tHi = g.day - stats.firstSeenMin[c]!;
      const aMax = ex.max(tLo, tHi);
      const aMin = ex.min(tLo, tHi);
      for (let j = 0; j < 8; j++) {
        const a = scale[j]!(stats.max[c * 8 + j]!) * w[j]!;
        const b = scale[j]!(stats.min[c * 8 + j]!) * w[j]!;
        hi[j] = Math.max(a, b);
        lo[j] = Math.min(a, b);
      }
      const sumHi = hi[0]! + hi[1]! + hi[2]! + hi[3]! + hi[4]! + hi[5]! + hi[6]! + hi[7]!;
      const sumLo = lo[0]! + lo[1]! + lo[2]! + lo[3]! + lo[4]! + lo[5]! + lo[6]! + lo[7]!;
      const b = Math.max(sumHi * aMax, sumHi * aMin, sumLo * aMax, sumLo * aMin);
      return Number.isFinite(b) ? padBound(b) : Number.NaN;
    },
    score: (id, g) => {
      const f = flows[id]!;
      const aging = agingByGroup.get(g)!.aging;
      return prioritizeScore(
        s0(f),
        s1(duration[id]!),
        s2(bytes[id]!),
        s3(packets[id]!),
        s4(f / daysActive[id]!),
        s5(duration[id]! / f),
        s6(bytes[id]! / f),
        s7(packets[id]! / f),
        w,
        aging[g.day - firstSeen[id]!]!,
      );
    },
  });
}
