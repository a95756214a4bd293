import { compareIpKeys } from '../util/ip/index.js';
import type { KnowledgeState } from './knowledge-state.js';

const cache = new WeakMap<KnowledgeState, Int32Array>();

/**
 * Every id of the state ordered by IP numerically. Kept between calls and extended when IPs were added: the new ids
 * are sorted (k log k) and placed into the old order by binary search, the runs between them copied whole, so a day costs one copy of the order, not a comparison per IP. The returned
 * array is the cache itself: callers copy it.
 */
export function ipOrderOf(s: KnowledgeState): Int32Array {
  const old = cache.get(s) ?? new Int32Array(0);
  if (old.length === s.n) return old;
  const keys = s.ipKeys;
  if (old.length > s.n) {
    // The state shrank (a fold was rolled back): keep the ids that still exist.
    const kept = old.filter((id) => id < s.n);
    cache.set(s, kept);
    return kept;
  }
  const added = Int32Array.from({ length: s.n - old.length }, (_, i) => old.length + i);
  added.sort((a, b) => compareIpKeys(keys, a, b));
  // Each added id's place in the old order by binary search, and the runs of old ids between them copied whole: O(k
  // log n) comparisons and one copy of the old order, not a comparison per id.
  const out = new Int32Array(s.n);
  let from = 0;
  let k = 0;
  for (let j = 0; j < added.length; j++) {
    const id = added[j]!;
    let lo = from;
    let hi = old.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIpKeys(keys, old[mid]!, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    out.set(old.subarray(from, lo), k);
    k += lo - from;
    from = lo;
    out[k++] = id;
  }
  out.set(old.subarray(from), k);
  cache.set(s, out);
  return out;
}

/**
 * The ids in IP order as two sorted runs — a base and the ids added since it was made — so a day's new IPs cost a
 * sort of themselves and a merge into the small run, not a copy of the whole order; the base absorbs the small run
 * once it reaches 1/16 of it (or the whole order is asked for). `at(j)` is the j-th id of the merged order, found by
 * binary search over the split between the runs: O(log n) comparisons. For models that read a few positions of the
 * order a day (Random's draws).
 */
export interface IpOrderRuns {
  readonly size: number;
  at(j: number): number;
}

interface Runs {
  base: Int32Array;
  side: Int32Array;
}

const runsCache = new WeakMap<KnowledgeState, Runs>();

export function ipOrderRuns(s: KnowledgeState): IpOrderRuns {
  const keys = s.ipKeys;
  let r = runsCache.get(s);
  const full = cache.get(s);
  if (r === undefined || r.base.length + r.side.length > s.n) {
    r = { base: ipOrderOf(s), side: new Int32Array(0) };
  } else if (full !== undefined && full.length === s.n) {
    r = { base: full, side: new Int32Array(0) };
  } else if (r.base.length + r.side.length < s.n) {
    const from = r.base.length + r.side.length;
    const added = Int32Array.from({ length: s.n - from }, (_, i) => from + i);
    added.sort((a, b) => compareIpKeys(keys, a, b));
    const side = new Int32Array(r.side.length + added.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < r.side.length && j < added.length)
      side[k++] = compareIpKeys(keys, r.side[i]!, added[j]!) <= 0 ? r.side[i++]! : added[j++]!;
    while (i < r.side.length) side[k++] = r.side[i++]!;
    while (j < added.length) side[k++] = added[j++]!;
    r =
      side.length * 16 > r.base.length
        ? { base: ipOrderOf(s), side: new Int32Array(0) }
        : { base: r.base, side };
  }
  runsCache.set(s, r);
  const { base, side } = r;
  const size = base.length + side.length;
  return {
    size,
    at(j: number): number {
      if (!(j >= 0 && j < size)) throw new RangeError(`position ${j} outside 0..${size - 1}`);
      if (side.length === 0) return base[j]!;
      // Take i from the base and j − i from the side, i the most with base[i − 1] before side[j − i].
      let lo = Math.max(0, j - side.length);
      let hi = Math.min(j, base.length);
      while (lo < hi) {
        const i = (lo + hi + 1) >>> 1;
        // base[i - 1] is among the first j + 1 iff it comes before side[j - i] (or the side is used up).
        if (j - i >= side.length || compareIpKeys(keys, base[i - 1]!, side[j - i]!) < 0) lo = i;
        else hi = i - 1;
      }
      const i = lo;
      // The j-th is the smaller of base[i] and side[j - i].
      if (i >= base.length) return side[j - i]!;
      if (j - i >= side.length) return base[i]!;
      return compareIpKeys(keys, base[i]!, side[j - i]!) < 0 ? base[i]! : side[j - i]!;
    },
  };
}
