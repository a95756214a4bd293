import { compareIpKeys } from './ip-key.js';
import type { KnowledgeState } from './knowledge-state.js';

const cache = new WeakMap<KnowledgeState, Int32Array>();

/**
 * Every id of the state ordered by IP numerically. Kept between calls and extended when IPs were added: the new ids
 * are sorted (k log k) and merged into the old order (O(n)), so a day costs O(IPs), not a full sort. The returned
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
  const out = new Int32Array(s.n);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < old.length && j < added.length) {
    if (compareIpKeys(keys, old[i]!, added[j]!) <= 0) out[k++] = old[i++]!;
    else out[k++] = added[j++]!;
  }
  while (i < old.length) out[k++] = old[i++]!;
  while (j < added.length) out[k++] = added[j++]!;
  cache.set(s, out);
  return out;
}
