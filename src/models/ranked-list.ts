import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { kthLargest } from '../util/kth-largest.js';
import { sortByScoreDesc } from './sort-by-score.js';

/**
 * A model's output: IPs best first with their scores. Scores never increase along the list, and equal scores are
 * ordered by the tie order (DESIGN §4, `view.tieOrder()`: last seen latest first, then days active, then flows, then
 * IP ascending), so every list is deterministic and a cut inside a tie never decides by address where recency,
 * persistence or volume can.
 */
export interface RankedList {
  /** Knowledge ids (of the view the list was made from). */
  readonly ids: Int32Array;
  readonly scores: Float64Array;
  readonly ips: readonly string[];
}

export function emptyRankedList(): RankedList {
  return { ids: new Int32Array(0), scores: new Float64Array(0), ips: [] };
}

/**
 * Ranks the candidates of a view: `scoreById[id]` is the score of IP `id`; `isCandidate(id)` (default: all) picks
 * which IPs are listed. O(IPs): candidates are taken in the tie order, then stably sorted by score.
 *
 * With `limit` (ModelContext.limit: the caller needs only the top `limit`), only the first `limit` entries of that
 * ranking are returned — exactly them, ties at the cut resolved by the tie order as in the full ranking — found by selection
 * (the limit-th largest score, then one pass in the tie order) instead of sorting every candidate.
 */
export function rankByScore(
  view: KnowledgeView,
  scoreById: Float64Array,
  isCandidate?: (id: number) => boolean,
  limit?: number,
): RankedList {
  const order = view.tieOrder();
  if (limit !== undefined && limit < order.length / 4)
    return rankTop(view, order, scoreById, isCandidate, limit);
  let candidates = order;
  if (isCandidate) {
    candidates = new Int32Array(order.length);
    let k = 0;
    for (let i = 0; i < order.length; i++) if (isCandidate(order[i]!)) candidates[k++] = order[i]!;
    candidates = candidates.subarray(0, k);
  }
  return listOf(view, sortByScoreDesc(candidates, scoreById), scoreById);
}

function listOf(view: KnowledgeView, ids: Int32Array, scoreById: Float64Array): RankedList {
  const scores = new Float64Array(ids.length);
  const ips: string[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    scores[i] = scoreById[ids[i]!]! + 0;
    ips[i] = view.ip(ids[i]!);
  }
  return { ids, scores, ips };
}

function rankTop(
  view: KnowledgeView,
  order: Int32Array,
  scoreById: Float64Array,
  isCandidate: ((id: number) => boolean) | undefined,
  limit: number,
): RankedList {
  if (!(Number.isInteger(limit) && limit >= 0))
    throw new RangeError(`limit must be a whole number >= 0, got ${limit}`);
  // Passes over ids in id order (sequential memory); only the final gathering walks the tie order.
  const size = order.length;
  const values = new Float64Array(size);
  let n = 0;
  for (let id = 0; id < size; id++) {
    if (isCandidate && !isCandidate(id)) continue;
    const s = scoreById[id]!;
    if (Number.isNaN(s)) throw new RangeError(`score of candidate ${id} is NaN`);
    values[n++] = s + 0;
  }
  if (n <= limit) return rankByScore(view, scoreById, isCandidate);
  if (limit === 0) return emptyRankedList();
  // The limit-th largest score: everything above it is in, and the first (limit - above) equal to it in the tie order.
  const cut = kthLargest(values.subarray(0, n), limit);
  const flag = new Uint8Array(size); // 1: above the cut, 2: equal to it
  let above = 0;
  for (let id = 0; id < size; id++) {
    const s = scoreById[id]! + 0;
    if (s < cut || (isCandidate && !isCandidate(id))) continue;
    if (s > cut) {
      flag[id] = 1;
      above++;
    } else flag[id] = 2;
  }
  let equalWanted = limit - above;
  const picked = new Int32Array(limit);
  let k = 0;
  for (let i = 0; i < size && k < limit; i++) {
    const id = order[i]!;
    const f = flag[id]!;
    if (f === 1) picked[k++] = id;
    else if (f === 2 && equalWanted > 0) {
      picked[k++] = id;
      equalWanted--;
    }
  }
  return listOf(view, sortByScoreDesc(picked, scoreById), scoreById);
}

/** The first `length` entries (a copy). */
export function headOf(list: RankedList, length: number): RankedList {
  const k = Math.max(0, Math.min(length, list.ids.length));
  return {
    ids: list.ids.slice(0, k),
    scores: list.scores.slice(0, k),
    ips: list.ips.slice(0, k),
  };
}
