import type { KnowledgeState } from '../knowledge/knowledge-state.js';
import { type KnowledgeView, liveState } from '../knowledge/knowledge-view.js';
import {
  CHUNK,
  type ChunkStats,
  chunkStatsOf,
  type RecencyGroup,
  recencyGroupsOf,
  walkTieOrder,
} from '../knowledge/recency-groups.js';
import { compareIpKeys } from '../util/ip/index.js';
import { kthLargest } from '../util/kth-largest.js';
import { sortByScoreDesc } from '../util/sort-by-score.js';
import { idRankedList, type RankedList } from './ranked-list.js';

/**
 * Ranked lists made from the knowledge base's recency groups (knowledge/recency-groups.ts) instead of a pass over
 * every known IP. Each gives exactly the list rankByScore gives for the same scores (the first `limit` entries, equal
 * scores in the tie order), which the tests check against it; each returns undefined where it does not apply (a view
 * made by previous(), a score it cannot bound), and the model then ranks the usual way.
 */

/** Compares two ids in the tie order (DESIGN §4): last seen latest first, days active, flows, IP ascending. */
export function tieComparator(s: KnowledgeState): (a: number, b: number) => number {
  const { lastSeen, daysActive, flows, ipKeys } = s;
  return (a, b) =>
    lastSeen[b]! - lastSeen[a]! ||
    daysActive[b]! - daysActive[a]! ||
    flows[b]! - flows[a]! ||
    compareIpKeys(ipKeys, a, b);
}

/** A ranked list of the given ids and scores (scores + 0: no -0), with their IP texts. */
export function rankedListOf(view: KnowledgeView, ids: Int32Array, scores: Float64Array): RankedList {
  for (let i = 0; i < ids.length; i++) scores[i] = scores[i]! + 0;
  return idRankedList(ids, scores, view.ipText());
}

/**
 * Every IP last seen on or after day `from`, in the tie order, at most `limit` of them, each scored `scoreOf(its
 * last-seen day)` — which must not increase as the day gets older (then the tie order is the ranking). Alpha, Alpha7
 * and AllIPs: O(listed IPs), whatever the size of the knowledge.
 */
export function recentPrefix(
  view: KnowledgeView,
  from: number,
  limit: number | undefined,
  scoreOf: (lastSeen: number) => number,
): RankedList | undefined {
  const s = liveState(view);
  if (s === undefined) return undefined;
  const { groups } = recencyGroupsOf(s);
  let total = 0;
  for (let g = groups.length - 1; g >= 0 && groups[g]!.day >= from; g--) total += groups[g]!.live;
  const m = limit === undefined ? total : Math.min(total, limit);
  const ids = new Int32Array(m);
  const scores = new Float64Array(m);
  let k = 0;
  let day = Number.NaN;
  let score = 0;
  if (m > 0)
    walkTieOrder(s, (id, lastSeen) => {
      if (lastSeen !== day) {
        day = lastSeen;
        score = scoreOf(lastSeen);
      }
      ids[k] = id;
      scores[k++] = score;
      return k < m;
    });
  return rankedListOf(view, ids, scores);
}

/**
 * The ranking rankByScore gives of `ids` (distinct; every other IP is not a candidate) by `scoreById`, cut to
 * `limit`: O(m log m) in their number m, not O(IPs). Undefined for a view made by previous().
 */
export function rankSubset(
  view: KnowledgeView,
  ids: Int32Array,
  scoreById: Float64Array,
  limit: number | undefined,
): RankedList | undefined {
  const s = liveState(view);
  if (s === undefined) return undefined;
  let pool = ids;
  if (limit !== undefined && ids.length > limit) {
    // Only the ids at or above the limit-th largest score can be listed.
    const values = new Float64Array(ids.length);
    for (let i = 0; i < ids.length; i++) values[i] = scoreById[ids[i]!]! + 0;
    const cut = kthLargest(values, limit);
    pool = ids.filter((id) => scoreById[id]! + 0 >= cut);
  }
  const tie = tieComparator(s);
  const sorted = Array.from(pool).sort((a, b) => scoreById[b]! + 0 - (scoreById[a]! + 0) || tie(a, b));
  const m = limit === undefined ? sorted.length : Math.min(limit, sorted.length);
  const out = Int32Array.from(sorted.slice(0, m));
  const scores = new Float64Array(m);
  for (let i = 0; i < m; i++) scores[i] = scoreById[out[i]!]!;
  return rankedListOf(view, out, scores);
}

/** What boundedTopK needs of a score. */
export interface ChunkScorer {
  /** Called once per group before its bounds; false: give up (the model ranks the usual way). */
  group?(group: RecencyGroup, stats: ChunkStats): boolean;
  /**
   * An upper bound of the scores of chunk `c`'s live members (never below any of them; -Infinity for a chunk without
   * live members). A bound that is not a number or infinite makes the engine give up.
   */
  bound(group: RecencyGroup, stats: ChunkStats, c: number): number;
  /** The score of a live member of `group`; one that is not finite makes the engine give up. */
  score(id: number, group: RecencyGroup): number;
}

/**
 * The exact top `limit` of a score over every known IP, through bounds: chunks are visited by their bound, highest
 * first, and the walk stops at the first chunk whose bound is below the limit-th best score found so far (every
 * later chunk is below it too, so none of its members can enter, not even on a tie). The candidates that reach the
 * final cut are ordered by score, equal scores in the tie order. Undefined where it does not apply.
 */
export function boundedTopK(view: KnowledgeView, limit: number, scorer: ChunkScorer): RankedList | undefined {
  const s = liveState(view);
  if (s === undefined || !(Number.isInteger(limit) && limit >= 1)) return undefined;
  const { groups } = recencyGroupsOf(s);
  let chunks = 0;
  const stats: ChunkStats[] = [];
  for (const g of groups) {
    const st = chunkStatsOf(s, g);
    if (scorer.group && !scorer.group(g, st)) return undefined;
    stats.push(st);
    chunks += st.chunks;
  }
  const chunkGroup = new Int32Array(chunks);
  const chunkIndex = new Int32Array(chunks);
  const bounds = new Float64Array(chunks);
  let k = 0;
  for (let gi = 0; gi < groups.length; gi++) {
    const st = stats[gi]!;
    for (let c = 0; c < st.chunks; c++, k++) {
      const b = scorer.bound(groups[gi]!, st, c);
      if (Number.isNaN(b) || b === Number.POSITIVE_INFINITY) return undefined;
      chunkGroup[k] = gi;
      chunkIndex[k] = c;
      bounds[k] = b;
    }
  }
  const order = sortByScoreDesc(
    Int32Array.from({ length: chunks }, (_, i) => i),
    bounds,
  );
  // A min-heap of the best `limit` scores so far: heap[0] is the limit-th best once it is full.
  const heap = new Float64Array(Math.max(1, limit));
  let heapSize = 0;
  let candIds = new Int32Array(Math.max(16, limit * 2));
  let candScores = new Float64Array(candIds.length);
  let cands = 0;
  const { lastSeen } = s;
  for (let o = 0; o < order.length; o++) {
    const ci = order[o]!;
    const bound = bounds[ci]!;
    if (bound === Number.NEGATIVE_INFINITY) break;
    if (heapSize === limit && bound < heap[0]!) break;
    const group = groups[chunkGroup[ci]!]!;
    const members = group.ids;
    const end = Math.min(members.length, (chunkIndex[ci]! + 1) * CHUNK);
    for (let i = chunkIndex[ci]! * CHUNK; i < end; i++) {
      const id = members[i]!;
      if (lastSeen[id] !== group.day) continue;
      const score = scorer.score(id, group) + 0;
      if (!Number.isFinite(score)) return undefined;
      if (score > bound) throw new Error(`bounded top-K: score ${score} above its chunk's bound ${bound}`);
      if (heapSize < limit) {
        heapPush(heap, heapSize++, score);
      } else if (score >= heap[0]!) {
        if (score > heap[0]!) heapReplaceTop(heap, heapSize, score);
      } else continue;
      if (cands === candIds.length) {
        const ids2 = new Int32Array(cands * 2);
        ids2.set(candIds);
        candIds = ids2;
        const scores2 = new Float64Array(cands * 2);
        scores2.set(candScores);
        candScores = scores2;
      }
      candIds[cands] = id;
      candScores[cands++] = score;
    }
  }
  const cut = heapSize === limit ? heap[0]! : Number.NEGATIVE_INFINITY;
  const kept: number[] = [];
  for (let i = 0; i < cands; i++) if (candScores[i]! >= cut) kept.push(i);
  const tie = tieComparator(s);
  kept.sort((a, b) => candScores[b]! - candScores[a]! || tie(candIds[a]!, candIds[b]!));
  const m = Math.min(limit, kept.length);
  const ids = new Int32Array(m);
  const scores = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    ids[i] = candIds[kept[i]!]!;
    scores[i] = candScores[kept[i]!]!;
  }
  return rankedListOf(view, ids, scores);
}

function heapPush(heap: Float64Array, size: number, v: number): void {
  let i = size;
  heap[i] = v;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p]! <= v) break;
    heap[i] = heap[p]!;
    i = p;
  }
  heap[i] = v;
}

function heapReplaceTop(heap: Float64Array, size: number, v: number): void {
  let i = 0;
  while (true) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const c = r < size && heap[r]! < heap[l]! ? r : l;
    if (heap[c]! >= v) break;
    heap[i] = heap[c]!;
    i = c;
  }
  heap[i] = v;
}

/** Margin added to a computed bound, so the rounding of the bound's own arithmetic can never put it below a score. */
export function padBound(b: number): number {
  return b + Math.abs(b) * 1e-9 + 1e-300;
}
