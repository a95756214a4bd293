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
  const order = tieOrderOf(view).order;
  if (limit !== undefined && limit < order.length / 4) return rankTop(view, scoreById, isCandidate, limit);
  let candidates = order;
  if (isCandidate) {
    candidates = new Int32Array(order.length);
    let k = 0;
    for (let i = 0; i < order.length; i++) if (isCandidate(order[i]!)) candidates[k++] = order[i]!;
    candidates = candidates.subarray(0, k);
  }
  return listOf(view, sortByScoreDesc(candidates, scoreById), scoreById);
}

/** A view's tie order (read-only: never handed out) and, made on first need, each id's position in it. */
interface TieOrderCache {
  order: Int32Array;
  rank?: Int32Array;
}

const tieOrders = new WeakMap<KnowledgeView, TieOrderCache>();

/** The tie order of a view, fetched once per view: every model ranking on the same view shares it. */
function tieOrderOf(view: KnowledgeView): TieOrderCache {
  let c = tieOrders.get(view);
  if (c === undefined) {
    c = { order: view.tieOrder() };
    tieOrders.set(view, c);
  }
  return c;
}

function tieRankOf(view: KnowledgeView): Int32Array {
  const c = tieOrderOf(view);
  if (c.rank === undefined) {
    const rank = new Int32Array(c.order.length);
    for (let k = 0; k < c.order.length; k++) rank[c.order[k]!] = k;
    c.rank = rank;
  }
  return c.rank;
}

function listOf(view: KnowledgeView, ids: Int32Array, scoreById: Float64Array): RankedList {
  const scores = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) scores[i] = scoreById[ids[i]!]! + 0;
  return idRankedList(ids, scores, view.ipText());
}

/** How the IP texts of a lazy list are made (kept for its heads). */
const textOfList = new WeakMap<RankedList, (id: number) => string>();

/**
 * A ranked list whose IP texts are made on first read of `ips` (a backtest scores lists by id and never reads them:
 * no string per listed IP per day). `textOf` must stay valid after the view is gone (KnowledgeView.ipText()).
 */
export function idRankedList(
  ids: Int32Array,
  scores: Float64Array,
  textOf: (id: number) => string,
): RankedList {
  let ips: string[] | undefined;
  const list: RankedList = {
    ids,
    scores,
    get ips(): readonly string[] {
      if (ips === undefined) {
        ips = new Array(ids.length);
        for (let i = 0; i < ids.length; i++) ips[i] = textOf(ids[i]!);
      }
      return ips;
    },
  };
  textOfList.set(list, textOf);
  return list;
}

/** Scratch of rankTop, grown and reused (rankings run one at a time): no array of the size of the knowledge per call. */
let scratchValues = new Float64Array(0);
let scratchIds = new Int32Array(0);
let scratchMark = new Int32Array(0);
let markStamp = 0;

/** Above this many IPs tied at the cut, they are picked by a walk of the tie order instead of a sort of their ranks. */
const SORT_TIES_UP_TO = 4096;
/** Scores sampled (evenly over the ids) to guess a floor below the cut. */
const SAMPLE = 8192;

function rankTop(
  view: KnowledgeView,
  scoreById: Float64Array,
  isCandidate: ((id: number) => boolean) | undefined,
  limit: number,
): RankedList {
  if (!(Number.isInteger(limit) && limit >= 0))
    throw new RangeError(`limit must be a whole number >= 0, got ${limit}`);
  const size = view.size;
  if (scratchValues.length < size) {
    const cap = Math.max(size, Math.ceil(scratchValues.length * 1.5));
    scratchValues = new Float64Array(cap);
    scratchIds = new Int32Array(cap);
  }
  const values = scratchValues;
  const ids = scratchIds;
  // A floor: from an even sample of the scores, a value that about twice `limit` of all IPs reach. One pass then keeps
  // only the IPs at or above it (with their ids), and the exact cut is selected among those; if too few reach the
  // floor (an unlucky sample), the floor drops to -Infinity and the pass keeps everyone. Exact either way.
  let floor = Number.NEGATIVE_INFINITY;
  const step = Math.floor(size / SAMPLE);
  if (step >= 2) {
    let m = 0;
    for (let id = 0; id < size; id += step)
      if (!isCandidate || isCandidate(id)) values[m++] = scoreById[id]! + 0;
    const want = Math.ceil(((2 * limit) / size) * m) + 16;
    if (want < m) {
      const guess = kthLargest(values.subarray(0, m), want);
      if (!Number.isNaN(guess)) floor = guess;
    }
  }
  let candidates = 0;
  let n = 0;
  for (let pass = 0; pass < 2; pass++) {
    candidates = 0;
    n = 0;
    for (let id = 0; id < size; id++) {
      if (isCandidate && !isCandidate(id)) continue;
      const s = scoreById[id]!;
      if (Number.isNaN(s)) throw new RangeError(`score of candidate ${id} is NaN`);
      candidates++;
      if (s >= floor) {
        values[n] = s + 0;
        ids[n++] = id;
      }
    }
    if (n >= limit || floor === Number.NEGATIVE_INFINITY) break;
    floor = Number.NEGATIVE_INFINITY;
  }
  if (candidates <= limit) return rankByScore(view, scoreById, isCandidate);
  if (limit === 0) return emptyRankedList();
  // The limit-th largest score: everything above it is in, and the first (limit - above) equal to it in tie order.
  const kept = ids.slice(0, n);
  const cut = kthLargest(values.subarray(0, n), limit);
  const picked = new Int32Array(limit);
  let above = 0;
  const equal: number[] = [];
  for (let i = 0; i < kept.length; i++) {
    const id = kept[i]!;
    const s = scoreById[id]! + 0;
    if (s > cut) picked[above++] = id;
    else if (s === cut) equal.push(id);
  }
  const wanted = limit - above;
  if (equal.length <= wanted) for (const id of equal) picked[above++] = id;
  else if (equal.length <= SORT_TIES_UP_TO) {
    const rank = tieRankOf(view);
    equal.sort((a, b) => rank[a]! - rank[b]!);
    for (let i = 0; i < wanted; i++) picked[above++] = equal[i]!;
  } else {
    if (scratchMark.length < size)
      scratchMark = new Int32Array(Math.max(size, Math.ceil(scratchMark.length * 1.5)));
    const mark = scratchMark;
    if (++markStamp > 2_000_000_000) {
      mark.fill(0);
      markStamp = 1;
    }
    for (const id of equal) mark[id] = markStamp;
    const order = tieOrderOf(view).order;
    for (let k = 0, got = 0; k < order.length && got < wanted; k++)
      if (mark[order[k]!] === markStamp) {
        picked[above++] = order[k]!;
        got++;
      }
  }
  // Ranked: by score, equal scores in the tie order (a stable sort of the picks taken in tie order).
  const rank = tieRankOf(view);
  const inTieOrder = picked.slice().sort((a, b) => rank[a]! - rank[b]!);
  return listOf(view, sortByScoreDesc(inTieOrder, scoreById), scoreById);
}

/** The first `length` entries (a copy). */
export function headOf(list: RankedList, length: number): RankedList {
  const k = Math.max(0, Math.min(length, list.ids.length));
  const textOf = textOfList.get(list);
  if (textOf !== undefined) return idRankedList(list.ids.slice(0, k), list.scores.slice(0, k), textOf);
  return {
    ids: list.ids.slice(0, k),
    scores: list.scores.slice(0, k),
    ips: list.ips.slice(0, k),
  };
}
