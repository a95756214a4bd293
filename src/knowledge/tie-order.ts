import { sortByScoreDesc } from '../util/sort-by-score.js';

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
