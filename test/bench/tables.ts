import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as aq from 'arquero';
import { parse as csvParse } from 'csv-parse/sync';
import { readExperiment, runExperiment } from '../../src/index.js';
import { comparisonsCsv, perDayCsv, summaryCsv } from '../../src/results/csv.js';
import { readResultsFolder } from '../../src/results/read-results-folder.js';
import type { ComparisonRow, PerDayRow, SummaryRow } from '../../src/results/rows.js';
import { metricTable, resultsTables, summaryByModel } from '../../src/results/tables.js';
import { BENCH_DIR, type BenchLine, ROOT, seeded } from './common.js';

/**
 * Arquero against the plain loops it replaces (issue 14, item 6), on two results folders: a real one
 * (experiments/aip-baseline.json, run once into .bench/tables/), and a generated one of a synthetic year's shape
 * (365 days × 12 models × 2 budgets × 60 metric columns: 525 600 per-day rows, the size experiments/synthetic-year.json
 * writes). Each step is timed in this process: the median over a few repeats of its CPU time (user + system,
 * process.cpuUsage) and wall time, after one warm-up run. The steps:
 * - read: readResultsFolder (csv-parse, every cell checked, typed rows) against arquero's own CSV parser (fromCSV on
 *   the three files, no checks); then the parsers alone on per_day.csv (csv-parse's records against fromCSV);
 * - tables: resultsTables over the typed rows (what a notebook pays to get arquero tables);
 * - group: the mean and count of valid values of each (model, budget, metric) over the days: a Map loop over the rows
 *   against groupby + rollup on the table;
 * - pivot: one metric at one budget wide by model (the report's and a notebook's time series): a loop against
 *   metricTable (from the rows: its table conversion included);
 * - summary: the notebooks' table of means by model × metric at one budget: `summary.find` per cell (as the notebooks
 *   did), a Map index, and summaryByModel.
 * Each pair is checked to agree before it is timed.
 */
export async function benchTables(): Promise<BenchLine[]> {
  const real = await aipBaseline();
  const big = syntheticYear(real);
  const lines: BenchLine[] = [];
  for (const [label, dir, repeats] of [
    ['aip-baseline', real, 7],
    ['synthetic year', big, 3],
  ] as const) {
    const folder = await readResultsFolder(dir);
    lines.push({
      name: `${label} folder`,
      value: `${folder.perDay.length} per-day, ${folder.summary.length} summary, ${folder.comparisons.length} comparison rows`,
    });
    const budget = folder.summary[0]!.budget;
    const perDayText = readFileSync(join(dir, 'per_day.csv'), 'utf8');
    const pairs: [string, () => unknown, () => unknown, ((a: unknown, b: unknown) => void)?][] = [
      ['read', () => readResultsFolder(dir), () => readWithArquero(dir)],
      ['parse per_day.csv', () => csvParse(perDayText), () => aq.fromCSV(perDayText, { parse: KEEP_TEXT })],
      ['group', () => loopMeans(folder.perDay), () => arqueroMeans(resultsTables(folder).perDay), sameMeans],
      [
        'group (table made)',
        () => loopMeans(folder.perDay),
        () => arqueroMeans(tablesOf(folder).perDay),
        sameMeans,
      ],
      [
        'pivot',
        () => loopMetric(folder.perDay, 'recall', budget),
        () => metricTable(folder, 'recall', budget),
        sameWide('date'),
      ],
      [
        'summary',
        () => findSummary(folder.summary, budget),
        () => summaryByModel(folder, { budget }),
        sameWide('model'),
      ],
    ];
    for (const [step, loop, arquero, same] of pairs) {
      if (same) same(await loop(), await arquero());
      const a = await timed(loop, repeats);
      const b = await timed(arquero, repeats);
      const what =
        step === 'read'
          ? 'readResultsFolder / arquero fromCSV'
          : step.startsWith('parse')
            ? 'csv-parse / arquero fromCSV'
            : 'loop / arquero';
      lines.push({
        name: `${label}: ${step}`,
        value: `${what}: ${show(a)} / ${show(b)} CPU (wall ${a.wallMs.toFixed(1)} / ${b.wallMs.toFixed(1)} ms)`,
      });
    }
    const convert = await timed(() => resultsTables(folder), repeats);
    lines.push({ name: `${label}: tables`, value: `resultsTables from the rows: ${show(convert)} CPU` });
    const index = await timed(() => indexedSummary(folder.summary, budget), repeats);
    lines.push({ name: `${label}: summary (Map)`, value: `a Map index instead of find: ${show(index)} CPU` });
  }
  return lines;
}

const show = (t: Timing) => `${t.cpuMs.toFixed(1)} ms`;

/** The arquero tables of a folder, built once and kept (the 'group (table made)' step times the grouping alone). */
const built = new WeakMap<object, ReturnType<typeof resultsTables>>();
function tablesOf(folder: Parameters<typeof resultsTables>[0]) {
  const t = built.get(folder) ?? resultsTables(folder);
  built.set(folder, t);
  return t;
}

interface Timing {
  cpuMs: number;
  wallMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median CPU and wall milliseconds of `f` over `repeats` runs, after one warm-up run. */
async function timed(f: () => unknown, repeats: number): Promise<Timing> {
  await f();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { cpuMs: median(cpu), wallMs: median(wall) };
}

/** experiments/aip-baseline.json run once into .bench/tables/ (reused), and its run folder. */
async function aipBaseline(): Promise<string> {
  const out = join(BENCH_DIR, 'tables');
  const root = join(out, 'aip-baseline');
  const existing = existsSync(root)
    ? readdirSync(root).filter((d) => existsSync(join(root, d, 'comparisons.csv')))
    : [];
  if (existing.length > 0) return join(root, existing.sort().at(-1)!);
  process.stderr.write('running experiments/aip-baseline.json into .bench/tables/ ...\n');
  const experiment = await readExperiment(join(ROOT, 'experiments', 'aip-baseline.json'));
  const { written } = await runExperiment(experiment, { out });
  return written!.dir;
}

/**
 * A results folder of a synthetic year's shape, generated (seeded) beside the real one, with its manifest: values
 * uniform in [0, 1), one in twenty NaN.
 */
function syntheticYear(real: string): string {
  const dir = join(BENCH_DIR, 'tables', 'synthetic-year');
  if (existsSync(join(dir, 'comparisons.csv'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const random = seeded(14);
  const value = () => (random() < 0.05 ? Number.NaN : random());
  const models = Array.from({ length: 12 }, (_, i) => `Model_${i + 1}`);
  const budgets = ['1000', '10000'];
  const metrics = Array.from({ length: 60 }, (_, i) => (i === 0 ? 'recall' : `metric_${i}`));
  const days = Array.from({ length: 365 }, (_, i) =>
    new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
  );
  const perDay: PerDayRow[] = [];
  for (const date of days)
    for (const model of models)
      for (const budget of budgets)
        for (const metric of metrics) perDay.push({ date, model, budget, metric, value: value() });
  const summary: SummaryRow[] = [];
  for (const model of models)
    for (const budget of budgets)
      for (const metric of metrics) {
        const [mean, spread] = [random(), random() / 10];
        summary.push({
          model,
          budget,
          metric,
          n: days.length,
          mean,
          median: mean,
          q1: mean - spread,
          q3: mean + spread,
          iqr: 2 * spread,
          ciLow: mean - spread,
          ciHigh: mean + spread,
          higherIsBetter: true,
        });
      }
  const comparisons: ComparisonRow[] = [];
  for (const metric of metrics)
    for (const budget of budgets)
      for (let i = 0; i < models.length; i++)
        for (let j = i + 1; j < models.length; j++) {
          const d = random() - 0.5;
          comparisons.push({
            metric,
            budget,
            modelA: models[i]!,
            modelB: models[j]!,
            n: days.length,
            meanDiff: d,
            medianDiff: d,
            ciLow: d - 0.1,
            ciHigh: d + 0.1,
            wins: 200,
            losses: 160,
            ties: 5,
            pValue: random(),
            pHolm: random(),
            significant: false,
            verdict: `${models[i]} is ahead of ${models[j]} on ${metric} at budget ${budget} but not significantly`,
          });
        }
  writeFileSync(join(dir, 'manifest.json'), readFileSync(join(real, 'manifest.json')));
  writeFileSync(join(dir, 'per_day.csv'), perDayCsv(perDay));
  writeFileSync(join(dir, 'summary.csv'), summaryCsv(summary));
  writeFileSync(join(dir, 'comparisons.csv'), comparisonsCsv(comparisons));
  return dir;
}

/** per_day.csv's columns that arquero would otherwise type: dates and budgets stay text, 'NaN' becomes NaN. */
const KEEP_TEXT = { date: String, budget: String, value: Number };

/** The three CSV files through arquero's parser: dates and budgets kept as text, NaN as a number, nothing checked. */
function readWithArquero(dir: string) {
  const text = (name: string) => readFileSync(join(dir, name), 'utf8');
  return {
    perDay: aq.fromCSV(text('per_day.csv'), { parse: KEEP_TEXT }),
    summary: aq.fromCSV(text('summary.csv'), { parse: { budget: String } }),
    comparisons: aq.fromCSV(text('comparisons.csv'), { parse: { budget: String } }),
  };
}

type Means = Map<string, { mean: number; n: number }>;

/** Mean and count of the valid (non-NaN) values of each (model, budget, metric): the loop. */
function loopMeans(rows: readonly PerDayRow[]): Means {
  const acc = new Map<string, { sum: number; n: number }>();
  for (const r of rows) {
    const key = `${r.model}\t${r.budget}\t${r.metric}`;
    let a = acc.get(key);
    if (!a) {
      a = { sum: 0, n: 0 };
      acc.set(key, a);
    }
    if (Number.isNaN(r.value)) continue;
    a.sum += r.value;
    a.n++;
  }
  const out: Means = new Map();
  for (const [key, a] of acc) out.set(key, { mean: a.n ? a.sum / a.n : Number.NaN, n: a.n });
  return out;
}

/** The same with arquero (its mean updates a running mean: equal to the loop's to 1e-12, relative). */
function arqueroMeans(perDay: aq.ColumnTable): aq.ColumnTable {
  return perDay
    .groupby('model', 'budget', 'metric')
    .rollup({ mean: aq.op.mean('value'), n: aq.op.valid('value') });
}

function sameMeans(loop: unknown, arquero: unknown): void {
  const means = loop as Means;
  const t = arquero as aq.ColumnTable;
  if (t.numRows() !== means.size) throw new Error(`group: ${t.numRows()} groups, the loop ${means.size}`);
  for (const row of t.objects() as {
    model: string;
    budget: string;
    metric: string;
    mean: number;
    n: number;
  }[]) {
    const m = means.get(`${row.model}\t${row.budget}\t${row.metric}`);
    const mean = row.n === 0 ? Number.NaN : row.mean;
    if (
      !m ||
      m.n !== row.n ||
      !(Object.is(m.mean, mean) || Math.abs(m.mean - mean) <= 1e-12 * Math.max(1, Math.abs(mean)))
    )
      throw new Error(`group: ${JSON.stringify(row)} against ${JSON.stringify(m)}`);
  }
}

type Wide = Record<string, string | number>[];

/** One metric at one budget, one row per date and a column per model: the loop. */
function loopMetric(rows: readonly PerDayRow[], metric: string, budget: string): Wide {
  const byDate = new Map<string, Record<string, string | number>>();
  const models: string[] = [];
  for (const r of rows) {
    if (r.metric !== metric || r.budget !== budget) continue;
    let row = byDate.get(r.date);
    if (!row) {
      row = { date: r.date };
      byDate.set(r.date, row);
    }
    if (!models.includes(r.model)) models.push(r.model);
    row[r.model] = r.value;
  }
  return [...byDate.keys()].sort().map((date) => {
    const row = byDate.get(date)!;
    return Object.fromEntries([['date', date], ...models.map((m) => [m, row[m] ?? Number.NaN])]);
  });
}

/** The notebooks' way: one `find` over the summary per (model, metric) cell. */
function findSummary(summary: readonly SummaryRow[], budget: string): Wide {
  const models = [...new Set(summary.map((s) => s.model))];
  const metrics = [...new Set(summary.filter((s) => s.budget === budget).map((s) => s.metric))];
  return models.map((model) => ({
    model,
    ...Object.fromEntries(
      metrics.map((metric) => [
        metric,
        summary.find((s) => s.model === model && s.metric === metric && s.budget === budget)?.mean ??
          Number.NaN,
      ]),
    ),
  }));
}

/** The same through a Map index built once. */
function indexedSummary(summary: readonly SummaryRow[], budget: string): Wide {
  const index = new Map<string, number>();
  const models: string[] = [];
  const metrics: string[] = [];
  for (const s of summary) {
    if (s.budget !== budget) continue;
    if (!models.includes(s.model)) models.push(s.model);
    if (!metrics.includes(s.metric)) metrics.push(s.metric);
    index.set(`${s.model}\t${s.metric}`, s.mean);
  }
  return models.map((model) => ({
    model,
    ...Object.fromEntries(metrics.map((m) => [m, index.get(`${model}\t${m}`) ?? Number.NaN])),
  }));
}

function sameWide(key: string) {
  return (loop: unknown, arquero: unknown): void => {
    const rows = loop as Wide;
    const got = (arquero as aq.ColumnTable).objects() as Wide;
    const text = (w: Wide) => JSON.stringify(w, (_, v) => (Number.isNaN(v) ? 'NaN' : v));
    if (text(rows) !== text(got))
      throw new Error(`${key} table: the loop and arquero differ (${text(rows).slice(0, 200)} …)`);
  };
}
