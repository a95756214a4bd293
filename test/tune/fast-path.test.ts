/**
 * The brute-force check of the Prioritize fast scorer (the model's exact fast path for tuning): for random configs,
 * the per-day objective runTune computes with it (one folded knowledge base, shared features, the config only weighs,
 * cuts and orders) must equal, exactly, the value runBacktest gives the real model built with those params, and the
 * value the general path (runTune with fastPath false: each config ranked by the model) gives. And no lookahead:
 * changing the data from day X on changes no tuning score of a day before X.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Dataset,
  type DayTable,
  openDataset,
  resolveTuneExperiment,
  runTune,
  type TuneRun,
} from '../../src/index.js';
import { ROOT } from '../helpers.js';
import { memoryDataset, randomDays } from '../knowledge/memory-dataset.js';
import { bruteForce, expectSame, syntheticDataset } from './tune-helpers.js';

const COWRIE = join(ROOT, 'datasets', 'cowrie-2018');

const ALL_DECAYS = [
  { name: 'aip-consistent' },
  { name: 'aip-new' },
  { name: 'hyperbolic', k: { min: 0.5, max: 20 } },
  { name: 'exponential', halfLife: [0.5, 3, 10] },
  { name: 'linear', window: [2, 5, 30] },
  { name: 'step', days: [1, 3] },
  { name: 'aip-seed' },
  { name: 'none' },
];
const RANDOM_WEIGHTS = Array.from({ length: 8 }, (_, i) => (i % 3 === 0 ? [0, 0.3, 1] : { min: 0, max: 1 }));

function tuneInput(over: Record<string, unknown>): Record<string, unknown> {
  return {
    id: 'fast-path',
    version: 1,
    dataset: COWRIE,
    model: { name: 'Prioritize_Consistent' },
    split: { tune: { from: '2018-05-07', to: '2018-05-30' }, test: { from: '2018-05-31', to: '2018-06-01' } },
    search: { method: 'random', samples: 8, space: { weights: RANDOM_WEIGHTS, decay: ALL_DECAYS } },
    objective: { metric: 'recall', budget: 100 },
    baselines: [],
    bootstrap: { resamples: 100 },
    seed: 7,
    ...over,
  };
}

/** The general path (every config ranked by the model) gives the same values, bit for bit. */
async function expectGeneralPathSame(
  run: TuneRun,
  dataset: Dataset,
  exclude?: (ip: string) => boolean,
): Promise<void> {
  expect(run.fastPath).toBe(true);
  expect(run.generalPathConfigs).toBe(0);
  const general = await runTune(run.experiment, dataset, {
    fastPath: false,
    ...(exclude ? { exclude } : {}),
  });
  expect(general.fastPath).toBe(false);
  expect(general.values.map((v) => [...v])).toEqual(run.values.map((v) => [...v]));
}

let cowrie: Dataset | undefined;
async function cowrieDataset(): Promise<Dataset> {
  cowrie ??= await openDataset(COWRIE);
  return cowrie;
}

const SYNTH_SPLIT = {
  tune: { from: '2024-01-03', to: '2024-01-24' },
  test: { from: '2024-01-25', to: '2024-01-26' },
};

describe('fast path equals the backtest of the real model, day by day', () => {
  const cases: { name: string; data: 'cowrie' | 'synthetic'; input: Record<string, unknown> }[] = [
    { name: 'PC, recall @ 100 (set only)', data: 'cowrie', input: {} },
    {
      name: 'PN, ndcg @ 50 (ranked order)',
      data: 'cowrie',
      input: { model: { name: 'Prioritize_New' }, objective: { metric: 'ndcg', budget: 50 } },
    },
    {
      name: 'PC, f1 natural: threshold and minimum searched',
      data: 'cowrie',
      input: {
        objective: { metric: 'f1' },
        search: {
          method: 'random',
          samples: 10,
          space: {
            weights: RANDOM_WEIGHTS,
            threshold: { min: 1e-6, max: 0.05, scale: 'log' },
            minimum: [0, 50, 200, 3000],
            decay: ALL_DECAYS,
          },
        },
      },
    },
    {
      name: 'PC, coverage_duration natural (fractional sums in list order), negative thresholds',
      data: 'synthetic',
      input: {
        split: SYNTH_SPLIT,
        objective: { metric: 'coverage_duration' },
        search: {
          method: 'random',
          samples: 12,
          space: {
            weights: RANDOM_WEIGHTS,
            threshold: { min: -0.01, max: 0.3 },
            minimum: [0, 5, 20, 1000],
            decay: ALL_DECAYS,
            normalization: ['min-max', 'max', 'log-min-max', 'none'],
          },
        },
      },
    },
    {
      name: 'PN, precision natural with a budget searched (ties at the cut)',
      data: 'synthetic',
      input: {
        split: SYNTH_SPLIT,
        model: { name: 'Prioritize_New' },
        objective: { metric: 'precision' },
        search: {
          method: 'grid',
          space: {
            weights: [[0, 1], [1], 0, 0, [0, 1], 0, 0, 0],
            budget: [1, 3, 10, 500],
            decay: [{ name: 'step', days: [1, 2] }, { name: 'aip-consistent' }],
          },
        },
      },
    },
    {
      name: 'PC, ndcg natural: whole-number features and step aging (many ties at a positive cut)',
      data: 'synthetic',
      input: {
        split: SYNTH_SPLIT,
        objective: { metric: 'ndcg' },
        search: {
          method: 'grid',
          space: {
            weights: [[0, 1], 0, 0, 0, [0, 1], 0, 0, 0],
            budget: [1, 2, 5, 10, 20],
            decay: [{ name: 'step', days: [1, 3, 30] }],
          },
        },
      },
    },
    {
      name: 'PC, aip_ndcg and nDCG at budgets beyond the candidates (zeros listed in IP order)',
      data: 'synthetic',
      input: {
        split: SYNTH_SPLIT,
        objective: { metric: 'ndcg', budget: 300 },
        search: { method: 'random', samples: 8, space: { weights: RANDOM_WEIGHTS, decay: ALL_DECAYS } },
      },
    },
  ];
  it.each(cases)('$name', async ({ data, input }) => {
    const dataset = data === 'cowrie' ? await cowrieDataset() : syntheticDataset(11, ['2024-01-09']);
    const experiment = resolveTuneExperiment(tuneInput(input));
    const run = await runTune(experiment, dataset);
    expect(run.configs.length).toBeGreaterThan(3);
    expectSame(run, await bruteForce(run, dataset));
    await expectGeneralPathSame(run, dataset);
  });

  it('with an allowlist removed before the cut', async () => {
    const dataset = syntheticDataset(5);
    const experiment = resolveTuneExperiment(
      tuneInput({
        split: SYNTH_SPLIT,
        objective: { metric: 'recall', budget: 15 },
        search: { method: 'random', samples: 6, space: { weights: RANDOM_WEIGHTS, decay: ALL_DECAYS } },
      }),
    );
    // Every IP whose text ends in an odd digit: about half of the pool.
    const exclude = (ip: string) => /[13579]$/.test(ip);
    const run = await runTune(experiment, dataset, { exclude });
    expectSame(run, await bruteForce(run, dataset, exclude));
    await expectGeneralPathSame(run, dataset, exclude);
  });

  it('a config the fast scorer refuses (a negative weight) is ranked by the model, with the same values', async () => {
    const dataset = syntheticDataset(8);
    const experiment = resolveTuneExperiment(
      tuneInput({
        split: SYNTH_SPLIT,
        objective: { metric: 'recall', budget: 12 },
        model: {
          name: 'Prioritize_New',
          params: { weights: [0.5, -0.1, 0.2, 0.2, 0.1, 0.05, 0.025, 0.025] },
        },
        search: { method: 'grid', space: { decay: [{ name: 'exponential', halfLife: [1, 4] }] } },
      }),
    );
    const run = await runTune(experiment, dataset);
    // Both configs keep the negative weight; the default has none.
    expect(run.generalPathConfigs).toBe(2);
    expectSame(run, await bruteForce(run, dataset));
  });
});

describe('no lookahead', () => {
  it('changing the data from day X on changes no tuning score of a day before X', async () => {
    const X = '2024-01-15';
    const original = randomDays({ seed: 21, from: '2024-01-01', to: '2024-01-30', pool: 250, perDay: 60 });
    const other = randomDays({ seed: 99, from: '2024-01-01', to: '2024-01-30', pool: 250, perDay: 60 });
    const changed: DayTable[] = original.map((t) =>
      t.date >= X ? other.find((o) => o.date === t.date)! : t,
    );
    const experiment = resolveTuneExperiment(
      tuneInput({
        split: SYNTH_SPLIT,
        objective: { metric: 'recall', budget: 20 },
        search: { method: 'random', samples: 20, space: { weights: RANDOM_WEIGHTS, decay: ALL_DECAYS } },
      }),
    );
    const a = await runTune(experiment, memoryDataset(original));
    const b = await runTune(experiment, memoryDataset(changed));
    const before = a.tuneDays.filter((d) => d < X).length;
    let differAfter = 0;
    a.values.forEach((s, i) => {
      const other = b.values[i]!;
      expect([...s.subarray(0, before)]).toEqual([...other.subarray(0, before)]);
      for (let d = before; d < s.length; d++) if (!Object.is(s[d], other[d])) differAfter++;
    });
    // The change is visible from X on (the check above is not vacuous).
    expect(differAfter).toBeGreaterThan(0);
  });
});
