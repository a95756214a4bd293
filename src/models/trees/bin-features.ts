/** Feature columns binned once for the histogram tree learner (LightGBM-style): at most 256 bins per feature. */
export interface BinnedFeatures {
  readonly rows: number;
  /** `codes[f][i]`: the bin of row i in feature f (0 .. bins − 1, ascending with the value). */
  readonly codes: readonly Uint8Array[];
  /**
   * `cuts[f][b]`: the value between bin b and bin b + 1 (the midpoint of bin b's largest value and bin b + 1's
   * smallest), so that a row is in a bin ≤ b exactly when its value is ≤ `cuts[f][b]`; length = bins of f − 1.
   * A split learnt on bins is applied to raw values with this threshold.
   */
  readonly cuts: readonly Float64Array[];
}

export interface BinOptions {
  /** Bins per feature, 2 .. 256. @default 256 */
  maxBins?: number;
}

/**
 * Bins every column into at most `maxBins` quantile bins: a feature with few distinct values gets one bin per value;
 * otherwise bins are filled greedily in sorted order to about (rows left) / (bins left) rows each, and a run of equal
 * values never straddles two bins (so a heavy value such as flows = 1 gets a bin of its own). O(rows · log rows) per
 * feature (one sort), then O(rows · log bins) to code. Values must not be NaN (±Infinity is fine).
 */
export function binFeatures(columns: readonly ArrayLike<number>[], options: BinOptions = {}): BinnedFeatures {
  const { maxBins = 256 } = options;
  if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 256)
    throw new RangeError(`maxBins must be a whole number in 2 .. 256, got ${maxBins}`);
  const rows = columns[0]?.length ?? 0;
  const codes: Uint8Array[] = [];
  const cuts: Float64Array[] = [];
  for (let f = 0; f < columns.length; f++) {
    const column = columns[f]!;
    if (column.length !== rows)
      throw new RangeError(`feature ${f} has ${column.length} values, feature 0 has ${rows}`);
    const featureCuts = quantileCuts(column, maxBins, f);
    cuts.push(featureCuts);
    codes.push(applyCuts(column, featureCuts));
  }
  return { rows, codes, cuts };
}

/** The bin of each value under `cuts` (the smallest b with value ≤ cuts[b], else the last bin). */
export function applyCuts(column: ArrayLike<number>, cuts: Float64Array): Uint8Array {
  const n = column.length;
  const out = new Uint8Array(n);
  const m = cuts.length;
  for (let i = 0; i < n; i++) {
    const v = column[i]!;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= cuts[mid]!) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo;
  }
  return out;
}

function quantileCuts(column: ArrayLike<number>, maxBins: number, feature: number): Float64Array {
  const n = column.length;
  const sorted = Float64Array.from(column).sort();
  if (n > 0 && Number.isNaN(sorted[n - 1]!)) throw new RangeError(`feature ${feature} has a NaN value`);
  let distinct = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  const out: number[] = [];
  if (distinct <= maxBins) {
    for (let i = 1; i < n; i++)
      if (sorted[i] !== sorted[i - 1]) out.push(between(sorted[i - 1]!, sorted[i]!));
    return Float64Array.from(out);
  }
  let rest = n;
  let binsLeft = maxBins;
  let inBin = 0;
  let i = 0;
  while (i < n) {
    const v = sorted[i]!;
    let j = i + 1;
    while (j < n && sorted[j] === v) j++;
    inBin += j - i;
    if (j < n && binsLeft > 1 && inBin >= rest / binsLeft) {
      out.push(between(v, sorted[j]!));
      rest -= inBin;
      binsLeft--;
      inBin = 0;
    }
    i = j;
  }
  return Float64Array.from(out);
}

/** A threshold t with a ≤ t < b: the midpoint where it is representable and finite, else a. */
function between(a: number, b: number): number {
  const mid = a + (b - a) / 2;
  return mid >= a && mid < b ? mid : a;
}
