/**
 * The chart builders on the hand-made results folder of mini-results.ts: the values each spec carries (counted by
 * hand there), NaN left out, charts of metrics the run did not compute skipped, and every spec valid vega-lite
 * (compiles and renders without a vega-lite warning).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  budgetCurves,
  churnOverTime,
  dataOverview,
  dataOverviewDays,
  metricOverTime,
  pairedDifferences,
  type ResultsFolder,
  readResultsFolder,
  renderSvg,
  reportCharts,
  type VegaLiteSpec,
} from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { writeMiniResults } from './mini-results.js';

let results: ResultsFolder;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir('aiplab-charts-test-');
  cleanup = t.cleanup;
  results = await readResultsFolder(await writeMiniResults(t.dir));
});
afterAll(() => cleanup());

type Json = Record<string, unknown>;
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
      expected: [
        { date: '2024-01-01', model: 'Alpha', value: 0.5 },
        { date: '2024-01-01', model: 'Beta', value: 0.1 },
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

  it('colours models in the experiment order, on a UTC day axis', () => {
    const spec = metricOverTime(results, { metric: 'recall', budget: 10 }) as unknown as Json;
    const encoding = spec.encoding as Record<string, Json>;
    expect((encoding.color!.scale as Json).domain).toEqual(['Alpha', 'Beta']);
    expect(encoding.x).toMatchObject({ field: 'date', type: 'temporal', scale: { type: 'utc' } });
    expect((spec.title as Json).text).toBe('recall over time');
  });
});

describe('churnOverTime', () => {
  it('jaccard_previous without the NaN first day; undefined where it was not computed', () => {
    expect(values(churnOverTime(results, { budget: '10' }))).toEqual([
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
  it('x = K on the line, the natural list apart at its mean size; NaN means left out', () => {
    const spec = budgetCurves(results, { metric: 'recall_at_k' });
    const point = (model: string, budget: string, size: number, mean: number, lo: number, hi: number) => ({
      model,
      budget,
      size,
      mean,
      ciLow: lo,
      ciHigh: hi,
      list: budget === 'natural' ? 'natural list' : 'budget K',
    });
    // Layers: CI rules, the line and its points over numeric budgets, the natural diamonds.
    expect(values(spec, { layer: 0 })).toEqual([
      point('Alpha', '10', 10, 0.4, 0.3, 0.5),
      point('Beta', '10', 10, 0.2, 0.1, 0.3),
      point('Alpha', 'natural', 30, 0.6, 0.5, 0.7),
    ]);
    expect(values(spec, { layer: 1 })).toEqual([
      point('Alpha', '10', 10, 0.4, 0.3, 0.5),
      point('Beta', '10', 10, 0.2, 0.1, 0.3),
    ]);
    expect(values(spec, { layer: 3 })).toEqual([point('Alpha', 'natural', 30, 0.6, 0.5, 0.7)]);
  });

  it('a mean without a CI has no CI rule; a metric not summarised has no chart', () => {
    const spec = budgetCurves(results, { metric: 'coverage_flows' }) as unknown as Json;
    const marks = (spec.layer as Json[]).map((l) => (l.mark as Json).type);
    expect(marks).toEqual(['line', 'point']);
    expect(budgetCurves(results, { metric: 'precision_at_k' })).toBeUndefined();
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
      ['budget-recall-at-k', 'Budgets'],
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
