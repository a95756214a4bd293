import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTuneExperiment, resolveTuneExperiment } from '../../src/index.js';
import { expandSearch } from '../../src/tune/expand-search.js';
import type { SpaceEntry, TuneSearch } from '../../src/tune/tune-experiment.js';
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
    const weights = e.search.space.weights as Extract<SpaceEntry, { kind: 'weights' }>;
    expect(weights.dimensions[4]).toEqual({ values: [0, 1] });
    expect(weights.dimensions[0]).toEqual({ values: [1] });
  });

  it('weights by feature name: features not named weigh 0', () => {
    const e = resolveTuneExperiment({
      ...base,
      search: {
        method: 'grid',
        space: { weights: { flows: [1, 2], mean_bytes: { min: 0, max: 1, steps: 3 } } },
      },
    });
    expect((e.search.space.weights as Extract<SpaceEntry, { kind: 'weights' }>).dimensions).toEqual([
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
    [
      'a metric that needs the ASN data',
      { objective: { metric: 'asn_hhi' } },
      "objective.metric: metric 'asn_hhi' needs data beyond the day tables (asn)",
    ],
    [
      'recall_at_k of the natural lists (no budget K: undefined)',
      { objective: { metric: 'recall_at_k', budget: 'natural' } },
      "objective.metric: 'recall_at_k' is undefined for a natural list (it has no budget K)",
    ],
    [
      'a parameter that is not tunable',
      { model: { name: 'Random_Forest' }, search: { method: 'grid', space: { seed: [1, 2] } } },
      "search.space.seed: 'seed' is a parameter of Random_Forest but not tunable",
    ],
    [
      'a parameter the model does not have',
      { search: { method: 'grid', space: { lookback: [1, 2] } } },
      "search.space.lookback: Prioritize_Consistent has no parameter 'lookback'; tunable: weights, threshold",
    ],
    [
      'an enum value the model does not declare',
      { search: { method: 'grid', space: { normalization: ['min-max', 'z-score'] } } },
      'search.space.normalization: "z-score" is not one of',
    ],
    [
      'a whole-domain decay',
      { search: { method: 'grid', space: { decay: true } } },
      'search.space.decay: name the decay functions to search',
    ],
    [
      'overlapping rolling folds',
      { split: { rolling: { from: '2024-01-02', tuneDays: 5, testDays: 4, folds: 3, step: 2 } } },
      'split.rolling.step: 2 is shorter than testDays (4)',
    ],
    [
      'folds whose test windows overlap',
      {
        split: {
          folds: [
            {
              tune: { from: '2024-01-02', to: '2024-01-05' },
              test: { from: '2024-01-06', to: '2024-01-09' },
            },
            {
              tune: { from: '2024-01-03', to: '2024-01-07' },
              test: { from: '2024-01-08', to: '2024-01-10' },
            },
          ],
        },
      },
      "split.folds[1].test: folds walk forward and their test windows do not overlap (test.from 2024-01-08 <= the previous fold's test.to 2024-01-09)",
    ],
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
    expect(e.folds).toHaveLength(1);
    expect(e.folds[0]!.test.from > e.folds[0]!.tune.to).toBe(true);
  });

  it('rolling origin: k consecutive folds walking forward (sliding and expanding windows)', () => {
    const rolling = { from: '2024-01-02', tuneDays: 7, testDays: 3, folds: 3 };
    const sliding = resolveTuneExperiment({ ...base, split: { rolling } });
    // Fold i tunes on [from + 3i, from + 3i + 6] and tests on the 3 days after it.
    expect(sliding.folds).toEqual([
      { tune: { from: '2024-01-02', to: '2024-01-08' }, test: { from: '2024-01-09', to: '2024-01-11' } },
      { tune: { from: '2024-01-05', to: '2024-01-11' }, test: { from: '2024-01-12', to: '2024-01-14' } },
      { tune: { from: '2024-01-08', to: '2024-01-14' }, test: { from: '2024-01-15', to: '2024-01-17' } },
    ]);
    const expanding = resolveTuneExperiment({
      ...base,
      split: { rolling: { ...rolling, window: 'expanding' } },
    });
    expect(expanding.folds.map((f) => f.tune)).toEqual([
      { from: '2024-01-02', to: '2024-01-08' },
      { from: '2024-01-02', to: '2024-01-11' },
      { from: '2024-01-02', to: '2024-01-14' },
    ]);
    expect(expanding.folds.map((f) => f.test)).toEqual(sliding.folds.map((f) => f.test));
  });

  it('whole-domain entries (true) take the declared domain; the space keeps the declaration order', () => {
    const e = resolveTuneExperiment({
      ...base,
      objective: { metric: 'recall', budget: 'natural' },
      search: { method: 'grid', space: { normalization: true, threshold: true } },
    });
    expect(Object.keys(e.search.space)).toEqual(['threshold', 'normalization']);
    expect(e.search.space.threshold).toEqual({
      kind: 'number',
      dimension: { min: 1e-7, max: 0.1, scale: 'log', steps: 5 },
      integer: false,
    });
    expect(e.search.space.normalization).toEqual({
      kind: 'enum',
      values: ['min-max', 'max', 'log-min-max', 'none'],
    });
  });
});

const v = (...values: number[]) => ({ values });
const zeros = (n: number) => Array.from({ length: n }, () => v(0));
type Dim = { values: number[] } | { min: number; max: number; steps?: number; scale: 'linear' | 'log' };
const num = (dimension: Dim, integer = false): SpaceEntry => ({ kind: 'number', dimension, integer });
const weights = (...dimensions: Dim[]): SpaceEntry => ({
  kind: 'weights',
  names: dimensions.map((_, i) => `f${i}`),
  dimensions,
});
const decays = (...functions: { name: string; params: Record<string, Dim> }[]): SpaceEntry => ({
  kind: 'decay',
  functions,
});
function space(s: TuneSearch['space'], method: 'grid' | 'random' = 'grid', samples?: number): TuneSearch {
  return { method, space: s, ...(samples !== undefined ? { samples } : {}) };
}

describe('expandSearch', () => {
  const grids: [string, TuneSearch, { configs: number; zeroWeights: number; duplicates: number }][] = [
    [
      'two 0/1 weights',
      space({ weights: weights(v(0, 1), v(0, 1), ...zeros(6)) }),
      { configs: 3, zeroWeights: 1, duplicates: 0 },
    ],
    // 9 vectors: (0,0) is skipped; (1,0)=(2,0), (0,1)=(0,2), (1,1)=(2,2) after normalisation.
    [
      'two 0/1/2 weights',
      space({ weights: weights(v(0, 1, 2), v(0, 1, 2), ...zeros(6)) }),
      { configs: 5, zeroWeights: 1, duplicates: 3 },
    ],
    [
      'threshold range × minimum × decays',
      space({
        threshold: num({ min: 0, max: 1, steps: 3, scale: 'linear' }),
        minimum: num(v(0, 10.4, 10), true),
        decay: decays({ name: 'aip-new', params: {} }, { name: 'hyperbolic', params: { k: v(1, 2, 3) } }),
      }),
      { configs: 3 * 2 * 4, zeroWeights: 0, duplicates: 0 },
    ],
    [
      'an enum × a number; an empty space is one config',
      space({ score: { kind: 'enum', values: ['flat', 'recency'] }, lookback: num(v(1, 7)) }),
      { configs: 4, zeroWeights: 0, duplicates: 0 },
    ],
    ['nothing searched', space({}), { configs: 1, zeroWeights: 0, duplicates: 0 }],
  ];
  it.each(grids)('grid: %s', (_name, search, expected) => {
    const configs = expandSearch(search, 0);
    expect({ configs: configs.length, ...configs.skipped }).toEqual(expected);
  });

  it('grid order: the first searched parameter varies fastest', () => {
    const configs = expandSearch(space({ a: num(v(1, 2)), b: num(v(10, 20)) }), 0);
    expect([...configs]).toEqual([
      { a: 1, b: 10 },
      { a: 2, b: 10 },
      { a: 1, b: 20 },
      { a: 2, b: 20 },
    ]);
  });

  it('grid values: linear and log ranges with exact end points, integers rounded', () => {
    const configs = expandSearch(
      space({
        threshold: num({ min: 1e-6, max: 1e-2, steps: 5, scale: 'log' }),
        minimum: num({ min: 0, max: 10, steps: 4, scale: 'linear' }, true),
      }),
      0,
    );
    const thresholds = [...new Set(configs.map((c) => c.threshold as number))];
    expect(thresholds[0]).toBe(1e-6);
    expect(thresholds[4]).toBe(1e-2);
    thresholds.forEach((t, i) => {
      expect(t).toBeCloseTo(10 ** (-6 + i), 12);
    });
    expect([...new Set(configs.map((c) => c.minimum))]).toEqual([0, 3, 7, 10]);
  });

  it('weights are normalised to sum 1', () => {
    const [c] = expandSearch(space({ weights: weights(v(2), v(6), ...zeros(6)) }), 0);
    expect(c!.weights).toEqual([0.25, 0.75, 0, 0, 0, 0, 0, 0]);
  });

  it('decay params are filled and validated', () => {
    expect(expandSearch(space({ decay: decays({ name: 'exponential', params: {} }) }), 0)[0]!.decay).toEqual({
      name: 'exponential',
      halfLife: 7,
    });
    expect(() =>
      expandSearch(space({ decay: decays({ name: 'exponential', params: { halfLife: v(-1) } }) }), 0),
    ).toThrow('search.space.decay[0]');
  });

  it('random: the seed fixes every config; another seed gives others; values stay in their ranges', () => {
    const search = space(
      {
        weights: weights(...Array.from({ length: 8 }, () => ({ min: 0, max: 1, scale: 'linear' as const }))),
        threshold: num({ min: 1e-5, max: 1e-1, scale: 'log' }),
        budget: num({ min: 10, max: 1000, scale: 'linear' }, true),
        decay: decays(
          { name: 'hyperbolic', params: { k: { min: 1, max: 10, scale: 'linear' } } },
          { name: 'none', params: {} },
        ),
        normalization: { kind: 'enum', values: ['min-max', 'max'] },
      },
      'random',
      200,
    );
    const a = expandSearch(search, 42);
    expect(a).toEqual(expandSearch(search, 42));
    expect(a).not.toEqual(expandSearch(search, 43));
    expect(a).toHaveLength(200);
    for (const c of a) {
      expect((c.weights as number[]).reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
      expect(c.threshold as number).toBeGreaterThanOrEqual(1e-5);
      expect(c.threshold as number).toBeLessThanOrEqual(1e-1);
      expect(Number.isInteger(c.budget)).toBe(true);
      expect(['hyperbolic', 'none']).toContain((c.decay as { name: string }).name);
    }
    expect(new Set(a.map((c) => (c.decay as { name: string }).name)).size).toBe(2);
    expect(new Set(a.map((c) => c.normalization)).size).toBe(2);
  });

  it('random: repeated draws of a small space are counted as duplicates', () => {
    const configs = expandSearch(space({ minimum: num(v(1, 2), true) }, 'random', 50), 1);
    expect(configs.length).toBe(2);
    expect(configs.skipped.duplicates).toBe(48);
  });
});
