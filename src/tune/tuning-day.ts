import type { ListFacts } from '../backtest/facts.js';
import { scoreList } from '../backtest/list-facts.js';
import type { Truth } from '../backtest/truth.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import type { DecayFunction } from '../models/decay/decay-function.js';
import { type Normalization, normalizedAipFeatures } from '../models/prioritize.js';
import type { RankedList } from '../models/ranked-list.js';
import { sortByScoreDesc } from '../models/sort-by-score.js';
import { UsageError } from '../util/errors.js';

/** A config as the fast path needs it: the model's params, resolved. */
export interface FastConfig {
  /** 8 weights, each >= 0. */
  weights: readonly number[];
  threshold: number;
  minimum: number;
  /** A top-K cut instead of the threshold rule; null: the rule. */
  budget: number | null;
  decay: DecayFunction;
  normalization: Normalization;
}

/**
 * The candidates of one (normalization, decay) pair on one day: the IPs whose aging is not 0 (every other IP scores
 * exactly 0, whatever the weights), ordered by an upper bound of their score that holds for every weight vector:
 * Σ wᵢ·xᵢ·aging ≤ (Σ wᵢ)·max xᵢ·aging for weights and features >= 0. A top-K cut scores candidates down this order
 * only until the bound falls below the K-th best score found, so a config costs O(K-ish), not O(IPs).
 */
interface CandidateGroup {
  /** Candidates. */
  m: number;
  /** IP-order position of each candidate, in bound order. */
  pos: Int32Array;
  /** Features, 8 per candidate (row-major, in bound order): one sequential stream for the scoring loop. */
  x: Float64Array;
  aging: Float64Array;
  /** aging × max feature, descending. */
  bound: Float64Array;
}

class Buffers {
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
}

function growF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return a.length >= n ? a : new Float64Array(Math.max(n, Math.ceil(a.length * 1.5)));
}
function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return a.length >= n ? a : new Int32Array(Math.max(n, Math.ceil(a.length * 1.5)));
}

/** The K-th largest value (1-based) of a[0..n) (reordered in place): Hoare quickselect, median-of-three pivots. */
function kthLargest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo]!;
    const y = a[mid]!;
    const z = a[hi]!;
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

const EMPTY_SCORES = new Float64Array(0);

/**
 * Reusable scratch of the tuning loop (grown, never shrunk): one per run, shared by every day.
 */
export class TuningScratch {
  score = new Float64Array(0);
  select = new Float64Array(0);
  picked = new Int32Array(0);
  equal = new Int32Array(0);
  /** Per IP-order position: its score while a list is ordered (0 otherwise). */
  scoreAtPos = new Float64Array(0);
  /** Per IP-order position: 1 while it is a listed candidate with a positive score (0 otherwise). */
  mark = new Uint8Array(0);
  group = {
    x: new Buffers(),
    aging: new Buffers(),
    bound: new Buffers(),
    pos: new Buffers(),
    tmp: new Buffers(),
  };
}

/**
 * One tuning day (issue 5, "Tuning"): the view as of D and the truth of D, shared by every config. The normalised
 * features come from normalizedAipFeatures (once per view and normalization), the aging once per distinct decay, and
 * each config then only weighs, cuts and scores (evaluate). It computes exactly what the backtest computes for the
 * model with those params: the same scores (the same floating-point operations in the same order), the same list in
 * the same order (ties by IP), the same facts (scoreList itself).
 */
export class TuningDay {
  readonly view: KnowledgeView;
  readonly truth: Truth;
  /** IP-order position → knowledge id. */
  readonly order: Int32Array;
  /** Whether an IP-order position is allowlisted (never listed), or undefined: none is. */
  readonly excludedAtPos: Uint8Array | undefined;
  /** IPs that can be listed: known, not allowlisted. */
  readonly listable: number;
  readonly #scratch: TuningScratch;
  #groupKey = '';
  #group: CandidateGroup | undefined;

  constructor(view: KnowledgeView, truth: Truth, scratch: TuningScratch, excludedById?: Uint8Array) {
    this.view = view;
    this.truth = truth;
    this.#scratch = scratch;
    this.order = view.ipOrder();
    const n = this.order.length;
    let excluded = 0;
    if (excludedById) {
      this.excludedAtPos = new Uint8Array(n);
      for (let p = 0; p < n; p++)
        if (excludedById[this.order[p]!]) {
          this.excludedAtPos[p] = 1;
          excluded++;
        }
    }
    this.listable = n - excluded;
    const s = scratch;
    if (s.scoreAtPos.length < n)
      s.scoreAtPos = new Float64Array(Math.max(n, Math.ceil(s.scoreAtPos.length * 1.5)));
    if (s.mark.length < n) s.mark = new Uint8Array(Math.max(n, Math.ceil(s.mark.length * 1.5)));
  }

  /** The candidates of a (normalization, decay) pair; the last one asked is kept (callers go group by group). */
  #candidates(normalization: Normalization, decay: DecayFunction, decayKey: string): CandidateGroup {
    const key = `${normalization}\u0000${decayKey}`;
    if (this.#group && this.#groupKey === key) return this.#group;
    const features = normalizedAipFeatures(this.view, normalization);
    const { firstSeen, lastSeen } = this.view.columns();
    const day = this.view.day;
    const order = this.order;
    const n = order.length;
    const b = this.#scratch.group;
    // Aging and bound of every listable position, in IP order; candidates: aging not 0.
    b.tmp.f64 = growF64(b.tmp.f64, 2 * n);
    b.tmp.i32 = growI32(b.tmp.i32, n);
    const agingAt = b.tmp.f64.subarray(0, n);
    const boundAt = b.tmp.f64.subarray(n, 2 * n);
    const candPos = b.tmp.i32;
    let m = 0;
    const at = decay.at;
    const excluded = this.excludedAtPos;
    for (let p = 0; p < n; p++) {
      if (excluded?.[p]) continue;
      const id = order[p]!;
      let a = at(day - lastSeen[id]!, lastSeen[id]! - firstSeen[id]!);
      // A non-finite aging makes the model's score non-finite or NaN, which it counts as 0: not a candidate.
      if (!Number.isFinite(a)) a = 0;
      if (a < 0)
        throw new UsageError(
          `decay function '${decay.name}' gives ${a} (below 0) on ${this.view.date}; tuning needs an aging >= 0`,
        );
      if (a === 0) continue;
      let max = 0;
      for (let j = 0; j < 8; j++) {
        const v = features[j]![id]!;
        if (!(v >= 0))
          throw new UsageError(`feature ${j} of ${this.view.ip(id)} is ${v}; tuning needs features >= 0`);
        if (v > max) max = v;
      }
      agingAt[m] = a;
      boundAt[m] = a * max;
      candPos[m] = p;
      m++;
    }
    // Bound order (stable: ties keep IP order, though nothing below depends on it).
    const idx = new Int32Array(m);
    for (let k = 0; k < m; k++) idx[k] = k;
    const sorted = sortByScoreDesc(idx, boundAt.subarray(0, m));
    b.x.f64 = growF64(b.x.f64, 8 * m);
    b.aging.f64 = growF64(b.aging.f64, m);
    b.bound.f64 = growF64(b.bound.f64, m);
    b.pos.i32 = growI32(b.pos.i32, m);
    const x = b.x.f64;
    const aging = b.aging.f64;
    const bound = b.bound.f64;
    const pos = b.pos.i32;
    const [f0, f1, f2, f3, f4, f5, f6, f7] = features as [
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
      Float64Array,
    ];
    for (let r = 0; r < m; r++) {
      const k = sorted[r]!;
      const p = candPos[k]!;
      const id = order[p]!;
      const o = 8 * r;
      x[o] = f0[id]!;
      x[o + 1] = f1[id]!;
      x[o + 2] = f2[id]!;
      x[o + 3] = f3[id]!;
      x[o + 4] = f4[id]!;
      x[o + 5] = f5[id]!;
      x[o + 6] = f6[id]!;
      x[o + 7] = f7[id]!;
      aging[r] = agingAt[k]!;
      bound[r] = boundAt[k]!;
      pos[r] = p;
    }
    this.#group = { m, pos, x, aging, bound };
    this.#groupKey = key;
    return this.#group;
  }

  /**
   * The facts of a config's list for D, against D's attackers: `budget` K cuts the ranking to its top K (k = K);
   * `'natural'` makes the config's own list (its budget, else threshold and minimum; k = its size). With
   * `ordered` false the list's entries may come in any order (for metrics that read only its set of IPs: faster).
   */
  facts(config: FastConfig, decayKey: string, budget: number | 'natural', ordered = true): ListFacts {
    const g = this.#candidates(config.normalization, config.decay, decayKey);
    const ids = this.list(g, config, budget, ordered);
    const list = { ids, scores: EMPTY_SCORES, ips: [] } as RankedList;
    return scoreList(list, this.truth, budget === 'natural' ? ids.length : budget);
  }

  /** The listed knowledge ids (ranked when `ordered`). */
  list(g: CandidateGroup, config: FastConfig, budget: number | 'natural', ordered: boolean): Int32Array {
    const s = this.#scratch;
    const m = g.m;
    if (s.score.length < m) s.score = new Float64Array(Math.max(m, Math.ceil(s.score.length * 1.5)));
    const score = s.score;
    const w = config.weights;
    const w0 = w[0]!;
    const w1 = w[1]!;
    const w2 = w[2]!;
    const w3 = w[3]!;
    const w4 = w[4]!;
    const w5 = w[5]!;
    const w6 = w[6]!;
    const w7 = w[7]!;
    const x = g.x;
    const aging = g.aging;
    let scored = 0;
    // Scores candidates [scored, to): the model's own expression (8 terms left to right, then × aging), so every
    // score is bit-identical to prioritizeScores'.
    const scoreTo = (to: number): void => {
      for (let r = scored; r < to; r++) {
        const o = 8 * r;
        const v =
          (x[o]! * w0 +
            x[o + 1]! * w1 +
            x[o + 2]! * w2 +
            x[o + 3]! * w3 +
            x[o + 4]! * w4 +
            x[o + 5]! * w5 +
            x[o + 6]! * w6 +
            x[o + 7]! * w7) *
          aging[r]!;
        score[r] = Number.isFinite(v) ? v + 0 : 0;
      }
      if (to > scored) scored = to;
    };
    // Every unscored candidate's score is at most bound × wsum (with room for rounding).
    let wsum = 0;
    for (let j = 0; j < 8; j++) wsum += w[j]!;
    const slack = wsum * (1 + 1e-9);
    const bound = g.bound;
    const rest = (r: number) => (r < m ? bound[r]! * slack : 0);

    const cutBudget = budget !== 'natural' ? budget : config.budget;
    let length: number;
    if (cutBudget === null) {
      const t = config.threshold;
      // Candidates whose bound is at most the threshold cannot be above it.
      let lo = 0;
      let hi = m;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bound[mid]! * slack > t) lo = mid + 1;
        else hi = mid;
      }
      scoreTo(lo);
      let above = 0;
      for (let r = 0; r < lo; r++) if (score[r]! > t) above++;
      if (t < 0) above = this.listable; // every score is >= 0
      if (above >= config.minimum && t >= 0) {
        // AIP's rule keeps exactly the scores above the threshold.
        let k = 0;
        s.picked = growI32(s.picked, above);
        for (let r = 0; r < lo; r++) if (score[r]! > t) s.picked[k++] = r;
        return this.#finish(g, score, s.picked, k, 0, ordered);
      }
      length = above < config.minimum ? Math.min(this.listable, config.minimum) : above;
    } else {
      length = Math.min(cutBudget, this.listable);
    }
    if (length === 0) return new Int32Array(0);

    // Top `length`: grow the scored prefix until the length-th best score beats every unscored candidate's bound.
    let to = Math.max(scored, Math.min(m, 2 * length + 64));
    let cut = 0;
    for (;;) {
      scoreTo(to);
      if (to >= length) {
        s.select = growF64(s.select, to);
        s.select.set(score.subarray(0, to));
        cut = kthLargest(s.select, to, length);
        if (cut > 0 && rest(to) < cut) break;
        if (to === m) break; // cut is the length-th largest of every candidate (0 if it reaches the zeros)
      } else if (to === m) {
        cut = 0; // fewer candidates than places: the list reaches IPs scored 0
        break;
      }
      to = Math.min(m, 2 * to);
    }
    s.picked = growI32(s.picked, length);
    if (cut > 0) {
      // Every score >= cut is among the scored; of those equal to it, the first in IP order fill the list.
      let k = 0;
      let e = 0;
      s.equal = growI32(s.equal, scored);
      for (let r = 0; r < scored; r++) {
        const v = score[r]!;
        if (v > cut) s.picked[k++] = r;
        else if (v === cut) s.equal[e++] = r;
      }
      let wanted = length - k;
      if (e > wanted) {
        const eq = s.equal.subarray(0, e);
        eq.sort((a, b) => g.pos[a]! - g.pos[b]!);
      }
      for (let i = 0; wanted > 0 && i < e; i++, wanted--) s.picked[k++] = s.equal[i]!;
      return this.#finish(g, score, s.picked, k, 0, ordered);
    }
    // The cut is 0: every positive candidate, then IPs scored 0 (non-candidates included) in IP order.
    let k = 0;
    for (let r = 0; r < scored; r++) if (score[r]! > 0) s.picked[k++] = r;
    return this.#finish(g, score, s.picked, k, length - k, ordered);
  }

  /**
   * The list: `picked[0..k)` (candidate indices) and then `zeros` more IPs scored 0, the first in IP order; ranked by
   * score, ties by IP, when `ordered` (the backtest's order: a stable sort of the IP-ordered entries by score).
   */
  #finish(
    g: CandidateGroup,
    score: Float64Array,
    picked: Int32Array,
    k: number,
    zeros: number,
    ordered: boolean,
  ): Int32Array {
    const s = this.#scratch;
    const n = this.order.length;
    const positions = new Int32Array(k + zeros);
    for (let i = 0; i < k; i++) positions[i] = g.pos[picked[i]!]!;
    if (zeros > 0) {
      const mark = s.mark;
      for (let i = 0; i < k; i++) mark[positions[i]!] = 1;
      const excluded = this.excludedAtPos;
      let z = k;
      for (let p = 0; p < n && z < k + zeros; p++) if (!mark[p] && !excluded?.[p]) positions[z++] = p;
      for (let i = 0; i < k; i++) mark[positions[i]!] = 0;
    }
    const ids = new Int32Array(positions.length);
    if (!ordered) {
      for (let i = 0; i < positions.length; i++) ids[i] = this.order[positions[i]!]!;
      return ids;
    }
    positions.sort();
    const at = s.scoreAtPos;
    for (let i = 0; i < k; i++) at[g.pos[picked[i]!]!] = score[picked[i]!]!;
    const ranked = sortByScoreDesc(positions, at);
    for (let i = 0; i < ranked.length; i++) ids[i] = this.order[ranked[i]!]!;
    for (let i = 0; i < k; i++) at[g.pos[picked[i]!]!] = 0;
    return ids;
  }
}
