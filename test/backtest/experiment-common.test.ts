import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readExperimentFile } from '../../src/backtest/experiment-common.js';
import { mergedRecord, sameEverywhere, summedTimings } from '../../src/backtest/merge-backtest.js';
import type { PartialHeader } from '../../src/backtest/shard.js';
import { resolveExperiment, resolveTuneExperiment, UsageError } from '../../src/index.js';
import { testWindowExperiment } from '../../src/tune/tune-experiment.js';
import { rejection, tempDir } from '../helpers.js';

// One definition of the keys both kinds of experiment share (experiment-common.ts), seen from outside: manifest.json
// records each kind with its keys in the order written out here by hand, and a tuning experiment's test windows carry
// its shared keys unchanged.

const backtestInput = {
  id: 'x',
  version: 2,
  description: 'a note',
  dataset: 'data',
  from: '2024-01-02',
  to: '2024-01-05',
  models: [{ name: 'Alpha' }],
  budgets: [10, 'natural', { sizeOf: 'Alpha', share: 0.5 }],
  metrics: ['recall'],
  horizons: [3],
  seed: 7,
  allowlist: 'allow.csv',
  sensors: ['b', 'a'],
};

const tuneInput = {
  id: 't',
  version: 1,
  description: 'tuned',
  dataset: 'data',
  model: { name: 'Prioritize_Consistent' },
  split: { tune: { from: '2024-01-02', to: '2024-01-10' }, test: { from: '2024-01-11', to: '2024-01-20' } },
  search: { method: 'random', samples: 5, space: { weights: [1, 1, 1, 1, [0, 1], 1, 1, 1] } },
  objective: { metric: 'recall', budget: 100 },
  budgets: [50],
  horizons: [1],
  bootstrap: { resamples: 500 },
  allowlist: '/abs/allow.csv',
};

describe('the keys a backtest and a tuning experiment share', () => {
  it('a backtest experiment: id, version, dataset, its own keys, the evaluation keys, then the optional ones', () => {
    const e = resolveExperiment(backtestInput, 'x.json', '/base');
    expect(Object.keys(e)).toEqual([
      'id',
      'version',
      'dataset',
      'from',
      'to',
      'models',
      'budgets',
      'metrics',
      'horizons',
      'seed',
      'bootstrap',
      'description',
      'allowlist',
      'sensors',
    ]);
    expect(e.dataset).toBe('/base/data');
    expect(e.allowlist).toBe('/base/allow.csv');
    expect(e.budgets).toEqual([10, 'natural', { sizeOf: 'Alpha', share: 0.5 }]);
    expect(e.horizons).toEqual([0, 3]);
    expect(e.bootstrap).toEqual({ resamples: 2000, level: 0.95 });
    expect(e.sensors).toEqual(['a', 'b']);
    // Without the optional keys none of them is written, not even as undefined.
    const bare = resolveExperiment({
      id: 'x',
      version: 1,
      dataset: 'd',
      from: '2024-01-02',
      to: '2024-01-02',
      models: [{ name: 'Alpha' }],
    });
    expect(Object.keys(bare)).toEqual([
      'id',
      'version',
      'dataset',
      'from',
      'to',
      'models',
      'budgets',
      'metrics',
      'horizons',
      'seed',
      'bootstrap',
    ]);
  });

  it('a tuning experiment: the same frame around its own keys; its test window carries the shared keys', () => {
    const t = resolveTuneExperiment(tuneInput, 't.json', '/base');
    expect(Object.keys(t)).toEqual([
      'id',
      'version',
      'dataset',
      'model',
      'split',
      'folds',
      'search',
      'objective',
      'baselines',
      'budgets',
      'metrics',
      'horizons',
      'seed',
      'bootstrap',
      'description',
      'allowlist',
    ]);
    expect(t.description).toBe('tuned');
    expect(t.dataset).toBe('/base/data');
    expect(t.allowlist).toBe('/abs/allow.csv');
    expect(t.budgets).toEqual([50, 100]);
    expect(t.horizons).toEqual([0, 1]);
    expect(t.bootstrap).toEqual({ resamples: 500, level: 0.95 });

    const w = testWindowExperiment(t, { x: 1 });
    expect(Object.keys(w)).toEqual([
      'id',
      'version',
      'dataset',
      'from',
      'to',
      'models',
      'budgets',
      'metrics',
      'horizons',
      'seed',
      'bootstrap',
      'description',
      'allowlist',
    ]);
    expect([w.id, w.version, w.dataset, w.description, w.allowlist]).toEqual([
      't',
      1,
      '/base/data',
      'tuned',
      '/abs/allow.csv',
    ]);
    expect([w.from, w.to]).toEqual(['2024-01-11', '2024-01-20']);
    expect(w.models.map((m) => m.label)).toEqual(['Best', 'Default', 'Alpha']);
    expect(w.models[0]!.params).toEqual({ x: 1 });
    // Copies: changing the test window leaves the tuning experiment as it was.
    w.budgets.push(7);
    w.bootstrap.level = 0.5;
    expect(t.budgets).toEqual([50, 100]);
    expect(t.bootstrap.level).toBe(0.95);
  });

  it('a file of either kind is read, then resolved with the file as the source and its folder as the base', async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const path = join(dir, 'e.yaml');
      await writeFile(path, 'id: y\nversion: 1\n');
      const seen = await readExperimentFile(path, (data, source, baseDir) => ({ data, source, baseDir }));
      expect(seen).toEqual({ data: { id: 'y', version: 1 }, source: path, baseDir: dir });
      const missing = await rejection(readExperimentFile(join(dir, 'none.json'), () => 0));
      expect(missing).toBeInstanceOf(UsageError);
      expect(missing.message).toBe(`cannot read experiment ${join(dir, 'none.json')}: ENOENT`);
      await writeFile(join(dir, 'bad.json'), '{');
      const bad = await rejection(readExperimentFile(join(dir, 'bad.json'), () => 0));
      expect(bad).toBeInstanceOf(UsageError);
      expect(bad.message).toMatch(/^\S*bad\.json: not valid JSON: /);
    } finally {
      await cleanup();
    }
  });
});

describe('what a merge of backtest shards and of tune shards share', () => {
  const header = (index: number, timings: Record<string, number>) =>
    ({
      shard: { index, count: 2 },
      experimentId: 'x',
      git: { commit: null, dirty: null },
      startedAt: `2024-01-0${index}T00:00:00.000Z`,
      command: null,
      units: { total: 4, start: (index - 1) * 2, end: index * 2 },
      timings,
    }) as unknown as PartialHeader & { timings: Record<string, number> };

  it('sums the named timings in the order named', () => {
    const partials = [
      header(1, { totalMs: 5, foldMs: 1, scoreMs: 2 }),
      header(2, { totalMs: 7, foldMs: 3, scoreMs: 4 }),
    ];
    const sums = summedTimings(partials, ['scoreMs', 'totalMs']);
    expect(sums).toEqual({ scoreMs: 6, totalMs: 12 });
    expect(Object.keys(sums)).toEqual(['scoreMs', 'totalMs']);
  });

  it("records each shard's units between its name and its provenance", () => {
    const partials = [header(1, { totalMs: 5 }), header(2, { totalMs: 7 })];
    const record = mergedRecord(partials, 'summed', (p) => ({ units: p.units.start }));
    expect(JSON.stringify(record)).toBe(
      '{"shards":2,"timingsAre":"summed","from":[' +
        '{"shard":"1/2","units":0,"git":{"commit":null,"dirty":null},"startedAt":"2024-01-01T00:00:00.000Z","command":null,"timings":{"totalMs":5}},' +
        '{"shard":"2/2","units":2,"git":{"commit":null,"dirty":null},"startedAt":"2024-01-02T00:00:00.000Z","command":null,"timings":{"totalMs":7}}]}',
    );
  });

  it('refuses shards that disagree on a fact of the whole run, naming both', () => {
    const partials = [header(1, { totalMs: 5 }), header(2, { totalMs: 7 })];
    expect(() => sameEverywhere(partials, 'the command', (p) => p.command)).not.toThrow();
    expect(() => sameEverywhere(partials, 'the start', (p) => p.startedAt)).toThrow(
      'shards 1/2 and 2/2 of x disagree on the start: were they run on the same dataset?',
    );
  });
});
