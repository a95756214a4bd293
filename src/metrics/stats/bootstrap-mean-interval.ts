import { type RandomGenerator, unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import type { BootstrapOptions } from './bootstrap-options.js';
import { quantile } from './quantile.js';

const TWO_32 = 4_294_967_296;

/** pure-rand's xoroshiro128+ for a 32-bit seed, warmed up (its first outputs echo the seed). */
function seededGenerator(seed: number): RandomGenerator {
  const rng = xoroshiro128plus(seed | 0);
  for (let i = 0; i < 16; i++) rng.unsafeNext();
  return rng;
}

/**
 * Percentile bootstrap interval of the mean (Efron & Tibshirani 1993, §13.3): `resamples` samples of n values drawn
 * with replacement, the mean of each, and the (1 − level)/2 and (1 + level)/2 type-7 quantiles of those means.
 * `values` must be NaN-free and hold at least 2 distinct values (callers handle n ≤ 1 and constants exactly). Each
 * index is one 32-bit draw turned into 0 .. n − 1 by Lemire's multiply-and-reject (exact and unbiased: the product
 * of a 32-bit draw and n < 2²¹ is an exact double), else pure-rand's distribution.
 */
export function bootstrapMeanInterval(
  values: Float64Array,
  { seed, resamples, level }: Required<BootstrapOptions>,
): [number, number] {
  const n = values.length;
  const rng = seededGenerator(seed);
  const means = new Float64Array(resamples);
  if (n < 2 ** 21) {
    const reject = (TWO_32 - n) % n; // 2³² mod n: the low products that would bias the result
    for (let r = 0; r < resamples; r++) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        let product = (rng.unsafeNext() >>> 0) * n;
        let index = Math.floor(product / TWO_32);
        // product − index·2³² is product mod 2³², without the slow floating-point remainder.
        while (product - index * TWO_32 < reject) {
          product = (rng.unsafeNext() >>> 0) * n;
          index = Math.floor(product / TWO_32);
        }
        sum += values[index] as number;
      }
      means[r] = sum / n;
    }
  } else {
    for (let r = 0; r < resamples; r++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += values[unsafeUniformIntDistribution(0, n - 1, rng)] as number;
      means[r] = sum / n;
    }
  }
  means.sort();
  const tail = (1 - level) / 2;
  return [quantile(means, tail), quantile(means, 1 - tail)];
}
