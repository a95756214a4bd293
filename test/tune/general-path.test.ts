/**
 * Tuning for any model (issue 10): the general path ranks each config with the model itself, so for every registered
 * model its per-day objective must equal, bit for bit, what the backtest gives that model with those params. Plus
 * no lookahead, rolling-origin folds and successive halving, each checked against an independent computation.
 */
import { describe, expect, it } from 'vitest';
import {
  type DayTable,
  getModel,
  modelNames,
  resolveTuneExperiment,
  runTune,
  type TunableParam,
} from '../../src/index.js';
import { memoryDataset, randomDays } from '../knowledge/memory-dataset.js';
import { bruteForce, expectSame, syntheticDataset } from './tune-helpers.js';

const SPLIT = {
  tune: { from: '2024-01-03', to: '2024-01-12' },
  test: { from: '2024-01-13', to: '2024-01-14' },
};

/** A search over every tunable param a top-K objective can move: the whole declared domain of each. */
function wholeSpace(name: string): Record<string, unknown> {
  const space: Record<string, unknown> = {};
  for (const [key, d] of Object.entries(getModel(name).tunable) as [string, TunableParam][]) {
    if ((d.kind === 'number' || d.kind === 'enum') && d.listRule) continue;
    if (d.kind === 'decay') space[key] = [{ name: 'exponential', halfLife: [1, 5] }, { name: 'aip-new' }];
    else if (d.kind === 'weights') space[key] = d.names.map(() => ({ min: 0, max: 1 }));
    else if (d.kind === 'number' && d.max > 1000)
      space[key] = { min: d.min, max: 1000, scale: d.scale ?? 'linear' };
    else space[key] = true;
  }
  return space;
}

function input(over: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'general',
    version: 1,
    dataset: '/unused',
    model: { name: 'Alpha' },
    split: SPLIT,
    search: { method: 'random', samples: 4 },
    objective: { metric: 'recall', budget: 8 },
    baselines: [],
    bootstrap: { resamples: 100 },
    seed: 3,
    ...over,
  };
}

describe('the general path equals the backtest of the real model, for every registered model', () => {
  it.each(modelNames())('%s', async (name) => {
    const dataset = syntheticDataset(13, ['2024-01-07']);
    const experiment = resolveTuneExperiment(
      input({ model: { name }, search: { method: 'random', samples: 4, space: wholeSpace(name) } }),
    );
    const run = await runTune(experiment, dataset);
    expect(run.configs.length).toBeGreaterThan(0);
    expect(run.skippedTuneDays.map((s) => s.date)).toEqual(['2024-01-07']);
    expectSame(run, await bruteForce(run, dataset));
  });

  it('a natural-list objective with the list rule searched (Random_Forest threshold, recall_auc)', async () => {
    const dataset = syntheticDataset(17);
    const experiment = resolveTuneExperiment(
      input({
        model: { name: 'Random_Forest', params: { trees: 5 } },
        search: { method: 'grid', space: { threshold: [0.2, 0.5, 0.8] } },
        objective: { metric: 'recall_auc' },
      }),
    );
    const run = await runTune(experiment, dataset);
    expect(run.configs.map((c) => c.params.threshold)).toEqual([0.2, 0.5, 0.8]);
    expectSame(run, await bruteForce(run, dataset));
  });
});

describe('no lookahead (general path)', () => {
  it('changing the data from day X on changes no tuning score of a day before X', async () => {
    const X = '2024-01-09';
    const original = randomDays({ seed: 31, from: '2024-01-01', to: '2024-01-30', pool: 250, perDay: 60 });
    const other = randomDays({ seed: 77, from: '2024-01-01', to: '2024-01-30', pool: 250, perDay: 60 });
    const changed: DayTable[] = original.map((t) =>
      t.date >= X ? other.find((o) => o.date === t.date)! : t,
    );
    const experiment = resolveTuneExperiment(
      input({
        model: { name: 'TopVolume' },
        search: { method: 'grid', space: { lookback: [1, 2, 5], column: ['flows', 'bytes'] } },
        objective: { metric: 'ndcg', budget: 10 },
      }),
    );
    const a = await runTune(experiment, memoryDataset(original));
    const b = await runTune(experiment, memoryDataset(changed));
    const before = a.tuneDays.filter((d) => d < X).length;
    let differAfter = 0;
    a.values.forEach((s, i) => {
      const o = b.values[i]!;
      expect([...s.subarray(0, before)]).toEqual([...o.subarray(0, before)]);
      for (let d = before; d < s.length; d++) if (!Object.is(s[d], o[d])) differAfter++;
    });
    expect(differAfter).toBeGreaterThan(0);
  });
});

describe('rolling-origin folds', () => {
  it('each fold scores and picks as a run of that fold alone would; the test windows are pooled', async () => {
    const dataset = syntheticDataset(23);
    const space = { lookback: [1, 2, 3, 7], score: ['flat', 'recency'] };
    const rolling = { from: '2024-01-03', tuneDays: 6, testDays: 4, folds: 3 };
    const experiment = resolveTuneExperiment(
      input({ split: { rolling }, search: { method: 'grid', space }, baselines: [{ name: 'Alpha7' }] }),
    );
    const run = await runTune(experiment, dataset);
    expect(run.folds).toHaveLength(3);
    for (const [i, f] of run.folds.entries()) {
      const alone = await runTune(
        resolveTuneExperiment(input({ split: experiment.folds[i], search: { method: 'grid', space } })),
        dataset,
      );
      expect(f.scores.map((s) => [...s.values])).toEqual(alone.scores.map((s) => [...s.values]));
      expect(f.best.config.id).toBe(alone.best.config.id);
      expect(f.best.score.mean).toBe(alone.best.score.mean);
    }
    // Pooled: the three 4-day test windows one after the other, each fold's Best on its own days.
    expect(run.test.run.days).toEqual(run.folds.flatMap((f) => f.test.run.days));
    expect(run.test.run.days).toHaveLength(12);
    const pooledBest = run.test.analysis.summary.find(
      (s) => s.model === 'Best' && s.metric === 'recall' && s.budget === '8',
    )!;
    const perDay = run.folds
      .flatMap((f) =>
        f.test.run.rows.filter((r) => r.model === 'Best' && r.metric === 'recall' && r.budget === '8'),
      )
      .map((r) => r.value)
      .filter((v) => !Number.isNaN(v)); // a day without attackers has no recall
    expect(perDay.length).toBeGreaterThan(6);
    expect(pooledBest.n).toBe(perDay.length);
    expect(pooledBest.mean).toBeCloseTo(perDay.reduce((a, b) => a + b, 0) / perDay.length, 12);
    expect(run.best).toBe(run.folds[2]!.best);
  });
});

describe('successive halving', () => {
  it('keeps the best 1/eta at each rung (ties by search order) and picks the best survivor', async () => {
    const dataset = syntheticDataset(29);
    const experiment = resolveTuneExperiment(
      input({
        model: { name: 'TopVolume' },
        search: {
          method: 'grid',
          space: { lookback: [1, 2, 3, 4, 5, 6, 8, 10, 14] },
          halving: { eta: 3, minDays: 2 },
        },
        objective: { metric: 'recall', budget: 15 },
      }),
    );
    const run = await runTune(experiment, dataset);
    const f = run.folds[0]!;
    // 10 tuning days, rungs after 2 and 6 days: 9 → 3 → 1.
    const dropped = f.scores.map((s) => s.droppedAfter);
    expect(dropped.filter((d) => d === 2)).toHaveLength(6);
    expect(dropped.filter((d) => d === 6)).toHaveLength(2);
    expect(dropped.filter((d) => d === null)).toHaveLength(1);
    // Brute force: rank by the mean of the first 2 days, keep 3; of those, rank by the first 6 days, keep 1.
    const mean = (i: number, days: number) => {
      const v = [...f.scores[i]!.values.subarray(0, days)].filter((x) => !Number.isNaN(x));
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    const order = (ids: number[], days: number) =>
      [...ids].sort((a, b) => mean(b, days) - mean(a, days) || a - b);
    const rung1 = order([0, 1, 2, 3, 4, 5, 6, 7, 8], 2).slice(0, 3);
    const rung2 = order(rung1, 6).slice(0, 1);
    expect(f.scores.map((s, i) => (s.droppedAfter === null ? i : -1)).filter((i) => i >= 0)).toEqual(rung2);
    expect(f.best.index).toBe(rung2[0]);
    // A dropped config is not scored after its rung.
    for (const [i, s] of f.scores.entries())
      if (s.droppedAfter !== null)
        expect([...s.values.subarray(s.droppedAfter)].every(Number.isNaN), `c${i}`).toBe(true);
  });
});
