/**
 * The chart builders on the hand-made results folder of mini-results.ts: the values each spec carries (counted by
 * hand there), a day without a value a gap in its line (null, and no segment across it in the rendered SVG), charts of
 * metrics the run did not compute skipped, every model styled apart (colour, dash, shape), and every spec valid
 * vega-lite (compiles and renders without a vega-lite warning).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  budgetCurves,
  churnOverTime,
  dataOverview,
  metricOverTime,
  pairedDifferences,
  type ResultsFolder,
  readResultsFolder,
  renderSvg,
  reportCharts,
  type VegaLiteSpec,
} from '../../src/index.js';
import { dataOverviewDays } from '../../src/reports/data-overview-days.js';
import { tempDir } from '../helpers.js';
import { MINI_MANIFEST, miniFiles, writeMiniResults } from './mini-results.js';

let results: ResultsFolder;
/** The same folder without its middle day 2024-01-02: no row of it in per_day.csv, a missing day of the data. */
let gap: ResultsFolder;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir('aiplab-charts-test-');
  cleanup = t.cleanup;
  results = await readResultsFolder(await writeMiniResults(join(t.dir, 'full')));
  const perDay = miniFiles()
    ['per_day.csv']!.split('\n')
    .filter((line) => !line.startsWith('2024-01-02,'));
  const manifest = { ...MINI_MANIFEST, dataset: { ...MINI_MANIFEST.dataset, missingDays: ['2024-01-02'] } };
  gap = await readResultsFolder(
    await writeMiniResults(join(t.dir, 'gap'), {
      'per_day.csv': perDay.join('\n'),
      'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    }),
  );
});
afterAll(() => cleanup());

type Json = Record<string, unknown>;
/**
 * The line marks of a rendered chart, by model: the path's drawing commands (`M` starts a piece, `L` draws a segment).
 * vega labels each line path with its first point's fields ("date: …; value: …; model: Alpha").
 */
function linePaths(svg: string): Map<string, string> {
  const paths = new Map<string, string>();
  for (const m of svg.matchAll(
    /<path aria-label="([^"]*)"[^>]*aria-roledescription="line mark" d="([^"]*)"/g,
  ))
    paths.set(/model: ([^;"]+)/.exec(m[1]!)![1]!, m[2]!);
  return paths;
}

/** The inline data of a spec, of one of its layers (`layer`) or concatenated panels (`vconcat`). */
function values(spec: VegaLiteSpec | undefined, part?: { layer?: number; vconcat?: number }): Json[] {
  let s = spec as unknown as Json;
  if (part?.layer !== undefined) s = (s.layer as Json[])[part.layer]!;
  if (part?.vconcat !== undefined) s = (s.vconcat as Json[])[part.vconcat]!;
  return (s.data as { values: Json[] }).values;
}

describe('metricOverTime', () => {
  it.each([
    {
      metric: 'recall',
      budget: 10,
      // Alpha's NaN of 2024-01-02 is a null: its line breaks there.
      expected: [
        { date: '2024-01-01', model: 'Alpha', value: 0.5 },
        { date: '2024-01-01', model: 'Beta', value: 0.1 },
        { date: '2024-01-02', model: 'Alpha', value: null },
        { date: '2024-01-02', model: 'Beta', value: 0.2 },
        { date: '2024-01-03', model: 'Alpha', value: 0.25 },
        { date: '2024-01-03', model: 'Beta', value: 0.3 },
      ],
    },
    {
      metric: 'recall',
      budget: 'natural',
      expected: [
        { date: '2024-01-01', model: 'Alpha', value: 0.6 },
        { date: '2024-01-02', model: 'Alpha', value: 0.7 },
        { date: '2024-01-03', model: 'Alpha', value: 0.8 },
      ],
    },
    { metric: 'precision', budget: 10, expected: undefined },
    { metric: 'recall', budget: 5000, expected: undefined },
    { metric: 'recall', budget: 10, horizon: 1, expected: undefined },
  ])('$metric at $budget (horizon $horizon)', ({ metric, budget, horizon, expected }) => {
    const spec = metricOverTime(results, { metric, budget, ...(horizon !== undefined ? { horizon } : {}) });
    if (expected === undefined) expect(spec).toBeUndefined();
    else expect(values(spec)).toEqual(expected);
  });

  it('styles models in the experiment order (colour, dash on the line, shape on the points), on a UTC day axis', () => {
    const spec = metricOverTime(results, { metric: 'recall', budget: 10 }) as unknown as Json;
    const [line, points] = (spec.layer as Json[]).map((l) => l.encoding as Record<string, Json>);
    for (const channel of [line!.color!, line!.strokeDash!, points!.color!, points!.shape!])
      expect(channel).toMatchObject({ field: 'model', title: 'model', scale: { domain: ['Alpha', 'Beta'] } });
    expect((line!.color!.scale as Json).range).toEqual(['#4c78a8', '#f58518']);
    expect((line!.strokeDash!.scale as Json).range).toEqual([
      [1, 0],
      [6, 3],
    ]);
    expect((points!.shape!.scale as Json).range).toEqual(['circle', 'square']);
    expect(line!.x).toMatchObject({ field: 'date', type: 'temporal', scale: { type: 'utc' } });
    expect((spec.title as Json).text).toBe('recall over time');
  });

  it('a missing day is a gap: null for every model, and no segment across it in the SVG', async () => {
    expect(values(metricOverTime(gap, { metric: 'recall', budget: 10 }))).toEqual([
      { date: '2024-01-01', model: 'Alpha', value: 0.5 },
      { date: '2024-01-01', model: 'Beta', value: 0.1 },
      { date: '2024-01-02', model: 'Alpha', value: null },
      { date: '2024-01-02', model: 'Beta', value: null },
      { date: '2024-01-03', model: 'Alpha', value: 0.25 },
      { date: '2024-01-03', model: 'Beta', value: 0.3 },
    ]);
    // The full folder: Beta's line runs through its three days (two segments); Alpha's is broken at its NaN day.
    const full = linePaths(await renderSvg(metricOverTime(results, { metric: 'recall', budget: 10 })!));
    expect(full.get('Beta')!.match(/L/g)).toHaveLength(2);
    expect(full.get('Alpha')).not.toContain('L');
    // Without 2024-01-02 neither line has a segment: the days either side stand alone.
    const broken = linePaths(await renderSvg(metricOverTime(gap, { metric: 'recall', budget: 10 })!));
    expect([...broken.keys()].sort()).toEqual(['Alpha', 'Beta']);
    for (const d of broken.values()) expect(d).not.toContain('L');
  });

  it('names models whose lines coincide every day', () => {
    const twin = {
      ...results,
      perDay: [
        ...results.perDay.filter((r) => r.model !== 'Beta' || r.budget !== '10' || r.metric !== 'recall'),
        // Beta's recall at 10 made Alpha's, NaN day included.
        ...results.perDay
          .filter((r) => r.model === 'Alpha' && r.budget === '10' && r.metric === 'recall')
          .map((r) => ({ ...r, model: 'Beta' })),
      ],
    };
    const subtitle = (r: typeof results) =>
      [
        ((metricOverTime(r, { metric: 'recall', budget: 10 }) as unknown as Json).title as Json).subtitle,
      ].flat();
    expect(subtitle(twin)).toContain('drawn on top of each other (the same values throughout): Alpha = Beta');
    expect(subtitle(results).join('\n')).not.toContain('on top of each other');
  });

  it('markers past three months only when a value stands alone between gaps', () => {
    // 100 days of one model: every day a value, then the same with days 50 and 52 empty (day 51 alone).
    const days = Array.from({ length: 100 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    );
    const long = (empty: number[]) => ({
      ...results,
      manifest: {
        ...results.manifest,
        experiment: { ...results.manifest.experiment, from: days[0]!, to: days[99]! },
      },
      perDay: days.map((date, i) => ({
        date,
        model: 'Alpha',
        budget: '10',
        metric: 'recall',
        value: empty.includes(i) ? Number.NaN : 0.5,
      })),
    });
    const marks = (r: ReturnType<typeof long>) =>
      ((metricOverTime(r, { metric: 'recall', budget: 10 }) as unknown as Json).layer as Json[]).map(
        (l) => (l.mark as Json).type,
      );
    expect(marks(long([]))).toEqual(['line']);
    expect(marks(long([50]))).toEqual(['line']);
    expect(marks(long([50, 52]))).toEqual(['line', 'point']);
  });
});

describe('churnOverTime', () => {
  it('jaccard_previous with the NaN first day as null; undefined where it was not computed', () => {
    expect(values(churnOverTime(results, { budget: '10' }))).toEqual([
      { date: '2024-01-01', model: 'Alpha', value: null },
      { date: '2024-01-01', model: 'Beta', value: null },
      { date: '2024-01-02', model: 'Alpha', value: 0.5 },
      { date: '2024-01-02', model: 'Beta', value: 0.25 },
      { date: '2024-01-03', model: 'Alpha', value: 1 },
      { date: '2024-01-03', model: 'Beta', value: 0.75 },
    ]);
    expect(churnOverTime(results, { budget: 'natural' })).toBeUndefined();
  });
});

describe('dataOverview', () => {
  it('returning = attackers × oracle ceiling, new = the rest (by hand)', () => {
    expect(dataOverviewDays(results)).toEqual([
      { date: '2024-01-01', attackers: 10, returning: 0, new: 10, oracleCeiling: 0 },
      { date: '2024-01-02', attackers: 20, returning: 7, new: 13, oracleCeiling: 0.35 },
      { date: '2024-01-03', attackers: 8, returning: 5, new: 3, oracleCeiling: 0.625 },
    ]);
    const spec = dataOverview(results);
    expect(values(spec, { vconcat: 0 })).toEqual([
      { date: '2024-01-01', kind: 'returning (seen before)', count: 0 },
      { date: '2024-01-01', kind: 'new', count: 10 },
      { date: '2024-01-02', kind: 'returning (seen before)', count: 7 },
      { date: '2024-01-02', kind: 'new', count: 13 },
      { date: '2024-01-03', kind: 'returning (seen before)', count: 5 },
      { date: '2024-01-03', kind: 'new', count: 3 },
    ]);
    expect(values(spec, { vconcat: 1 })).toEqual([
      { date: '2024-01-01', ceiling: 0 },
      { date: '2024-01-02', ceiling: 0.35 },
      { date: '2024-01-03', ceiling: 0.625 },
    ]);
  });

  it('a missing day: no bar, and the ceiling line breaks (null)', () => {
    const spec = dataOverview(gap);
    expect(values(spec, { vconcat: 0 }).map((b) => b.date)).toEqual([
      '2024-01-01',
      '2024-01-01',
      '2024-01-03',
      '2024-01-03',
    ]);
    expect(values(spec, { vconcat: 1 })).toEqual([
      { date: '2024-01-01', ceiling: 0 },
      { date: '2024-01-02', ceiling: null },
      { date: '2024-01-03', ceiling: 0.625 },
    ]);
  });

  it('without oracle_ceiling: unsplit bars, no ceiling panel; without attackers: no chart', () => {
    const noCeiling = { ...results, perDay: results.perDay.filter((r) => r.metric !== 'oracle_ceiling') };
    const spec = dataOverview(noCeiling) as unknown as Json;
    expect(spec.vconcat).toHaveLength(1);
    expect(values(spec as unknown as VegaLiteSpec, { vconcat: 0 })).toEqual([
      { date: '2024-01-01', kind: 'attackers', count: 10 },
      { date: '2024-01-02', kind: 'attackers', count: 20 },
      { date: '2024-01-03', kind: 'attackers', count: 8 },
    ]);
    const noAttackers = { ...results, perDay: results.perDay.filter((r) => r.metric !== 'attackers') };
    expect(dataOverview(noAttackers)).toBeUndefined();
  });
});

describe('budgetCurves', () => {
  const point = (model: string, budget: string, size: number, mean: number, lo: number, hi: number) => ({
    model,
    budget,
    size,
    mean,
    ciLow: lo,
    ciHigh: hi,
    list: budget === 'natural' ? 'natural list' : 'budget K',
  });

  it('recall: x = K on the line, the natural list apart at its mean size, labelled; NaN means left out', () => {
    const spec = budgetCurves(results, { metric: 'recall' });
    // Layers: CI rules, the line and its points over numeric budgets, the natural markers and their labels.
    expect(values(spec, { layer: 0 })).toEqual([
      point('Alpha', '10', 10, 0.375, 0.25, 0.5),
      point('Beta', '10', 10, 0.2, 0.1, 0.3),
      point('Alpha', 'natural', 30, 0.7, 0.6, 0.8),
    ]);
    expect(values(spec, { layer: 1 })).toEqual([
      point('Alpha', '10', 10, 0.375, 0.25, 0.5),
      point('Beta', '10', 10, 0.2, 0.1, 0.3),
    ]);
    expect(values(spec, { layer: 3 })).toEqual([point('Alpha', 'natural', 30, 0.7, 0.6, 0.8)]);
    const layers = (spec as unknown as Json).layer as Json[];
    expect(layers.map((l) => (l.mark as Json).type)).toEqual(['rule', 'line', 'point', 'point', 'text']);
    expect((layers[4]!.encoding as Json).text).toEqual({ value: 'natural' });
    const encoding = (layer: number) => layers[layer]!.encoding as Record<string, Json>;
    expect(Object.keys(encoding(1))).toEqual(['x', 'y', 'color', 'strokeDash']);
    expect(Object.keys(encoding(2))).toEqual(['x', 'y', 'color', 'shape']);
    expect(Object.keys(encoding(3))).toEqual(['x', 'y', 'color', 'shape']);
  });

  it('recall_at_k: no natural point (undefined without a K), even where an old folder holds a value', () => {
    // mini-results holds Alpha's natural recall_at_k 0.6, as folders written before the definition changed do.
    const spec = budgetCurves(results, { metric: 'recall_at_k' });
    expect(values(spec, { layer: 0 })).toEqual([
      point('Alpha', '10', 10, 0.4, 0.3, 0.5),
      point('Beta', '10', 10, 0.2, 0.1, 0.3),
    ]);
    const layers = (spec as unknown as Json).layer as Json[];
    expect(layers.map((l) => (l.mark as Json).type)).toEqual(['rule', 'line', 'point']);
    expect([((spec as unknown as Json).title as Json).subtitle].flat().join('\n')).toContain(
      'recall_at_k is undefined for a natural list',
    );
  });

  it('a results object whose rows are replaced after a first chart is charted afresh', () => {
    const copy = { ...results };
    const models = (spec: VegaLiteSpec | undefined) => [...new Set(values(spec).map((v) => v.model))].sort();
    expect(models(metricOverTime(copy, { metric: 'recall', budget: 10 }))).toEqual(['Alpha', 'Beta']);
    copy.perDay = results.perDay.filter((r) => r.model !== 'Beta');
    expect(models(metricOverTime(copy, { metric: 'recall', budget: 10 }))).toEqual(['Alpha']);
  });

  it('recall_at_k at a later horizon (recall_at_k_h1) has no natural point either', () => {
    const h1 = {
      ...results,
      summary: results.summary.map((r) =>
        r.metric === 'recall_at_k' ? { ...r, metric: 'recall_at_k_h1' } : r,
      ),
    };
    const spec = budgetCurves(h1, { metric: 'recall_at_k_h1' });
    expect(values(spec, { layer: 0 })).toEqual([
      point('Alpha', '10', 10, 0.4, 0.3, 0.5),
      point('Beta', '10', 10, 0.2, 0.1, 0.3),
    ]);
  });

  it('a mean without a CI has no CI rule; a metric not summarised has no chart', () => {
    const spec = budgetCurves(results, { metric: 'coverage_flows' }) as unknown as Json;
    const marks = (spec.layer as Json[]).map((l) => (l.mark as Json).type);
    expect(marks).toEqual(['line', 'point']);
    expect(budgetCurves(results, { metric: 'precision_at_k' })).toBeUndefined();
  });
});

describe('model styles', () => {
  it('each of 280 models has a style of its own; the first 7 differ in colour, dash and shape alike', () => {
    const labels = Array.from({ length: 280 }, (_, i) => `M${i}`);
    const many = {
      ...results,
      manifest: {
        ...results.manifest,
        experiment: {
          ...results.manifest.experiment,
          models: labels.map((label) => ({ name: 'Alpha', label, params: {} })),
        },
      },
      perDay: labels.map((model, i) => ({
        date: '2024-01-01',
        model,
        budget: '10',
        metric: 'recall',
        value: i,
      })),
    };
    const spec = metricOverTime(many, { metric: 'recall', budget: 10 }) as unknown as Json;
    const [line, points] = (spec.layer as Json[]).map((l) => l.encoding as Record<string, Json>);
    const range = (channel: Json) =>
      (channel.scale as { range: unknown[] }).range.map((v) => JSON.stringify(v));
    const color = range(line!.color!);
    const dash = range(line!.strokeDash!);
    const shape = range(points!.shape!);
    expect(new Set(labels.map((_, i) => `${color[i]} ${dash[i]} ${shape[i]}`)).size).toBe(280);
    for (const r of [color, dash, shape]) expect(new Set(r.slice(0, 7)).size).toBe(7);
    // Models in the experiment's order keep their style in every chart: the domain is the experiment's.
    expect((line!.color!.scale as Json).domain).toEqual(labels);
  });
});

describe('pairedDifferences', () => {
  it.each([
    {
      metric: 'recall',
      expected: [
        {
          pair: 'Alpha − Beta',
          budget: 'budget K = 10',
          meanDiff: 0.1,
          ciLow: 0.05,
          ciHigh: 0.2,
          significance: 'not significant',
        },
      ],
    },
    {
      metric: 'f1',
      expected: [
        {
          pair: 'Alpha − Beta',
          budget: 'budget K = 10',
          meanDiff: -0.2,
          ciLow: -0.3,
          ciHigh: -0.1,
          significance: 'significant (Holm)',
        },
      ],
    },
    { metric: 'ndcg', expected: undefined },
  ])('$metric', ({ metric, expected }) => {
    const spec = pairedDifferences(results, { metric });
    if (expected === undefined) expect(spec).toBeUndefined();
    else expect(values(spec)).toEqual(expected);
  });

  it('states the CI level of the run', () => {
    const spec = pairedDifferences(results, { metric: 'recall' }) as unknown as Json;
    expect((spec.title as Json).subtitle).toContain('90% bootstrap CI');
  });
});

describe('reportCharts', () => {
  it('lists the charts whose metrics were computed, in report order', () => {
    expect(reportCharts(results).map((c) => [c.name, c.section])).toEqual([
      ['data-overview', 'Data'],
      ['budget-recall', 'Budgets'],
      ['budget-coverage-flows', 'Budgets'],
      ['paired-recall', 'Paired differences'],
      ['paired-f1', 'Paired differences'],
      ['time-recall-10', 'Over time: budget K = 10'],
      ['churn-10', 'Over time: budget K = 10'],
      ['time-recall-natural', 'Over time: natural list (model rule)'],
    ]);
  });

  it('every spec is inline-data vega-lite that renders to SVG without a warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    try {
      for (const chart of reportCharts(results)) {
        expect(JSON.stringify(chart.spec)).not.toMatch(/"url"\s*:/);
        const svg = await renderSvg(chart.spec);
        expect(svg.startsWith('<svg'), chart.name).toBe(true);
        expect(svg).toContain(chart.name.startsWith('data') ? 'Data overview' : chart.title.split(/[,:]/)[0]);
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
