import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { UsageError } from '../util/errors.js';
import { kthLargest } from '../util/kth-largest.js';
import { sortByScoreDesc } from '../util/sort-by-score.js';
import type { DecayFunction } from './decay/decay-function.js';
import { createDecay } from './decay/registry.js';
import type { FastScorer, FastScorerDay } from './fast-scorer.js';
import {
  type Normalization,
  normalizedAipFeatures,
  type PrioritizeParams,
  type PrioritizeWeights,
  prioritizeScore,
} from './prioritize.js';

/**
 * Every listable IP of one day for one normalization, grouped into aging classes: IPs with the same d (days since
 * last seen) and t (days between first and last seen) get the same aging from any decay function, at(d, t). Within a
 * class, IPs are ordered by their largest feature, so Σ wᵢ·xᵢ ≤ (Σ wᵢ)·max xᵢ bounds the score of everything after a
 * point, for every weight vector (weights and features >= 0). A config then scores, class by class, only the IPs
 * whose bound reaches the cut it is looking for: O(list), not O(IPs), and the aging is one call per class.
 */
interface AgingClasses {
  /** Listable IPs. */
  m: number;
  /** IP-order position of each, in class order. */
  pos: Int32Array;
  /** Features, 8 per IP (row-major, class order): one sequential stream for the scoring loop. */
  x: Float64Array;
  /** Largest feature of each IP, descending within a class. */
  maxX: Float64Array;
  /** Class c holds [start[c], start[c + 1]). */
  start: Int32Array;
  classD: Int32Array;
  classT: Int32Array;
  /** Aging per class, by decay key. */
  aging: Map<string, Float64Array>;
}

function growF64(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return a.length >= n ? a : new Float64Array(Math.max(n, Math.ceil(a.length * 1.5)));
}
function growI32(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return a.length >= n ? a : new Int32Array(Math.max(n, Math.ceil(a.length * 1.5)));
}

/** Reusable scratch of one scorer (grown, never shrunk): shared by every day and config of a tuning run. */
class Scratch {
  score = new Float64Array(0);
  select = new Float64Array(0);
  picked = new Int32Array(0);
  equal = new Int32Array(0);
  /** Per IP-order position: its score while a list is ordered (0 otherwise). */
  scoreAtPos = new Float64Array(0);
  /** Per IP-order position: 1 while it is a listed candidate with a positive score (0 otherwise). */
  mark = new Uint8Array(0);
  /** Per aging class: IPs scored so far (a prefix of the class). */
  scoredInClass = new Int32Array(0);
}

/** A config as the day needs it: the params, the decay function built once, and its cache key. */
interface Config {
  params: PrioritizeParams;
  decay: DecayFunction;
  decayKey: string;
}

/**
 * The tuning fast path of Prioritize_Consistent and Prioritize_New (issue 5, moved into the model by issue 10): one
 * day's view is prepared once and shared by every config (see PrioritizeDay); a config then only weighs, cuts and
 * orders the IPs that can reach its list. Refuses a config with a negative weight (the score bound it relies on,
 * Σ wᵢ·xᵢ ≤ max xᵢ · Σ wᵢ, needs weights >= 0): the tuner ranks that one with the model itself.
 */
export function prioritizeFastScorer(): FastScorer<PrioritizeParams> {
  const scratch = new Scratch();
  const decays = new Map<string, DecayFunction>();
  const configOf = (params: PrioritizeParams): Config => {
    const decayKey = JSON.stringify(params.decay);
    let decay = decays.get(decayKey);
    if (decay === undefined) {
      decay = createDecay(params.decay);
      decays.set(decayKey, decay);
    }
    return { params, decay, decayKey };
  };
  return {
    refuses: (params) =>
      params.weights.every((w) => w >= 0)
        ? undefined
        : `weights below 0 ([${params.weights.join(', ')}]): the fast path's score bound needs weights >= 0`,
    day: (view, excludedById) => {
      const day = new PrioritizeDay(view, scratch, excludedById);
      return {
        list: (params, budget, ordered) => day.list(configOf(params), budget, ordered),
      } satisfies FastScorerDay<PrioritizeParams>;
    },
  };
}

/**
 * One tuning day: the view as of D, shared by every config. The normalised features come from normalizedAipFeatures
 * (once per view and normalization), the aging once per distinct decay, and each config then only weighs, cuts and
 * orders. It gives exactly the list the model gives with those params: the same scores (prioritizeScore, the same
 * floating-point operations in the same order), the same list in the same order (ties by the tie order).
 */
class PrioritizeDay {
  readonly view: KnowledgeView;
  /** Tie-order position → knowledge id. */
  readonly order: Int32Array;
  /** Whether a tie-order position is allowlisted (never listed), or undefined: none is. */
  readonly excludedAtPos: Uint8Array | undefined;
  /** IPs that can be listed: known, not allowlisted. */
  readonly listable: number;
  readonly #scratch: Scratch;
  readonly #prepared = new Map<Normalization, AgingClasses>();

  constructor(view: KnowledgeView, scratch: Scratch, excludedById?: Uint8Array) {
    this.view = view;
    this.#scratch = scratch;
    this.order = view.tieOrder();
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

  /** The IPs of the day in class order, for one normalization (made once, on first use). */
  #prepare(normalization: Normalization): AgingClasses {
    const known = this.#prepared.get(normalization);
    if (known) return known;
    const features = normalizedAipFeatures(this.view, normalization);
    const { firstSeen, lastSeen } = this.view.columns();
    const day = this.view.day;
    const order = this.order;
    const n = order.length;
    const excluded = this.excludedAtPos;
    const m = this.listable;
    const posOf = new Int32Array(m);
    const maxOf = new Float64Array(m);
    const keyOf = new Int32Array(m);
    let maxT = 0;
    let maxD = 0;
    for (let p = 0, k = 0; p < n; p++) {
      if (excluded?.[p]) continue;
      const id = order[p]!;
      let max = 0;
      for (let j = 0; j < 8; j++) {
        const v = features[j]![id]!;
        if (!(v >= 0 && v < Number.POSITIVE_INFINITY))
          throw new UsageError(
            `feature ${j} of ${this.view.ip(id)} is ${v}; tuning needs finite features >= 0`,
          );
        if (v > max) max = v;
      }
      const d = day - lastSeen[id]!;
      const t = lastSeen[id]! - firstSeen[id]!;
      if (t > maxT) maxT = t;
      if (d > maxD) maxD = d;
      posOf[k] = p;
      maxOf[k] = max;
      keyOf[k] = d; // finished below, once maxT is known
      k++;
    }
    const width = maxT + 1;
    for (let k = 0, p = 0; k < m; k++, p++) {
      while (excluded?.[p]) p++;
      const id = order[p]!;
      keyOf[k] = keyOf[k]! * width + (lastSeen[id]! - firstSeen[id]!);
    }
    // Largest feature descending (stable), then a stable counting sort by class: classes in key order, each by max.
    const local = new Int32Array(m);
    for (let k = 0; k < m; k++) local[k] = k;
    const byMax = sortByScoreDesc(local, maxOf);
    const keys = (maxD + 1) * width;
    const count = new Int32Array(keys + 1);
    for (let k = 0; k < m; k++) count[keyOf[k]! + 1]!++;
    let classes = 0;
    for (let c = 1; c <= keys; c++) if (count[c]! > 0) classes++;
    for (let c = 0; c < keys; c++) count[c + 1]! += count[c]!;
    const start = new Int32Array(classes + 1);
    const classD = new Int32Array(classes);
    const classT = new Int32Array(classes);
    for (let key = 0, c = 0; key < keys; key++) {
      if (count[key + 1] === count[key]) continue;
      start[c] = count[key]!;
      classD[c] = Math.floor(key / width);
      classT[c] = key % width;
      c++;
    }
    start[classes] = m;
    const pos = new Int32Array(m);
    const maxX = new Float64Array(m);
    const x = new Float64Array(8 * m);
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
    for (let i = 0; i < m; i++) {
      const k = byMax[i]!;
      const r = count[keyOf[k]!]!++;
      const p = posOf[k]!;
      const id = order[p]!;
      pos[r] = p;
      maxX[r] = maxOf[k]!;
      const o = 8 * r;
      x[o] = f0[id]!;
      x[o + 1] = f1[id]!;
      x[o + 2] = f2[id]!;
      x[o + 3] = f3[id]!;
      x[o + 4] = f4[id]!;
      x[o + 5] = f5[id]!;
      x[o + 6] = f6[id]!;
      x[o + 7] = f7[id]!;
    }
    const prepared: AgingClasses = { m, pos, x, maxX, start, classD, classT, aging: new Map() };
    this.#prepared.set(normalization, prepared);
    return prepared;
  }

  /** The aging of each class for a decay function (one call per class, cached by decay). */
  #agingOf(g: AgingClasses, decay: DecayFunction, decayKey: string): Float64Array {
    let aging = g.aging.get(decayKey);
    if (aging) return aging;
    const classes = g.classD.length;
    aging = new Float64Array(classes);
    for (let c = 0; c < classes; c++) {
      const a = decay.at(g.classD[c]!, g.classT[c]!);
      if (a < 0)
        throw new UsageError(
          `decay function '${decay.name}' gives ${a} (below 0) on ${this.view.date}; tuning needs an aging >= 0`,
        );
      // A non-finite aging makes the model's score non-finite or NaN, which it counts as 0: as an aging of 0.
      aging[c] = Number.isFinite(a) ? a : 0;
    }
    g.aging.set(decayKey, aging);
    return aging;
  }

  /**
   * The knowledge ids of a config's list for D: `budget` K cuts the ranking to its top K; `'natural'` makes the
   * config's own list (its budget, else threshold and minimum). Ranked when `ordered`, else in any order.
   */
  list(c: Config, budget: number | 'natural', ordered: boolean): Int32Array {
    const g = this.#prepare(c.params.normalization);
    return this.#list(g, this.#agingOf(g, c.decay, c.decayKey), c.params, budget, ordered);
  }

  /** The listed knowledge ids (ranked when `ordered`). */
  #list(
    g: AgingClasses,
    agingOfClass: Float64Array,
    config: PrioritizeParams,
    budget: number | 'natural',
    ordered: boolean,
  ): Int32Array {
    const s = this.#scratch;
    const m = g.m;
    const classes = agingOfClass.length;
    if (s.score.length < m) s.score = new Float64Array(Math.max(m, Math.ceil(s.score.length * 1.5)));
    if (s.scoredInClass.length < classes) s.scoredInClass = new Int32Array(Math.max(classes, 64));
    const score = s.score;
    const done = s.scoredInClass;
    done.fill(0, 0, classes);
    const w = config.weights as PrioritizeWeights;
    const { x, maxX, start } = g;
    let wsum = 0;
    for (let j = 0; j < 8; j++) wsum += w[j]!;
    // Every score is at most max feature × aging × wsum; the slack covers rounding.
    const slack = wsum * (1 + 1e-9);
    let scored = 0;
    // Scores, in every class, the IPs whose bound is >= tau (and leaves every other IP's score below tau): the
    // model's own expression (prioritizeScore), so every score is bit-identical to prioritizeScores'.
    const scoreDownTo = (tau: number): void => {
      for (let c = 0; c < classes; c++) {
        const a = agingOfClass[c]!;
        if (a === 0) continue;
        const end = start[c + 1]!;
        let from = start[c]! + done[c]!;
        if (from === end) continue;
        const scale = a * slack;
        // Binary search: the first IP of the class whose bound is below tau.
        let lo = from;
        let hi = end;
        if (tau <= 0) lo = end;
        else
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (maxX[mid]! * scale >= tau) lo = mid + 1;
            else hi = mid;
          }
        for (let r = from; r < lo; r++) {
          const o = 8 * r;
          const v = prioritizeScore(
            x[o]!,
            x[o + 1]!,
            x[o + 2]!,
            x[o + 3]!,
            x[o + 4]!,
            x[o + 5]!,
            x[o + 6]!,
            x[o + 7]!,
            w,
            a,
          );
          score[r] = Number.isFinite(v) ? v + 0 : 0;
        }
        scored += lo - from;
        from = lo;
        done[c] = lo - start[c]!;
      }
    };
    /** Visits every scored IP (index into the class order). */
    const eachScored = (visit: (r: number) => void): void => {
      for (let c = 0; c < classes; c++) {
        const end = start[c]! + done[c]!;
        for (let r = start[c]!; r < end; r++) visit(r);
      }
    };

    const cutBudget = budget !== 'natural' ? budget : config.budget;
    let length: number;
    if (cutBudget === null) {
      const t = config.threshold;
      // IPs whose bound is below the threshold cannot be above it.
      scoreDownTo(t);
      let above = 0;
      eachScored((r) => {
        if (score[r]! > t) above++;
      });
      if (t < 0) above = m; // every score is >= 0
      if (above >= config.minimum && t >= 0) {
        // AIP's rule keeps exactly the scores above the threshold.
        s.picked = growI32(s.picked, above);
        let k = 0;
        const picked = s.picked;
        eachScored((r) => {
          if (score[r]! > t) picked[k++] = r;
        });
        return this.#finish(g, score, picked, k, 0, ordered);
      }
      length = above < config.minimum ? Math.min(m, config.minimum) : above;
    } else {
      length = Math.min(cutBudget, m);
    }
    if (length === 0) return new Int32Array(0);

    // Top `length`: lower tau until `length` IPs are scored, then once more to the length-th best score found; once
    // that cut is at least tau, nothing unscored (all below tau) can reach it.
    let top = 0;
    for (let c = 0; c < classes; c++) {
      const b = maxX[start[c]!]! * agingOfClass[c]! * slack;
      if (b > top) top = b;
    }
    let tau = top / 4;
    let cut = 0;
    for (;;) {
      scoreDownTo(tau);
      if (scored >= length) {
        s.select = growF64(s.select, scored);
        let k = 0;
        const select = s.select;
        eachScored((r) => {
          select[k++] = score[r]!;
        });
        cut = kthLargest(select.subarray(0, k), length);
        if (cut > 0 && cut >= tau) break;
        if (tau === 0) break; // everything is scored: cut is the length-th largest of all (0 if it reaches the zeros)
        tau = cut > 0 ? cut : 0;
      } else if (tau === 0) {
        cut = 0; // fewer IPs with a positive aging than places: the list reaches IPs scored 0
        break;
      } else {
        tau = tau < 1e-250 ? 0 : tau / 16;
      }
    }
    s.picked = growI32(s.picked, length);
    const picked = s.picked;
    if (cut > 0) {
      // Every score >= cut is among the scored; of those equal to it, the first in the tie order fill the list.
      let k = 0;
      let e = 0;
      s.equal = growI32(s.equal, scored);
      const equal = s.equal;
      eachScored((r) => {
        const v = score[r]!;
        if (v > cut) picked[k++] = r;
        else if (v === cut) equal[e++] = r;
      });
      let wanted = length - k;
      if (e > wanted) {
        const eq = equal.subarray(0, e);
        eq.sort((a, b) => g.pos[a]! - g.pos[b]!);
      }
      for (let i = 0; wanted > 0 && i < e; i++, wanted--) picked[k++] = equal[i]!;
      return this.#finish(g, score, picked, k, 0, ordered);
    }
    // The cut is 0: every positive score, then IPs scored 0 (zero aging included) in the tie order.
    let k = 0;
    eachScored((r) => {
      if (score[r]! > 0) picked[k++] = r;
    });
    return this.#finish(g, score, picked, k, length - k, ordered);
  }

  /**
   * The list: `picked[0..k)` (candidate indices) and then `zeros` more IPs scored 0, the first in the tie order; ranked by
   * score, ties by the tie order, when `ordered` (the backtest's order: a stable sort of the tie-ordered entries by score).
   */
  #finish(
    g: AgingClasses,
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
