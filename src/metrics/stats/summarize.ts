import { bootstrapMeanInterval } from './bootstrap-mean-interval.js';
import { type BootstrapOptions, resolveBootstrapOptions } from './bootstrap-options.js';
import { quantile } from './quantile.js';

/** Location and spread of one series (e.g. a model's daily metric over the backtest days). */
export interface Summary {
  /** Values counted: the input's length less its NaNs. */
  n: number;
  mean: number;
  median: number;
  /** First quartile (type-7 quantile 0.25). */
  q1: number;
  /** Third quartile (type-7 quantile 0.75). */
  q3: number;
  /** q3 − q1. */
  iqr: number;
  /** Lower end of the percentile-bootstrap interval of the mean. */
  ciLow: number;
  /** Upper end of the percentile-bootstrap interval of the mean. */
  ciHigh: number;
}

/**
 * Mean, quartiles and a percentile-bootstrap interval of the mean (`level`, default 95 %, `resamples` draws seeded
 * by `seed`). NaN values are dropped first; n = 0 gives NaN everywhere. Quantiles are numpy's default (type 7).
 * The result depends only on the multiset of values: the mean is summed, and the bootstrap resamples, in sorted
 * order. A constant series (n = 1 included) has mean and interval equal to the constant, exactly.
 */
export function summarize(values: ArrayLike<number>, options?: BootstrapOptions): Summary {
  const resolved = resolveBootstrapOptions(options);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) n++;
  if (n === 0) {
    const nan = Number.NaN;
    return { n: 0, mean: nan, median: nan, q1: nan, q3: nan, iqr: nan, ciLow: nan, ciHigh: nan };
  }
  const sorted = new Float64Array(n);
  for (let i = 0, k = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isNaN(v)) sorted[k++] = v;
  }
  sorted.sort();
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const base = { n, median: quantile(sorted, 0.5), q1, q3, iqr: q3 - q1 };
  const first = sorted[0] as number;
  if (first === sorted[n - 1]) return { ...base, mean: first, ciLow: first, ciHigh: first };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i] as number;
  const [ciLow, ciHigh] = bootstrapMeanInterval(sorted, resolved);
  return { ...base, mean: sum / n, ciLow, ciHigh };
}
