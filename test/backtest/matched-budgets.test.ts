/**
 * Matched budgets (issue 10): a budget relative to another model's natural list of the same day,
 * `{"sizeOf": "Alpha", "share": 0.5}` → K = Math.round(0.5 × |Alpha's natural list that day|). The expected K's are
 * counted from the day tables by hand (Alpha's list for D is every IP of D-1's table, AllIPs' every IP of any earlier
 * table), and each matched list is checked against a run with that K as a plain numeric budget.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BUDGET_K_METRIC } from '../../src/backtest/backtest.js';
import { summaryText } from '../../src/backtest/summary-text.js';
import {
  analyzeRun,
  type BacktestRun,
  budgetLabel,
  defineModel,
  type Experiment,
  modelParamsSchema,
  type PerDayRow,
  rankByScore,
  readResultsFolder,
  registerModel,
  resolveExperiment,
  runBacktest,
  writeResults,
} from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { memoryDataset, randomDays } from '../knowledge/memory-dataset.js';

const MISSING = ['2024-03-08'];
const TABLES = randomDays({ seed: 21, from: '2024-03-01', to: '2024-03-20', missing: MISSING, pool: 90 });
const memory = () => memoryDataset(TABLES, MISSING);

/** Records the ctx.limit each day it ranks with, per tag (tests only). */
const limits: { tag: string; date: string; limit: number | undefined }[] = [];
registerModel(
  defineModel({
    name: 'TestLimitSpy',
    summary: 'ranks every known IP by flows; records ctx.limit (tests only)',
    source: 'test',
    schema: modelParamsSchema({ tag: z.string().default('') }),
    rank: (p, ctx) => {
      limits.push({ tag: p.tag, date: ctx.date, limit: ctx.limit });
      return rankByScore(ctx.knowledge, ctx.knowledge.columns().flows, undefined, ctx.limit);
    },
  }),
);

const MODELS = [
  { name: 'Alpha' },
  { name: 'TopVolume', params: { lookback: 3 } },
  { name: 'Prioritize_Consistent' },
  { name: 'AllIPs' },
];
const MATCHED = [{ sizeOf: 'Alpha' }, { sizeOf: 'Alpha', share: 0.5 }, { sizeOf: 'AllIPs', share: 0.1 }];

function exp(over: Record<string, unknown> = {}): Experiment {
  return resolveExperiment({
    id: 'matched',
    version: 1,
    dataset: '/nonexistent',
    from: '2024-03-02',
    to: '2024-03-20',
    models: MODELS,
    budgets: [3, ...MATCHED],
    seed: 5,
    ...over,
  });
}

/** By hand from the tables: the IPs of the day before D (Alpha), and of every day before D (AllIPs). */
function sizesBefore(date: string, exclude: (ip: string) => boolean = () => false) {
  const prev = new Date(`${date}T00:00:00Z`);
  prev.setUTCDate(prev.getUTCDate() - 1);
  const yesterday = TABLES.find((t) => t.date === prev.toISOString().slice(0, 10));
  const alpha = new Set((yesterday?.ip ?? []).filter((ip) => !exclude(ip)));
  const all = new Set(TABLES.filter((t) => t.date < date).flatMap((t) => t.ip.filter((ip) => !exclude(ip))));
  return { Alpha: alpha.size, AllIPs: all.size };
}

function expectedK(date: string, b: { sizeOf: string; share?: number }, exclude?: (ip: string) => boolean) {
  const size = sizesBefore(date, exclude)[b.sizeOf as 'Alpha' | 'AllIPs'];
  return Math.round((b.share ?? 1) * size);
}

const CHURN = new Set(['jaccard_previous', 'adds', 'removes', 'first_listings', 'latency']);
const key = (r: PerDayRow) => `${r.date}|${r.model}|${r.metric}`;

describe('matched budgets in the experiment file', () => {
  const base = {
    id: 'x',
    version: 1,
    dataset: 'data',
    from: '2024-01-02',
    to: '2024-01-05',
    models: [{ name: 'Alpha' }, { name: 'Alpha7', label: 'A7' }],
  };
  const err = (budgets: unknown[]) => {
    try {
      resolveExperiment({ ...base, budgets }, 'exp.json');
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('fills share 1 and labels them size(Alpha) and 0.25*size(A7)', () => {
    const e = resolveExperiment({
      ...base,
      budgets: [100, { sizeOf: 'A7', share: 0.25 }, { sizeOf: 'Alpha' }],
    });
    expect(e.budgets).toEqual([100, { sizeOf: 'A7', share: 0.25 }, { sizeOf: 'Alpha', share: 1 }]);
    expect(e.budgets.map(budgetLabel)).toEqual(['100', '0.25*size(A7)', 'size(Alpha)']);
    expect(budgetLabel({ sizeOf: 'Alpha', share: 2 })).toBe('2*size(Alpha)');
  });

  it('names budgets[i].sizeOf when it is not a label of the experiment, with a did-you-mean', () => {
    expect(err([{ sizeOf: 'Alpah' }])).toMatch(
      /^exp\.json: budgets\[0\]\.sizeOf: unknown model label 'Alpah'; did you mean 'Alpha'\?/,
    );
    // A label, not a model name: Alpha7 is labelled A7 here.
    expect(err([10, { sizeOf: 'Alpha7' }])).toMatch(
      /^exp\.json: budgets\[1\]\.sizeOf: unknown model label 'Alpha7'/,
    );
  });

  it('refuses a share <= 0, unknown keys and a budget listed twice', () => {
    expect(err([{ sizeOf: 'Alpha', share: 0 }])).toMatch(/^exp\.json: budgets\[0\]\.share: .*greater than 0/);
    expect(err([{ sizeOf: 'Alpha', share: -1 }])).toMatch(/^exp\.json: budgets\[0\]\.share: /);
    expect(err([{ sizeOf: 'Alpha', shares: 2 }])).toMatch(/^exp\.json: budgets\[0\]: /);
    expect(err([{ sizeOf: 'Alpha' }, { sizeOf: 'Alpha', share: 1 }])).toMatch(
      /^exp\.json: budgets\[1\]: size\(Alpha\) is listed twice/,
    );
    expect(err([5, 5])).toMatch(/budgets\[1\]: 5 is listed twice/);
  });
});

describe('matched budgets in the backtest', () => {
  let run: BacktestRun;
  beforeAll(async () => {
    run = await runBacktest(exp(), memory());
  });

  it("each day's K = Math.round(share × the referenced natural list size), recorded as budget_k", () => {
    let zero = 0;
    let half = 0;
    for (const date of run.scoredDays)
      for (const b of MATCHED) {
        const k = expectedK(date, b);
        if (k === 0) zero++;
        if ((b.share ?? 1) * sizesBefore(date)[b.sizeOf as 'Alpha'] === k - 0.5) half++;
        const label = budgetLabel({ sizeOf: b.sizeOf, share: b.share ?? 1 });
        for (const m of ['Alpha', 'TopVolume', 'Prioritize_Consistent', 'AllIPs']) {
          const rows = run.rows.filter(
            (r) => r.date === date && r.model === m && r.budget === label && r.metric === BUDGET_K_METRIC,
          );
          expect(rows.map((r) => r.value)).toEqual([k]);
          const size = run.rows.find(
            (r) => r.date === date && r.model === m && r.budget === label && r.metric === 'size',
          )!.value;
          expect(size).toBeLessThanOrEqual(k);
          if (m === 'AllIPs') expect(size).toBe(Math.min(k, sizesBefore(date).AllIPs));
        }
      }
    // The data covers the edge cases: an empty Alpha list after the missing day, and halves rounded up.
    expect(zero).toBeGreaterThan(0);
    expect(half).toBeGreaterThan(0);
    expect(run.metricColumns.at(-1)).toBe(BUDGET_K_METRIC);
    expect(run.rows.some((r) => r.budget === '3' && r.metric === BUDGET_K_METRIC)).toBe(false);
  });

  it('each matched list is the top K of its model: the same rows as a run with K as a plain budget', async () => {
    const ks = new Map<number, BacktestRun>();
    let compared = 0;
    for (const date of run.scoredDays)
      for (const b of MATCHED) {
        const k = expectedK(date, b);
        const label = budgetLabel({ sizeOf: b.sizeOf, share: b.share ?? 1 });
        const matched = run.rows.filter((r) => r.date === date && r.budget === label && !CHURN.has(r.metric));
        if (k === 0) {
          // K = 0: an empty list; precision_at_k = TP/K is undefined.
          for (const r of matched.filter((r) => r.metric === 'size')) expect(r.value).toBe(0);
          for (const r of matched.filter((r) => r.metric === 'precision_at_k')) expect(r.value).toBeNaN();
          continue;
        }
        if (!ks.has(k)) ks.set(k, await runBacktest(exp({ budgets: [k] }), memory()));
        const plain = new Map(
          ks
            .get(k)!
            .rows.filter((r) => r.date === date)
            .map((r) => [key(r), r.value]),
        );
        for (const r of matched) {
          if (r.metric === BUDGET_K_METRIC) continue;
          expect([key(r), r.value]).toEqual([key(r), plain.get(key(r))]);
          compared++;
        }
      }
    expect(compared).toBeGreaterThan(1000);
  });

  it('rows come in the experiment’s model order; the set models are recorded', () => {
    const order = ['Alpha', 'TopVolume', 'Prioritize_Consistent', 'AllIPs'];
    for (const date of run.days) {
      const models = run.rows.filter((r) => r.date === date).map((r) => order.indexOf(r.model));
      expect(models).toEqual([...models].sort((a, b) => a - b));
    }
    expect(run.unrankedModels).toEqual(['Alpha', 'AllIPs']);
  });

  it('speed path: referenced models rank in full, the others with ctx.limit = the day’s largest K', async () => {
    limits.length = 0;
    const e = exp({
      models: [
        { name: 'TestLimitSpy', label: 'Ref', params: { tag: 'ref' } },
        { name: 'TestLimitSpy', label: 'Other', params: { tag: 'other' } },
        { name: 'Alpha' },
      ],
      budgets: [2, { sizeOf: 'Alpha', share: 3 }, { sizeOf: 'Ref', share: 0.05 }],
    });
    const spied = await runBacktest(e, memory());
    const known = (date: string) => sizesBefore(date).AllIPs; // Ref lists every known IP: its natural size
    for (const date of spied.days) {
      const ref = limits.filter((l) => l.tag === 'ref' && l.date === date);
      const other = limits.filter((l) => l.tag === 'other' && l.date === date);
      expect(ref.map((l) => l.limit)).toEqual([undefined]);
      const k = Math.max(1, 2, Math.round(3 * sizesBefore(date).Alpha), Math.round(0.05 * known(date)));
      expect(other.map((l) => l.limit)).toEqual([k]);
    }
    // With a natural budget (or an allowlist) no model gets a limit; the matched rows are the same.
    limits.length = 0;
    const slow = await runBacktest(exp({ ...e, budgets: [...e.budgets, 'natural'] }), memory());
    expect(limits.every((l) => l.limit === undefined)).toBe(true);
    const fast = spied.rows.filter((r) => r.budget !== 'natural');
    expect(slow.rows.filter((r) => r.budget !== 'natural')).toEqual(fast);
  });

  it('K counts the referenced natural list after the allowlist', async () => {
    const exclude = (ip: string) => ip.startsWith('10.');
    const allowed = await runBacktest(exp(), memory(), { exclude });
    let differs = 0;
    for (const date of allowed.scoredDays)
      for (const b of MATCHED) {
        const label = budgetLabel({ sizeOf: b.sizeOf, share: b.share ?? 1 });
        const k = allowed.rows.find(
          (r) => r.date === date && r.model === 'Alpha' && r.budget === label && r.metric === BUDGET_K_METRIC,
        )!.value;
        expect(k).toBe(expectedK(date, b, exclude));
        if (k !== expectedK(date, b)) differs++;
      }
    expect(differs).toBeGreaterThan(5);
  });
});

describe('matched budgets and set cuts in the results', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let run: BacktestRun;
  beforeAll(async () => {
    tmp = await tempDir();
    run = await runBacktest(exp({ budgets: [3, { sizeOf: 'Alpha', share: 0.5 }, 'natural'] }), memory());
  });
  afterAll(async () => tmp.cleanup());

  it('analyzeRun summarises budget_k (mean K over the scored days) and never compares it', () => {
    const analysis = analyzeRun(run);
    const mean =
      run.scoredDays.reduce((s, d) => s + expectedK(d, { sizeOf: 'Alpha', share: 0.5 }), 0) /
      run.scoredDays.length;
    const row = analysis.summary.find(
      (s) => s.model === 'TopVolume' && s.budget === '0.5*size(Alpha)' && s.metric === BUDGET_K_METRIC,
    )!;
    expect(row.n).toBe(run.scoredDays.length);
    expect(row.mean).toBeCloseTo(mean, 12);
    expect(analysis.comparisons.some((c) => c.metric === BUDGET_K_METRIC)).toBe(false);
    expect(analysis.comparisons.some((c) => c.budget === '0.5*size(Alpha)' && c.metric === 'recall')).toBe(
      true,
    );
  });

  it('summary.txt marks the set models’ cuts †, not their natural rows, with the footnote once', () => {
    const text = summaryText(run, analyzeRun(run));
    const tables = text.split(/\n(?=┌)/).map((t) => t.slice(0, t.indexOf('┘') + 1));
    const tableOf = (budget: string) => tables.find((t) => t.includes(`budget ${budget} `))!;
    for (const budget of ['3', '0.5*size(Alpha)']) {
      expect(tableOf(budget)).toMatch(/│ Alpha † +│/);
      expect(tableOf(budget)).toMatch(/│ AllIPs † +│/);
      expect(tableOf(budget)).toMatch(/│ TopVolume +│/);
    }
    expect(tableOf('natural')).toMatch(/│ Alpha +│/);
    expect(tableOf('natural')).not.toContain('†');
    // The matched table has a K column.
    expect(tableOf('0.5*size(Alpha)')).toMatch(/│ budget 0\.5\*size\(Alpha\) +│ K +│ size +│/);
    const note = '† cut of a set list: members ordered by last seen, days active, flows, IP — not a ranking';
    expect(text.split(note)).toHaveLength(2);
  });

  it('manifest.json records the set models; the results read back with matched budget labels', async () => {
    // An empty folder stands for the dataset (its fingerprint hashes the day files there: none).
    const dataset = { ...memory(), dir: tmp.dir };
    const written = await writeResults(join(tmp.dir, 'out'), run, analyzeRun(run), dataset, {
      startedAt: new Date('2024-05-01T00:00:00Z'),
      analysisMs: 1,
    });
    const manifest = JSON.parse(await readFile(join(written.dir, 'manifest.json'), 'utf8'));
    expect(manifest.unrankedModels).toEqual(['Alpha', 'AllIPs']);
    expect(manifest.experiment.budgets).toEqual([3, { sizeOf: 'Alpha', share: 0.5 }, 'natural']);
    const back = await readResultsFolder(written.dir);
    expect(back.manifest.unrankedModels).toEqual(['Alpha', 'AllIPs']);
    expect(new Set(back.perDay.map((r) => r.budget))).toEqual(new Set(['3', '0.5*size(Alpha)', 'natural']));
    expect(back.perDay.filter((r) => r.metric === BUDGET_K_METRIC).length).toBe(run.scoredDays.length * 4);
  });
});
