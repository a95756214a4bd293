import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';
import { describe, expect, it } from 'vitest';
import { holm, pairedComparison, quantile, summarize } from '../../src/metrics/stats/index.js';
import { signedRankPValue } from '../../src/metrics/stats/signed-rank-p-value.js';
import { UsageError } from '../../src/util/errors.js';

// Reference values below are computed by hand (quantiles, means, Holm) or by brute force written here,
// independently of the code under test (exact signed-rank distribution by enumeration or counting DP, normal
// approximation from the textbook formula). scipy/R are not available, so their documented results are quoted.

/** Seeded test data: uniform in [0, 1). */
function uniforms(seed: number, n: number): number[] {
  const rng: RandomGenerator = xoroshiro128plus(seed);
  for (let i = 0; i < 16; i++) rng.unsafeNext();
  return Array.from({ length: n }, () => (rng.unsafeNext() >>> 0) / 4_294_967_296);
}

/** Seeded test data: n differences with distinct magnitudes 1..n (shuffled) and random signs, none zero. */
function distinctDiffs(seed: number, n: number): number[] {
  const u = uniforms(seed, 2 * n);
  const mags = Array.from({ length: n }, (_, i) => i + 1 + 0.5 * u[i]!);
  return mags.map((m, i) => (u[n + i]! < 0.5 ? -m : m));
}

/** Average ranks (1-based) of values, ties sharing the mean of their positions. */
function averageRanks(values: number[]): number[] {
  const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && values[order[end + 1]!] === values[order[start]!]) end++;
    for (let k = start; k <= end; k++) ranks[order[k]!] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return ranks;
}

/** T+ = sum of the ranks of |d| over the positive differences (zeros dropped first). */
function positiveRankSum(diffs: number[]): { tPlus: number; ranks: number[]; n: number } {
  const nz = diffs.filter((d) => d !== 0);
  const ranks = averageRanks(nz.map(Math.abs));
  let tPlus = 0;
  nz.forEach((d, i) => {
    if (d > 0) tPlus += ranks[i]!;
  });
  return { tPlus, ranks, n: nz.length };
}

/** Exact two-sided p by enumerating all 2^n sign assignments of the ranks 1..n (no ties, no zeros). */
function bruteForceExactP(diffs: number[]): number {
  const { tPlus, n } = positiveRankSum(diffs);
  let atMost = 0;
  let atLeast = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let t = 0;
    for (let r = 1; r <= n; r++) if (mask & (1 << (r - 1))) t += r;
    if (t <= tPlus) atMost++;
    if (t >= tPlus) atLeast++;
  }
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / 2 ** n);
}

/** Exact two-sided p by counting subsets of 1..n per rank sum (DP; counts < 2^53 stay exact for n ≤ 50). */
function countingExactP(diffs: number[]): number {
  const { tPlus, n } = positiveRankSum(diffs);
  const max = (n * (n + 1)) / 2;
  const counts = new Array<number>(max + 1).fill(0);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let s = max; s >= r; s--) counts[s]! += counts[s - r]!;
  let atMost = 0;
  let atLeast = 0;
  counts.forEach((c, s) => {
    if (s <= tPlus) atMost += c;
    if (s >= tPlus) atLeast += c;
  });
  return Math.min(1, (2 * Math.min(atMost, atLeast)) / 2 ** n);
}

/** Standard normal upper tail 1 − Φ(z) = erfc(z/√2)/2: erf's Taylor series below x = 3, erfc's continued fraction above. */
function normalUpperTail(z: number): number {
  const x = z / Math.SQRT2;
  if (x < 3) {
    let term = x;
    let sum = x;
    for (let k = 1; k < 200; k++) {
      term *= (-x * x) / k;
      sum += term / (2 * k + 1);
    }
    return 0.5 * (1 - (2 / Math.sqrt(Math.PI)) * sum);
  }
  let f = 0;
  for (let k = 200; k >= 1; k--) f = k / 2 / (x + f);
  return (0.5 * Math.exp(-x * x)) / Math.sqrt(Math.PI) / (x + f);
}

/** Normal approximation with tie-corrected variance and continuity correction (R's wilcox.test, correct = TRUE). */
function normalApproxP(diffs: number[]): number {
  const { tPlus, ranks, n } = positiveRankSum(diffs);
  const mean = (n * (n + 1)) / 4;
  const tieCounts = new Map<number, number>();
  for (const r of ranks) tieCounts.set(r, (tieCounts.get(r) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of tieCounts.values()) tieTerm += t ** 3 - t;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = (tPlus - mean - 0.5 * Math.sign(tPlus - mean)) / Math.sqrt(variance);
  return Math.min(1, 2 * normalUpperTail(Math.abs(z)));
}

describe('quantile (type 7, numpy linear)', () => {
  it.each([
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 0.25, 1.75],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.75, 3.25],
    [[1, 2, 3, 4], 1, 4],
    [[1, 2, 3, 4, 10], 0.25, 2],
    [[1, 2, 3, 4, 10], 0.5, 3],
    [[1, 2, 3, 4, 10], 0.75, 4],
    [[1, 2, 3, 4, 10], 0.9, 7.6], // h = 3.6: 4 + 0.6·6
    // numpy docs: np.percentile([[10, 7, 4], [3, 2, 1]], 50) = 3.5
    [[1, 2, 3, 4, 7, 10], 0.5, 3.5],
    [[1, 2, 3, 4, 7, 10], 0.25, 2.25], // h = 1.25
    [[1, 2, 3, 4, 7, 10], 0.75, 6.25], // h = 3.75: 4 + 0.75·3
    [[1, 2, 3, 4, 7, 10], 0.1, 1.5], // h = 0.5
    [[0, 10], 0.3, 3],
    [[7], 0.37, 7],
    [[-Infinity, -Infinity], 0.5, -Infinity],
  ])('%j q=%d → %d', (sorted, q, want) => {
    expect(quantile(sorted, q)).toBeCloseTo(want, 12);
  });

  it('is NaN for an empty array and refuses q outside [0, 1]', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(() => quantile([1, 2], 1.5)).toThrow(UsageError);
    expect(() => quantile([1, 2], -0.1)).toThrow(UsageError);
    expect(() => quantile([1, 2], Number.NaN)).toThrow(UsageError);
  });

  it('accepts typed arrays', () => {
    expect(quantile(new Float64Array([1, 2, 3, 4]), 0.25)).toBe(1.75);
  });
});

describe('summarize', () => {
  it('hand-computed location and spread', () => {
    const s = summarize([1, 2, 3, 4, 10]);
    expect(s).toMatchObject({ n: 5, mean: 4, median: 3, q1: 2, q3: 4, iqr: 2 });
    const t = summarize([10, 7, 4, 3, 2, 1]);
    expect(t.n).toBe(6);
    expect(t.mean).toBeCloseTo(27 / 6, 14);
    expect(t.median).toBe(3.5);
    expect(t.q1).toBe(2.25);
    expect(t.q3).toBe(6.25);
    expect(t.iqr).toBe(4);
  });

  it('drops NaN first; the result depends only on the multiset of values', () => {
    const clean = summarize([1, 2, 3, 4, 10], { seed: 7 });
    expect(summarize([Number.NaN, 4, 1, Number.NaN, 10, 3, 2], { seed: 7 })).toEqual(clean);
    expect(summarize(new Float64Array([10, 4, 3, 2, 1]), { seed: 7 })).toEqual(clean);
  });

  it('n = 0 (empty or all NaN) gives NaN everywhere', () => {
    for (const input of [[], [Number.NaN, Number.NaN]]) {
      const s = summarize(input);
      expect(s.n).toBe(0);
      for (const key of ['mean', 'median', 'q1', 'q3', 'iqr', 'ciLow', 'ciHigh'] as const)
        expect(s[key]).toBeNaN();
    }
  });

  it('n = 1 and a constant series: mean and interval equal the constant exactly', () => {
    expect(summarize([0.3])).toEqual({
      n: 1,
      mean: 0.3,
      median: 0.3,
      q1: 0.3,
      q3: 0.3,
      iqr: 0,
      ciLow: 0.3,
      ciHigh: 0.3,
    });
    const s = summarize(new Array(56).fill(0.1));
    expect([s.mean, s.median, s.ciLow, s.ciHigh]).toEqual([0.1, 0.1, 0.1, 0.1]);
  });

  it('bootstrap interval: deterministic per seed, different across seeds', () => {
    const x = uniforms(1, 56);
    const a = summarize(x, { seed: 42 });
    expect(summarize(x, { seed: 42 })).toEqual(a);
    const b = summarize(x, { seed: 43 });
    expect([b.ciLow, b.ciHigh]).not.toEqual([a.ciLow, a.ciHigh]);
    // Only the interval depends on the seed.
    expect({ ...b, ciLow: 0, ciHigh: 0 }).toEqual({ ...a, ciLow: 0, ciHigh: 0 });
    // The default seed is 0.
    expect(summarize(x)).toEqual(summarize(x, { seed: 0 }));
  });

  it('golden: [1, 2, 3, 4, 10], seed 0 (pins the resampling stream; change only on purpose)', () => {
    const s = summarize([1, 2, 3, 4, 10]);
    expect([s.ciLow, s.ciHigh]).toEqual([1.8, 7.2]);
  });

  it('bootstrap interval contains the mean and has the normal-theory width for a large sample', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const x = uniforms(seed, 365);
      const s = summarize(x, { seed });
      expect(s.ciLow).toBeLessThan(s.mean);
      expect(s.ciHigh).toBeGreaterThan(s.mean);
      // Percentile interval ≈ mean ± 1.96·sd/√n (sd of the plug-in distribution) for a smooth statistic.
      const sd = Math.sqrt(x.reduce((acc, v) => acc + (v - s.mean) ** 2, 0) / x.length);
      const expected = (2 * 1.959964 * sd) / Math.sqrt(x.length);
      expect((s.ciHigh - s.ciLow) / expected).toBeGreaterThan(0.88);
      expect((s.ciHigh - s.ciLow) / expected).toBeLessThan(1.12);
      expect((s.ciLow + s.ciHigh) / 2).toBeCloseTo(s.mean, 2);
    }
  });

  it('bootstrap interval narrows with n and with the level', () => {
    const big = uniforms(9, 2000);
    const width = (s: { ciLow: number; ciHigh: number }) => s.ciHigh - s.ciLow;
    const w20 = width(summarize(big.slice(0, 20)));
    const w200 = width(summarize(big.slice(0, 200)));
    const w2000 = width(summarize(big));
    expect(w200).toBeLessThan(w20 / 2);
    expect(w2000).toBeLessThan(w200 / 2);
    const x = big.slice(0, 100);
    expect(width(summarize(x, { level: 0.5 }))).toBeLessThan(width(summarize(x, { level: 0.95 })));
    expect(width(summarize(x, { level: 0.95 }))).toBeLessThan(width(summarize(x, { level: 0.99 })));
  });

  it('bootstrap of [0, 1]: resample means are 0, 0.5, 1 with probability 1/4, 1/2, 1/4', () => {
    // 95 %: the 2.5 % and 97.5 % quantiles of that distribution are 0 and 1.
    const s = summarize([0, 1], { seed: 5 });
    expect([s.ciLow, s.ciHigh]).toEqual([0, 1]);
    // 40 %: the 30 % and 70 % quantiles both fall on 0.5 (2000 draws put ~25 % ± 1 % at 0 and at 1).
    const t = summarize([0, 1], { seed: 5, level: 0.4 });
    expect([t.ciLow, t.ciHigh]).toEqual([0.5, 0.5]);
    // 55 % → quantiles 22.5 % and 77.5 %, just inside the outer atoms.
    const u = summarize([0, 1], { seed: 5, level: 0.55 });
    expect([u.ciLow, u.ciHigh]).toEqual([0, 1]);
  });

  it('resamples every index uniformly: the interval of [0, 0, …, 1] matches the binomial', () => {
    // 1 one among 10 values: the resample mean is Binomial(10, 0.1)/10; its 2.5 % and 97.5 % quantiles are 0 and 0.3
    // (P(X = 0) = 0.349, P(X ≤ 2) = 0.930, P(X ≤ 3) = 0.987).
    const x = [...new Array(9).fill(0), 1];
    const s = summarize(x, { seed: 3, resamples: 20000 });
    expect([s.ciLow, s.ciHigh]).toEqual([0, 0.3]);
  });

  it.each([
    [{ seed: -1 }, 'seed'],
    [{ seed: 1.5 }, 'seed'],
    [{ seed: 2 ** 32 }, 'seed'],
    [{ resamples: 0 }, 'resamples'],
    [{ resamples: 2.5 }, 'resamples'],
    [{ level: 1 }, 'level'],
    [{ level: 0 }, 'level'],
    [{ level: Number.NaN }, 'level'],
  ])('refuses %j, naming %s', (options, key) => {
    expect(() => summarize([1, 2, 3], options)).toThrow(UsageError);
    expect(() => summarize([1, 2, 3], options)).toThrow(key);
  });
});

describe('Wilcoxon signed-rank p-value', () => {
  it('test helper: normal upper tail against table values', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 15);
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 14);
    expect(normalUpperTail(3) / 0.0013498980316300946).toBeCloseTo(1, 10);
    expect(normalUpperTail(5) / 2.866515718791939e-7).toBeCloseTo(1, 10);
  });

  it('scipy docs example: exact two-sided p = 0.04125976562499978', () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    expect(signedRankPValue(new Float64Array(d))).toBeCloseTo(0.04125976562499978, 14);
    expect(bruteForceExactP(d)).toBeCloseTo(0.04125976562499978, 14);
  });

  it('R docs example (wilcox.test depression data, paired): V = 40, two-sided p = 20/512', () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    expect(pairedComparison(x, y).pValue).toBeCloseTo(20 / 512, 14);
  });

  it('matches brute-force enumeration of all 2^n sign assignments for n = 2..12', () => {
    for (let n = 2; n <= 12; n++) {
      for (let seed = 0; seed < 6; seed++) {
        const d = distinctDiffs(100 * n + seed, n);
        expect(signedRankPValue(new Float64Array(d))).toBeCloseTo(bruteForceExactP(d), 12);
      }
    }
  });

  it('all-positive n = 10: p = 2/1024; symmetric statistic at the centre is capped at 1', () => {
    const d = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(signedRankPValue(new Float64Array(d))).toBeCloseTo(2 / 1024, 15);
    // n = 3, ranks 1, 2 positive, 3 negative: T+ = 3 = n(n+1)/4, so the doubled tail exceeds 1.
    expect(signedRankPValue(new Float64Array([1, 2, -3]))).toBe(1);
  });

  it('matches the exact distribution by counting for n up to 50 (exact path)', () => {
    for (const n of [20, 35, 50]) {
      for (let seed = 0; seed < 3; seed++) {
        const d = distinctDiffs(7000 + 10 * n + seed, n);
        const want = countingExactP(d);
        expect(Math.abs(signedRankPValue(new Float64Array(d)) - want)).toBeLessThanOrEqual(
          1e-9 * want + 1e-13,
        );
      }
    }
    // A clearly one-sided n = 30 sample gives a small p, still exact.
    const shifted = distinctDiffs(31, 30).map((v, i) => (i % 6 === 0 ? -Math.abs(v) : Math.abs(v)));
    const want = countingExactP(shifted);
    expect(want).toBeLessThan(1e-3);
    expect(signedRankPValue(new Float64Array(shifted)) / want).toBeCloseTo(1, 9);
  });

  it('hand example with a zero and ties: normal approximation, p = 0.1344 (R: V = 13.5)', () => {
    // Nonzero d: -1, 1, 2, 2, 3 → ranks 1.5, 1.5, 3.5, 3.5, 5; T+ = 13.5, mean 7.5,
    // var = 5·6·11/24 − (6 + 6)/48 = 13.5, z = (13.5 − 7.5 − 0.5)/√13.5 = 1.49690, p = 2·(1 − Φ(z)).
    const d = [-1, 1, 2, 2, 3, 0];
    expect(normalApproxP(d)).toBeCloseTo(0.1344, 4);
    expect(signedRankPValue(new Float64Array(d))).toBeCloseTo(normalApproxP(d), 8);
  });

  it('uses the normal approximation with ties, zeros, or n > 50', () => {
    const cases: number[][] = [
      // ties in |d|
      distinctDiffs(1, 30)
        .map((v) => Math.round(v / 4))
        .filter((v) => v !== 0),
      // zeros
      [...distinctDiffs(2, 20), 0, 0, 0],
      // n > 50, no ties
      distinctDiffs(3, 80),
      distinctDiffs(4, 365).map((v, i) => (i % 3 === 0 ? v : Math.abs(v))),
    ];
    for (const d of cases) {
      const want = normalApproxP(d);
      expect(Math.abs(signedRankPValue(new Float64Array(d)) - want)).toBeLessThanOrEqual(1e-8 * want + 1e-12);
    }
  });

  it('edge cases: no differences → NaN; all zero → 1; one nonzero → 1', () => {
    expect(signedRankPValue(new Float64Array([]))).toBeNaN();
    expect(signedRankPValue(new Float64Array([0, 0, 0]))).toBe(1);
    expect(signedRankPValue(new Float64Array([5]))).toBe(1);
    expect(signedRankPValue(new Float64Array([0, -5, 0]))).toBe(1);
  });
});

describe('pairedComparison', () => {
  it('counts wins, losses, ties and drops days where either side is NaN', () => {
    const a = [0.5, 0.4, Number.NaN, 0.9, 0.2, 0.7, 0.3];
    const b = [0.3, 0.4, 0.1, 0.6, Number.NaN, 0.8, 0.3];
    // Kept days: 0, 1, 3, 5, 6 → diffs 0.2, 0, 0.3, −0.1, 0.
    const c = pairedComparison(a, b);
    expect(c).toMatchObject({ n: 5, wins: 2, losses: 1, ties: 2 });
    expect(c.meanDiff).toBeCloseTo(0.4 / 5, 14);
    expect(c.medianDiff).toBe(0);
  });

  it('mean, median and interval are those of summarize(a − b) for the same seed', () => {
    const a = uniforms(11, 56);
    const b = uniforms(12, 56).map((v) => v * 0.8);
    const diffs = a.map((v, i) => v - b[i]!);
    const c = pairedComparison(a, b, { seed: 99 });
    const s = summarize(diffs, { seed: 99 });
    expect([c.meanDiff, c.medianDiff, c.ciLow, c.ciHigh]).toEqual([s.mean, s.median, s.ciLow, s.ciHigh]);
    expect(c.ciLow).toBeLessThan(c.meanDiff);
    expect(c.ciHigh).toBeGreaterThan(c.meanDiff);
    expect(pairedComparison(a, b, { seed: 99 })).toEqual(c);
  });

  it('swapping the models negates the differences and keeps the p-value', () => {
    const a = uniforms(21, 40);
    const b = uniforms(22, 40);
    const ab = pairedComparison(a, b);
    const ba = pairedComparison(b, a);
    expect(ba.meanDiff).toBeCloseTo(-ab.meanDiff, 14);
    expect(ba.medianDiff).toBeCloseTo(-ab.medianDiff, 14);
    expect([ba.wins, ba.losses, ba.ties]).toEqual([ab.losses, ab.wins, ab.ties]);
    expect(ba.pValue).toBeCloseTo(ab.pValue, 14);
    // 40 distinct nonzero differences: the exact path.
    expect(ab.pValue).toBeCloseTo(countingExactP(a.map((v, i) => v - b[i]!)), 12);
  });

  it('identical models: all ties, p = 1, zero interval; no days: NaN', () => {
    const a = uniforms(5, 30);
    expect(pairedComparison(a, a)).toEqual({
      n: 30,
      meanDiff: 0,
      medianDiff: 0,
      ciLow: 0,
      ciHigh: 0,
      pValue: 1,
      wins: 0,
      losses: 0,
      ties: 30,
    });
    const none = pairedComparison([Number.NaN, 1], [2, Number.NaN]);
    expect(none.n).toBe(0);
    expect([none.meanDiff, none.medianDiff, none.ciLow, none.ciHigh, none.pValue].every(Number.isNaN)).toBe(
      true,
    );
    expect([none.wins, none.losses, none.ties]).toEqual([0, 0, 0]);
  });

  it('refuses series of different lengths', () => {
    expect(() => pairedComparison([1, 2], [1])).toThrow(UsageError);
  });
});

describe('holm', () => {
  it.each([
    // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → running max 0.06
    [
      [0.01, 0.04, 0.03, 0.005],
      [0.03, 0.06, 0.06, 0.02],
    ],
    // R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), 'holm') = 0.05 0.08 0.09 0.09 0.09
    [
      [0.01, 0.02, 0.03, 0.04, 0.05],
      [0.05, 0.08, 0.09, 0.09, 0.09],
    ],
    // capped at 1; NaN stays NaN and does not count in m (m = 2)
    [
      [0.6, Number.NaN, 0.2],
      [0.6, Number.NaN, 0.4],
    ],
    [
      [0.7, 0.9],
      [1, 1],
    ],
    // equal p-values get equal adjusted values
    [
      [0.01, 0.01, 0.5],
      [0.03, 0.03, 0.5],
    ],
    [[], []],
    [[Number.NaN], [Number.NaN]],
    [[0.02], [0.02]],
  ])('%j → %j', (p, want) => {
    const got = holm(p);
    expect(got).toHaveLength(want.length);
    got.forEach((v, i) => {
      if (Number.isNaN(want[i]!)) expect(v).toBeNaN();
      else expect(v).toBeCloseTo(want[i]!, 14);
    });
  });

  it('is monotone in p, never below p, at most 1 (random inputs)', () => {
    for (let seed = 0; seed < 20; seed++) {
      const p = uniforms(seed, 15).map((v) => v ** 3);
      const adj = holm(p);
      const order = p.map((_, i) => i).sort((i, j) => p[i]! - p[j]!);
      for (let k = 0; k < order.length; k++) {
        const i = order[k]!;
        expect(adj[i]).toBeGreaterThanOrEqual(p[i]!);
        expect(adj[i]).toBeLessThanOrEqual(1);
        if (k > 0) expect(adj[i]).toBeGreaterThanOrEqual(adj[order[k - 1]!]!);
      }
      expect(p).toEqual(uniforms(seed, 15).map((v) => v ** 3)); // input not mutated
    }
  });

  it('refuses p-values outside [0, 1]', () => {
    expect(() => holm([0.5, 1.2])).toThrow(UsageError);
    expect(() => holm([-0.1])).toThrow(UsageError);
  });
});
