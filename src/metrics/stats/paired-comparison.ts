import { UsageError } from '../../util/errors.js';
import type { BootstrapOptions } from './bootstrap-options.js';
import { signedRankPValue } from './signed-rank-p-value.js';
import { summarize } from './summarize.js';

/** Two models compared day by day on one metric; differences are a − b. */
export interface PairedComparison {
  /** Days where both values are present (neither is NaN). */
  n: number;
  meanDiff: number;
  medianDiff: number;
  /** Lower end of the percentile-bootstrap interval of the mean difference (days resampled). */
  ciLow: number;
  ciHigh: number;
  /** Two-sided Wilcoxon signed-rank p-value (see `signedRankPValue`); NaN when n = 0, 1 when every diff is 0. */
  pValue: number;
  /** Days with a > b. */
  wins: number;
  /** Days with a < b. */
  losses: number;
  /** Days with a = b. */
  ties: number;
}

/**
 * Paired comparison of two models' daily values a[i], b[i] (same day i): days where either is NaN are dropped, and
 * the mean, median and bootstrap interval are those of `summarize(a − b, options)`, so both agree for one seed.
 */
export function pairedComparison(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: BootstrapOptions,
): PairedComparison {
  if (a.length !== b.length) {
    throw new UsageError(`pairedComparison: series differ in length (${a.length} and ${b.length} days)`);
  }
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]) && !Number.isNaN(b[i])) n++;
  const diffs = new Float64Array(n);
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (let i = 0, k = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) continue;
    if (x > y) wins++;
    else if (x < y) losses++;
    else ties++;
    diffs[k++] = x - y;
  }
  const summary = summarize(diffs, options);
  return {
    n,
    meanDiff: summary.mean,
    medianDiff: summary.median,
    ciLow: summary.ciLow,
    ciHigh: summary.ciHigh,
    pValue: signedRankPValue(diffs),
    wins,
    losses,
    ties,
  };
}
