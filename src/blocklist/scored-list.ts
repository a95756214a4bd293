import { UsageError } from '../util/errors.js';

/**
 * What the blocklist stage needs of a model's ranked list: canonical IP texts best first, with their scores. Equal
 * scores are ordered by IP (numeric, ascending), so every cut is deterministic (DESIGN §4). A models RankedList is
 * one (its `ids` are not needed here, and the lists made here do not carry them).
 */
export interface ScoredList {
  readonly ips: readonly string[];
  readonly scores: Float64Array;
}

/** Throws a RangeError when `ips` and `scores` differ in length: every list operation relies on them pairing up. */
export function checkScoredList(list: ScoredList): void {
  if (list.ips.length !== list.scores.length)
    throw new RangeError(`ranked list has ${list.ips.length} IPs but ${list.scores.length} scores`);
}

/** The first `n` entries (copies, so the result never aliases the input). */
export function headOfList(list: ScoredList, n: number): { ips: string[]; scores: Float64Array } {
  const k = Math.min(n, list.ips.length);
  return { ips: list.ips.slice(0, k), scores: list.scores.slice(0, k) };
}

/** The entries whose index passes `keep`, in order. */
export function filterList(
  list: ScoredList,
  keep: (i: number) => boolean,
): { ips: string[]; scores: Float64Array } {
  const ips: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < list.ips.length; i++) {
    if (!keep(i)) continue;
    ips.push(list.ips[i]!);
    scores.push(list.scores[i]!);
  }
  return { ips, scores: Float64Array.from(scores) };
}

/** Throws a UsageError unless `n` is a non-negative integer (a count the caller chose: minimum, budget). */
export function checkCount(what: string, n: number): void {
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`${what} must be a non-negative integer, got ${String(n)}`);
}
