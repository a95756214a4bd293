import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defineModel,
  type Experiment,
  type KnowledgeView,
  LookaheadError,
  modelParamsSchema,
  openDataset,
  rankByScore,
  readExperiment,
  registerModel,
  resolveExperiment,
  runBacktest,
  runExperiment,
} from '../../src/index.js';
import { ROOT, readReferenceDays, SHARED_DATA, tempDir } from '../helpers.js';
import { memoryDataset, randomDays } from '../knowledge/memory-dataset.js';

const COWRIE = join(ROOT, 'datasets', 'cowrie-2018');

/** A model that lists every known IP and records what it saw, to prove it never sees day D. */
const seen: { date: string; day: number; maxLastSeen: number; view: KnowledgeView }[] = [];
registerModel(
  defineModel({
    name: 'TestSpy',
    summary: 'lists every known IP; records its views (tests only)',
    source: 'test',
    schema: modelParamsSchema({}),
    rank: (_p, ctx) => {
      const c = ctx.knowledge.columns();
      let maxLastSeen = Number.NEGATIVE_INFINITY;
      for (const d of c.lastSeen) maxLastSeen = Math.max(maxLastSeen, d);
      seen.push({ date: ctx.date, day: ctx.knowledge.day, maxLastSeen, view: ctx.knowledge });
      return rankByScore(ctx.knowledge, c.flows);
    },
  }),
);

function experiment(over: Record<string, unknown> = {}): Experiment {
  return resolveExperiment({
    id: 'test',
    version: 1,
    dataset: COWRIE,
    from: '2018-05-07',
    to: '2018-07-02',
    models: [{ name: 'Alpha' }, { name: 'Prioritize_New' }],
    budgets: [10, 'natural'],
    seed: 3,
    ...over,
  });
}

describe('backtest on the bundled Cowrie data', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir();
  });
  afterAll(async () => tmp.cleanup());

  it('two runs write identical per_day.csv, summary.csv and comparisons.csv', async () => {
    const e = experiment({
      models: [{ name: 'Alpha' }, { name: 'Random_Forest' }, { name: 'Random', params: { budget: 20 } }],
      horizons: [0, 1],
    });
    const a = await runExperiment(e, { out: join(tmp.dir, 'a') });
    const b = await runExperiment(e, { out: join(tmp.dir, 'b') });
    expect(a.written!.dir).not.toBe(b.written!.dir);
    for (const f of ['per_day.csv', 'summary.csv', 'comparisons.csv']) {
      const x = await readFile(join(a.written!.dir, f), 'utf8');
      expect(x.split('\n').length).toBeGreaterThan(10);
      expect(await readFile(join(b.written!.dir, f), 'utf8')).toBe(x);
    }
    const manifest = JSON.parse(await readFile(join(a.written!.dir, 'manifest.json'), 'utf8'));
    expect(manifest.experiment.models[1].params.trees).toBeGreaterThan(0);
    expect(manifest.dataset.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.skipped.map((s: { date: string }) => s.date)).toEqual(
      expect.arrayContaining(['2018-06-17', '2018-06-29', '2018-06-16', '2018-06-28', '2018-07-02']),
    );
    expect(Object.keys(manifest.timings.rankMs)).toEqual(['Alpha', 'Random_Forest', 'Random']);
  }, 60_000);

  it("Alpha's mean next-day recall equals a brute-force count on the reference day tables (~43%)", async () => {
    const { analysis, run } = await runExperiment(experiment());
    const ref = await readReferenceDays(join(SHARED_DATA, 'aip-reference', 'cowrie-days'));
    // Independently: for each day D with data, |IPs(D-1) ∩ IPs(D)| / |IPs(D)|, a missing D-1 giving an empty list.
    const recalls: number[] = [];
    for (const date of run.days) {
      const today = ref.get(date);
      if (!today) continue;
      const prev = new Date(`${date}T00:00:00Z`);
      prev.setUTCDate(prev.getUTCDate() - 1);
      const yesterday = ref.get(prev.toISOString().slice(0, 10)) ?? new Map();
      let hit = 0;
      for (const ip of today.keys()) if (yesterday.has(ip)) hit++;
      recalls.push(hit / today.size);
    }
    expect(recalls).toHaveLength(55);
    const mean = recalls.reduce((s, x) => s + x, 0) / recalls.length;
    const row = analysis.summary.find(
      (s) => s.model === 'Alpha' && s.budget === 'natural' && s.metric === 'recall',
    )!;
    expect(row.n).toBe(55);
    expect(row.mean).toBeCloseTo(mean, 12);
    expect(row.mean).toBeGreaterThan(0.4);
    expect(row.mean).toBeLessThan(0.46);
    expect(row.ciLow).toBeLessThan(row.mean);
    expect(row.ciHigh).toBeGreaterThan(row.mean);
  }, 30_000);
});

describe('walk-forward engine', () => {
  const tables = randomDays({ seed: 11, from: '2024-03-01', to: '2024-03-20', missing: ['2024-03-08'] });
  const memory = () => memoryDataset(tables, ['2024-03-08']);
  const exp = (over: Record<string, unknown> = {}) =>
    resolveExperiment({
      id: 'mem',
      version: 1,
      dataset: '/nonexistent',
      from: '2024-03-02',
      to: '2024-03-20',
      models: [{ name: 'TestSpy' }, { name: 'Alpha' }, { name: 'Prioritize_Consistent' }],
      budgets: [5, 'natural'],
      ...over,
    });

  it('no lookahead: every view sees only days before D, and dies once D is folded', async () => {
    seen.length = 0;
    await runBacktest(exp(), memory());
    expect(seen.map((s) => s.date)).toEqual(
      Array.from({ length: 19 }, (_, i) => `2024-03-${String(i + 2).padStart(2, '0')}`),
    );
    for (const s of seen) expect(s.maxLastSeen).toBeLessThan(s.day);
    for (const s of seen.slice(0, -1)) expect(() => s.view.columns()).toThrow(LookaheadError);
  });

  it('no lookahead: changing the data from day X on changes no row before X, and no list for X', async () => {
    const x = '2024-03-14';
    const changed = tables.map((t) =>
      t.date >= x ? randomDays({ seed: 99, from: t.date, to: t.date })[0]! : t,
    );
    const a = await runBacktest(exp(), memory());
    const b = await runBacktest(exp(), memoryDataset(changed, ['2024-03-08']));
    const earlier = (rows: typeof a.rows) => rows.filter((r) => r.date < x);
    expect(earlier(b.rows)).toEqual(earlier(a.rows));
    expect(earlier(a.rows).length).toBeGreaterThan(100);
    const listOnly = (rows: typeof a.rows) =>
      rows.filter((r) => r.date === x && ['size', 'adds', 'removes'].includes(r.metric));
    expect(listOnly(b.rows)).toEqual(listOnly(a.rows));
    expect(b.rows.filter((r) => r.date >= x)).not.toEqual(a.rows.filter((r) => r.date >= x));
  });

  it('a missing target day is skipped and reported, never scored; each day table is read once', async () => {
    const ds = memory();
    const run = await runBacktest(exp({ horizons: [0, 2] }), ds);
    expect(run.rows.some((r) => r.date === '2024-03-08' && !r.metric.endsWith('_h2'))).toBe(false);
    expect(run.rows.some((r) => r.date === '2024-03-06' && r.metric.endsWith('_h2'))).toBe(false);
    expect(run.skipped).toEqual([
      { date: '2024-03-06', horizon: 2, reason: '2024-03-08 is a missing day (no data)' },
      { date: '2024-03-08', horizon: 0, reason: '2024-03-08 is a missing day (no data)' },
      { date: '2024-03-19', horizon: 2, reason: "2024-03-21 is after the dataset's last day" },
      { date: '2024-03-20', horizon: 2, reason: "2024-03-22 is after the dataset's last day" },
    ]);
    expect(run.scoredDays).toHaveLength(18);
    // The knowledge base is folded once for all models: every table read exactly once.
    expect([...ds.reads].sort()).toEqual([...new Set(ds.reads)].sort());
    expect(new Set(ds.reads).size).toBe(19);
    // The list after the missing day still has churn against the missing day's list (lists are made every day).
    const jac = run.rows.find(
      (r) => r.date === '2024-03-09' && r.model === 'TestSpy' && r.metric === 'jaccard_previous',
    );
    expect(jac?.value).toBe(1);
  });

  it('refuses a range without history or past the data', async () => {
    await expect(runBacktest(exp({ from: '2024-03-01' }), memory())).rejects.toThrow(/first day/);
    await expect(runBacktest(exp({ to: '2024-03-21' }), memory())).rejects.toThrow(/last day/);
  });
});

describe('experiment files', () => {
  const base = {
    id: 'x',
    version: 1,
    dataset: 'data',
    from: '2024-01-02',
    to: '2024-01-05',
    models: [{ name: 'Alpha' }],
  };
  const err = (over: Record<string, unknown>) => {
    try {
      resolveExperiment({ ...base, ...over }, 'exp.json');
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('fills defaults: budgets, every metric, model params, horizon 0, seed 0', () => {
    const e = resolveExperiment(base, 'exp.json', '/base');
    expect(e.budgets).toEqual([100, 1000, 5000, 10000, 'natural']);
    expect(e.metrics).toContain('recall');
    expect(e.metrics).toContain('aip_mcc');
    expect(e.models[0]).toEqual({
      name: 'Alpha',
      label: 'Alpha',
      params: { lookback: 1, budget: null, score: 'flat' },
    });
    expect(e.horizons).toEqual([0]);
    expect(e.seed).toBe(0);
    expect(e.dataset).toBe('/base/data');
  });

  it('names the bad key or value', () => {
    expect(err({ budget: 5 })).toBe("exp.json: unknown key 'budget'");
    expect(err({ from: '2024-1-2' })).toBe('exp.json: from: expected a date YYYY-MM-DD');
    expect(err({ budgets: [0] })).toMatch(/^exp\.json: budgets\[0\]: /);
    expect(err({ models: [{ name: 'Alpha', params: { lookbak: 2 } }] })).toMatch(
      /^exp\.json: models\[0\]\.params: Alpha: unknown parameter 'lookbak'/,
    );
    expect(err({ models: [{ name: 'Alfa' }] })).toMatch(
      /models\[0\]\.name: unknown model 'Alfa'; did you mean 'Alpha'/,
    );
    expect(err({ metrics: ['recal'] })).toMatch(
      /metrics\[0\]: unknown metric 'recal'; did you mean 'recall'/,
    );
    expect(err({ models: [{ name: 'Alpha' }, { name: 'Alpha', params: { lookback: 2 } }] })).toMatch(
      /models\[1\]: the label 'Alpha' is taken/,
    );
    expect(err({ from: '2024-01-09' })).toMatch(/from \(2024-01-09\) is after to/);
    expect(err({ seed: -1 })).toMatch(/^exp\.json: seed: /);
  });

  it('reads YAML and JSON alike; relative paths are from the file', async () => {
    const t = await tempDir();
    try {
      await writeFile(
        join(t.dir, 'e.yaml'),
        'id: y\nversion: 2\ndataset: ../d\nfrom: 2024-01-02\nto: 2024-01-03\nmodels:\n  - name: Alpha7\n    label: A7\nbudgets: [10, natural]\n',
      );
      const e = await readExperiment(join(t.dir, 'e.yaml'));
      expect(e.models[0]!.label).toBe('A7');
      expect(e.budgets).toEqual([10, 'natural']);
      expect(e.dataset).toBe(join(t.dir, '..', 'd'));
      await writeFile(join(t.dir, 'bad.json'), '{"id": "y",');
      await expect(readExperiment(join(t.dir, 'bad.json'))).rejects.toThrow(/bad\.json: not valid JSON/);
    } finally {
      await t.cleanup();
    }
  });

  it('the shipped experiments are valid', async () => {
    for (const f of ['aip-baseline.json', 'synthetic-year.json']) {
      const e = await readExperiment(join(ROOT, 'experiments', f));
      expect(e.id).toBe(f.replace('.json', ''));
    }
    const aip = await readExperiment(join(ROOT, 'experiments', 'aip-baseline.json'));
    expect(aip.models.map((m) => m.name)).toEqual([
      'Alpha',
      'Alpha7',
      'Prioritize_New',
      'Prioritize_Consistent',
      'Random_Forest',
    ]);
    expect(aip.budgets).toEqual([100, 1000, 5000, 'natural']);
    expect((await openDataset(aip.dataset as string)).days).toHaveLength(56);
  });
});
