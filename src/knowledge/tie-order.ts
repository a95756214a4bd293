import { sortByScoreDesc } from '../util/sort-by-score.js';
import { compareIpKeys } from './ip-key.js';
import { ipOrderOf } from './ip-order.js';
import type { KnowledgeState } from './knowledge-state.js';

/**
 * The tie order of every ranked list and the order of every set list (DESIGN §4, "a cut must never decide a result by
 * address"): recency first (last seen, latest first), then days active (most first), then total flows (most first),
 * then the IP (numerically ascending, IPv4 before IPv6) so that the order is total. Two IPs with the same score, or
 * two members of an unranked list, are ordered by it, so a budget cut keeps the most recent, most persistent, busiest
 * attackers and decides by address only between IPs equal on all three.
 */
export const TIE_CHAIN = [
  'last seen (latest first)',
  'days active (most first)',
  'flows (most first)',
  'IP (ascending)',
];

/** Columns the tie order reads. */
export interface TieColumns {
  readonly lastSeen: Int32Array;
  readonly daysActive: Int32Array;
  readonly flows: Float64Array;
}

/** Whole days between the first and last day a knowledge base can hold, so lastSeen · 2²¹ + daysActive is exact. */
const DAYS_ACTIVE_RANGE = 2 ** 21;

/**
 * Sorts `ids` (given in IP order) into the tie order: two stable radix passes (flows, then last seen and days active
 * as one exact key), O(ids). The input is not modified.
 */
export function sortIntoTieOrder(ids: Int32Array, c: TieColumns, size: number): Int32Array {
  const byFlows = sortByScoreDesc(ids, c.flows);
  const key = new Float64Array(size);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    key[id] = c.lastSeen[id]! * DAYS_ACTIVE_RANGE + c.daysActive[id]!;
  }
  return sortByScoreDesc(byFlows, key);
}

interface Cached {
  /** The state's nextDay when the order was made. */
  nextDay: number | undefined;
  order: Int32Array;
}

const cache = new WeakMap<KnowledgeState, Cached>();

/**
 * Every id of the state in the tie order. Kept between calls and brought forward one folded day at a time: folding a
 * day changes the keys of exactly the IPs in its rows, and gives them the latest last seen, so the new order is those
 * IPs (sorted by days active, flows, IP) followed by the old order without them, O(IPs) a day; a missing day changes
 * nothing. Any other step (the first call, a reload, more than one day folded since) sorts from scratch. The returned
 * array is the cache itself: callers copy it.
 */
export function tieOrderOf(s: KnowledgeState): Int32Array {
  const known = cache.get(s);
  if (known !== undefined && known.nextDay === s.nextDay && known.order.length === s.n) return known.order;
  let order: Int32Array | undefined;
  if (known !== undefined && s.nextDay !== undefined && known.nextDay === s.nextDay - 1) {
    const folded = s.nextDay - 1;
    if (s.missing.length > 0 && s.missing[s.missing.length - 1] === folded && known.order.length === s.n)
      order = known.order;
    else {
      const rows = s.retained[s.retained.length - 1];
      if (rows !== undefined && rows.day === folded) order = advance(s, known.order, rows.ids);
    }
  }
  order ??= sortIntoTieOrder(ipOrderOf(s), s, s.n);
  cache.set(s, { nextDay: s.nextDay, order });
  return order;
}

function advance(s: KnowledgeState, old: Int32Array, touched: Int32Array): Int32Array {
  const n = s.n;
  const front = Int32Array.from(touched);
  const { daysActive, flows, ipKeys } = s;
  front.sort(
    (a, b) => daysActive[b]! - daysActive[a]! || flows[b]! - flows[a]! || compareIpKeys(ipKeys, a, b),
  );
  const isFront = new Uint8Array(n);
  for (let i = 0; i < front.length; i++) isFront[front[i]!] = 1;
  const out = new Int32Array(n);
  out.set(front);
  let k = front.length;
  for (let i = 0; i < old.length; i++) {
    const id = old[i]!;
    if (!isFront[id]) out[k++] = id;
  }
  if (k !== n) throw new Error(`tie order: ${k} ids after the fold, ${n} known (internal error)`);
  return out;
}
