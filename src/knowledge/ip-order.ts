import { compareIpKeys } from './ip-key.js';
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
