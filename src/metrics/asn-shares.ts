import type { ListEvaluation } from './list-evaluation.js';

/**
 * A list's AS groups with the count they are shares of, or undefined when there is nothing to share (an empty list)
 * or the facts carry no AS groups (the ASN data was not loaded: the metric was not asked of the backtest).
 */
export function asnShares(
  f: ListEvaluation,
): { sizes: readonly number[]; unknown: number; size: number } | undefined {
  const g = f.asnGroups;
  if (typeof g !== 'object' || g === null) return undefined;
  let size = g.unknown;
  for (const n of g.sizes) size += n;
  return size === 0 ? undefined : { sizes: g.sizes, unknown: g.unknown, size };
}
