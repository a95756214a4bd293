import { UsageError } from '../../util/errors.js';

/** Options of the percentile bootstrap behind `summarize` and `pairedComparison`. */
export interface BootstrapOptions {
  /** Seed of the resampling (unsigned 32-bit integer): the same seed and input give the same interval. @default 0 */
  seed?: number;
  /** Number of bootstrap resamples. @default 2000 */
  resamples?: number;
  /** Coverage of the interval, strictly between 0 and 1. @default 0.95 */
  level?: number;
}

/** Defaults filled in and each field checked; the message names the bad key. */
export function resolveBootstrapOptions(options: BootstrapOptions = {}): Required<BootstrapOptions> {
  const { seed = 0, resamples = 2000, level = 0.95 } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new UsageError(`bootstrap option 'seed' must be an unsigned 32-bit integer, got ${seed}`);
  }
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new UsageError(`bootstrap option 'resamples' must be a positive integer, got ${resamples}`);
  }
  if (!(level > 0 && level < 1)) {
    throw new UsageError(`bootstrap option 'level' must be strictly between 0 and 1, got ${level}`);
  }
  return { seed, resamples, level };
}
