import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSearch, readTuneExperiment, resolveTuneExperiment, type TuneSearch } from '../../src/index.js';
import { ROOT } from '../helpers.js';

const base = {
  id: 't',
  version: 1,
  dataset: 'data',
  model: { name: 'Prioritize_Consistent' },
  split: { tune: { from: '2024-01-02', to: '2024-01-10' }, test: { from: '2024-01-11', to: '2024-01-20' } },
  search: { method: 'random', samples: 5, space: { weights: [1, 1, 1, 1, [0, 1], 1, 1, 1] } },
  objective: { metric: 'recall', budget: 100 },
};

describe('resolveTuneExperiment', () => {
  it('fills the defaults and resolves paths from baseDir', () => {
    const e = resolveTuneExperiment(base, 'x.json', '/base');
    expect(e.dataset).toBe('/base/data');
    expect(e.model.params.minimum).toBe(5000);
    expect(e.objective).toEqual({ metric: 'recall', budget: 100, higherIsBetter: true });
    expect(e.budgets).toEqual([100]);
    expect(e.baselines.map((b) => b.label)).toEqual(['Alpha']);
    expect(e.seed).toBe(0);
    expect(e.bootstrap).toEqual({ resamples: 2000, level: 0.95 });
    expect(e.search.space.weights![4]).toEqual({ values: [0, 1] });
    expect(e.search.space.weights![0]).toEqual({ values: [1] });
  });

  it('weights by feature name: features not named weigh 0', () => {
    const e = resolveTuneExperiment({
      ...base,
      search: {
        method: 'grid',
        space: { weights: { flows: [1, 2], mean_bytes: { min: 0, max: 1, steps: 3 } } },
      },
    });
    expect(e.search.space.weights).toEqual([
      { values: [1, 2] },
      { values: [0] },
      { values: [0] },
      { values: [0] },
      { values: [0] },
      { values: [0] },
      { min: 0, max: 1, steps: 3, scale: 'linear' },
      { values: [0] },
    ]);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['unknown key', { budgts: [5] }, "x.json: unknown key 'budgts'"],
    [
      'test window not after the tuning window',
      {
        split: {
          tune: { from: '2024-01-02', to: '2024-01-10' },
          test: { from: '2024-01-10', to: '2024-01-20' },
        },
      },
      'x.json: split.test: the test window must start after the tuning window ends (test.from 2024-01-10 <= tune.to 2024-01-10)',
    ],
    [
      'a window backwards',
      {
        split: {
          tune: { from: '2024-01-05', to: '2024-01-02' },
          test: { from: '2024-01-11', to: '2024-01-20' },
        },
      },
      'x.json: split.tune: from (2024-01-05) is after to (2024-01-02)',
    ],
    [
      'a bad date',
      { split: { tune: { from: '2024-1-2', to: '2024-01-10' }, test: base.split.test } },
      'split.tune.from',
    ],
    [
      'random without samples',
      { search: { method: 'random', space: {} } },
      'search.samples: required by a random search',
    ],
    [
      'grid with samples',
      { search: { method: 'grid', samples: 3, space: {} } },
      'search.samples: only for a random search',
    ],
    [
      'a grid range without steps',
      { search: { method: 'grid', space: { threshold: { min: 0, max: 1 } } }, objective: { metric: 'f1' } },
      "search.space.threshold: a range in a grid search needs 'steps'",
    ],
    [
      '7 weights',
      { search: { method: 'grid', space: { weights: [1, 1, 1, 1, 1, 1, 1] } } },
      'search.space.weights',
    ],
    [
      'a negative weight',
      { search: { method: 'grid', space: { weights: { flows: -1 } } } },
      'search.space.weights',
    ],
    [
      'threshold with a top-K objective',
      { search: { method: 'grid', space: { threshold: [0.1] } } },
      'search.space.threshold: has no effect when objective.budget is 100',
    ],
    [
      'minimum and budget together',
      { search: { method: 'grid', space: { minimum: [5], budget: [5] } }, objective: { metric: 'f1' } },
      'search either minimum',
    ],
    ['an unknown metric', { objective: { metric: 'recal' } }, "objective.metric: unknown metric 'recal'"],
    [
      'a metric of the list history',
      { objective: { metric: 'latency' } },
      "objective.metric: metric 'latency' reads the previous day's list",
    ],
    ['a model that cannot be tuned', { model: { name: 'Alpha' } }, "model.name: 'Alpha' cannot be tuned"],
    ['an unknown model', { model: { name: 'Prioritize_Consistnet' } }, 'model.name: unknown model'],
    [
      'a bad base param',
      { model: { name: 'Prioritize_New', params: { minimun: 3 } } },
      "model.params: Prioritize_New: unknown parameter 'minimun'",
    ],
    [
      'an unknown decay',
      { search: { method: 'grid', space: { decay: [{ name: 'hyperbolik' }] } } },
      "search.space.decay[0].name: unknown decay function 'hyperbolik'",
    ],
    [
      'a taken baseline label',
      { baselines: [{ name: 'Alpha7', label: 'Best' }] },
      "the label 'Best' is taken",
    ],
  ];
  it.each(bad)('refuses %s, naming the key', (_name, over, message) => {
    expect(() => resolveTuneExperiment({ ...base, ...over }, 'x.json')).toThrow(message);
  });

  it('reads the shipped experiment', async () => {
    const e = await readTuneExperiment(join(ROOT, 'experiments', 'tune-pc-cowrie.json'));
    expect(e.dataset).toBe(join(ROOT, 'datasets', 'cowrie-2018'));
    expect(e.split.test.from > e.split.tune.to).toBe(true);
  });
});

function space(s: TuneSearch['space'], method: 'grid' | 'random' = 'grid', samples?: number): TuneSearch {
  return { method, space: s, ...(samples !== undefined ? { samples } : {}) };
}
const v = (...values: number[]) => ({ values });
const zeros = (n: number) => Array.from({ length: n }, () => v(0));

describe('expandSearch', () => {
  const grids: [string, TuneSearch, { configs: number; zeroWeights: number; duplicates: number }][] = [
    [
      'two 0/1 weights',
      space({ weights: [v(0, 1), v(0, 1), ...zeros(6)] }),
      { configs: 3, zeroWeights: 1, duplicates: 0 },
    ],
    // 9 vectors: (0,0) is skipped; (1,0)=(2,0), (0,1)=(0,2), (1,1)=(2,2) after normalisation.
    [
      'two 0/1/2 weights',
      space({ weights: [v(0, 1, 2), v(0, 1, 2), ...zeros(6)] }),
      { configs: 5, zeroWeights: 1, duplicates: 3 },
    ],
    [
      'threshold range × minimum × decays',
      space({
        threshold: { min: 0, max: 1, steps: 3, scale: 'linear' },
        minimum: v(0, 10.4, 10),
        decay: [
          { name: 'aip-new', params: {} },
          { name: 'hyperbolic', params: { k: v(1, 2, 3) } },
        ],
      }),
      { configs: 3 * 2 * 4, zeroWeights: 0, duplicates: 0 },
    ],
  ];
  it.each(grids)('grid: %s', (_name, search, expected) => {
    const configs = expandSearch(search, 0);
    expect({ configs: configs.length, ...configs.skipped }).toEqual(expected);
  });

  it('grid values: linear and log ranges with exact end points, integers rounded', () => {
    const configs = expandSearch(
      space({
        threshold: { min: 1e-6, max: 1e-2, steps: 5, scale: 'log' },
        minimum: { min: 0, max: 10, steps: 4, scale: 'linear' },
      }),
      0,
    );
    const thresholds = [...new Set(configs.map((c) => c.threshold))];
    expect(thresholds[0]).toBe(1e-6);
    expect(thresholds[4]).toBe(1e-2);
    thresholds.forEach((t, i) => {
      expect(t).toBeCloseTo(10 ** (-6 + i), 12);
    });
    expect([...new Set(configs.map((c) => c.minimum))]).toEqual([0, 3, 7, 10]);
  });

  it('weights are normalised to sum 1', () => {
    const [c] = expandSearch(space({ weights: [v(2), v(6), ...zeros(6)] }), 0);
    expect(c!.weights).toEqual([0.25, 0.75, 0, 0, 0, 0, 0, 0]);
  });

  it('decay params are filled and validated', () => {
    expect(expandSearch(space({ decay: [{ name: 'exponential', params: {} }] }), 0)[0]!.decay).toEqual({
      name: 'exponential',
      halfLife: 7,
    });
    expect(() =>
      expandSearch(space({ decay: [{ name: 'exponential', params: { halfLife: v(-1) } }] }), 0),
    ).toThrow('search.space.decay[0]');
  });

  it('random: the seed fixes every config; another seed gives others; values stay in their ranges', () => {
    const search = space(
      {
        weights: Array.from({ length: 8 }, () => ({ min: 0, max: 1, scale: 'linear' as const })),
        threshold: { min: 1e-5, max: 1e-1, scale: 'log' },
        budget: { min: 10, max: 1000, scale: 'linear' },
        decay: [
          { name: 'hyperbolic', params: { k: { min: 1, max: 10, scale: 'linear' } } },
          { name: 'none', params: {} },
        ],
        normalization: ['min-max', 'max'],
      },
      'random',
      200,
    );
    const a = expandSearch(search, 42);
    expect(a).toEqual(expandSearch(search, 42));
    expect(a).not.toEqual(expandSearch(search, 43));
    expect(a).toHaveLength(200);
    for (const c of a) {
      expect(c.weights!.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
      expect(c.threshold!).toBeGreaterThanOrEqual(1e-5);
      expect(c.threshold!).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(c.budget)).toBe(true);
      expect(['hyperbolic', 'none']).toContain(c.decay!.name);
    }
    expect(new Set(a.map((c) => c.decay!.name)).size).toBe(2);
    expect(new Set(a.map((c) => c.normalization)).size).toBe(2);
  });

  it('random: repeated draws of a small space are counted as duplicates', () => {
    const configs = expandSearch(space({ minimum: v(1, 2) }, 'random', 50), 1);
    expect(configs.length).toBe(2);
    expect(configs.skipped.duplicates).toBe(48);
  });
});
