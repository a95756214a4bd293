import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { sortByScoreDesc } from './sort-by-score.js';

/**
 * A model's output: IPs best first with their scores. Scores never increase along the list, and equal scores are
 * ordered by IP, numerically ascending (DESIGN §4), so every list is deterministic.
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
 * which IPs are listed. O(IPs): candidates are taken in IP order, then stably sorted by score.
 */
export function rankByScore(
  view: KnowledgeView,
  scoreById: Float64Array,
  isCandidate?: (id: number) => boolean,
): RankedList {
  const order = view.ipOrder();
  let candidates = order;
  if (isCandidate) {
    candidates = new Int32Array(order.length);
    let k = 0;
    for (let i = 0; i < order.length; i++) if (isCandidate(order[i]!)) candidates[k++] = order[i]!;
    candidates = candidates.subarray(0, k);
  }
  const ids = sortByScoreDesc(candidates, scoreById);
  const scores = new Float64Array(ids.length);
  const ips: string[] = new Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    scores[i] = scoreById[ids[i]!]! + 0;
    ips[i] = view.ip(ids[i]!);
  }
  return { ids, scores, ips };
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
