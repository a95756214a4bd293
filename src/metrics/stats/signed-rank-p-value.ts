import wilcoxon from '@stdlib/stats-wilcoxon';

/**
 * Two-sided p-value of the Wilcoxon signed-rank test that the differences are symmetric about 0, as R's
 * `wilcox.test(d)` with its defaults, by @stdlib/stats-wilcoxon: zeros dropped before ranking (zero_method
 * 'wilcox'); the exact null distribution when at most 50 differences remain and there are no zeros and no tied
 * |d|; otherwise the normal approximation with the tie correction of the variance and a continuity correction.
 * NaN for no differences; 1 when none is non-zero or only one is (the test cannot reject on one sign).
 * `diffs` must be NaN-free.
 */
export function signedRankPValue(diffs: Float64Array): number {
  let nonzero = 0;
  for (let i = 0; i < diffs.length; i++) if (diffs[i] !== 0) nonzero++;
  if (diffs.length === 0) return Number.NaN;
  // stdlib refuses an all-zero input and one of length 1; with one non-zero difference both its exact and its
  // continuity-corrected approximate p-value are 1.
  if (nonzero <= 1) return 1;
  // The exact two-sided p doubles a tail that includes the middle, so it can exceed 1 (R and scipy cap it too).
  return Math.min(
    1,
    wilcoxon(diffs, { alternative: 'two-sided', zeroMethod: 'wilcox', correction: true }).pValue,
  );
}
