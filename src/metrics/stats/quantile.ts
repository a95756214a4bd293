import { UsageError } from '../../util/errors.js';

/**
 * The q-quantile of values already sorted ascending, by linear interpolation between order statistics (Hyndman &
 * Fan type 7, numpy's default `method='linear'`, R's default `type = 7`): h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌈h⌉] −
 * x[⌊h⌋]). NaN for an empty array. The array is trusted to be sorted and NaN-free (checking would cost a pass).
 */
export function quantile(sortedAscending: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new UsageError(`quantile: q must be in [0, 1], got ${q}`);
  const n = sortedAscending.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const below = sortedAscending[lo] as number;
  const frac = h - lo;
  if (frac === 0) return below;
  const above = sortedAscending[lo + 1] as number;
  // Equal neighbours return as they are, so a constant run (even ±Infinity) is its own quantile.
  if (below === above) return below;
  return below + frac * (above - below);
}
