import { describe, expect, it } from 'vitest';
import { analyzeRun } from '../../src/backtest/analyze.js';
import type { BacktestRun } from '../../src/backtest/backtest.js';

/** A run of two models on one metric, with the per-day values given. */
function twoModelRun(a: number[], b: number[]): BacktestRun {
  const days = a.map((_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`);
  const rows = days.flatMap((date, i) => [
    { date, model: 'A', budget: '100', metric: 'recall', value: a[i]! },
    { date, model: 'B', budget: '100', metric: 'recall', value: b[i]! },
  ]);
  const experiment = {
    models: [{ label: 'A' }, { label: 'B' }],
    budgets: [100],
    bootstrap: { resamples: 2000, level: 0.95 },
    seed: 1,
  };
  return { experiment, days, rows, metricColumns: ['recall'] } as unknown as BacktestRun;
}

describe('analyzeRun: significance needs the signed-rank test and the CI to agree', () => {
  it('A better by 0.01 on 19 of 20 days but worse by 1 on one: the mean favours B, the ranks favour A', () => {
    // Differences A − B: 19 × +0.01 and one −1. Mean −0.0405. Signed ranks: the 19 ties share ranks 1..19 (W+ = 190),
    // the −1 has rank 20 (W− = 20), so the two-sided p is about 0.002. A bootstrap resample misses the bad day with
    // probability (19/20)^20 ≈ 0.36, so the 95% CI of the mean runs from about −0.14 to +0.01 and includes 0.
    const a = Array.from({ length: 20 }, (_, i) => (i === 7 ? 0 : 0.51));
    const b = Array.from({ length: 20 }, (_, i) => (i === 7 ? 1 : 0.5));
    const { comparisons } = analyzeRun(twoModelRun(a, b));
    expect(comparisons).toHaveLength(1);
    const c = comparisons[0]!;
    expect(c.meanDiff).toBeCloseTo(-0.0405, 12);
    expect(c.pHolm).toBeLessThan(0.01);
    expect(c.ciLow).toBeLessThan(0);
    expect(c.ciHigh).toBeGreaterThan(0);
    expect(c.significant).toBe(false);
    expect(c.verdict).toMatch(
      /^B is ahead of A on recall at budget 100 but not significantly: .*mixed evidence$/,
    );
  });

  it('a consistent difference is significant, and the verdict names the winner', () => {
    const a = Array.from({ length: 20 }, (_, i) => 0.6 + (i % 3) * 0.01);
    const b = Array.from({ length: 20 }, () => 0.5);
    const c = analyzeRun(twoModelRun(a, b)).comparisons[0]!;
    expect(c.ciLow).toBeGreaterThan(0);
    expect(c.significant).toBe(true);
    expect(c.verdict).toMatch(/^A beats B on recall at budget 100: mean difference \+0\.1.*; significant$/);
  });
});
