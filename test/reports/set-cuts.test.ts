/**
 * Matched budgets and set-list cuts in the results readers, the charts and the report, on a variant of the hand-made
 * folder of mini-results.ts: Alpha is a set model (manifest.unrankedModels), and a third budget 0.5*size(Alpha) has
 * by hand: K 10, 20, 15 (mean 15); recall Alpha 0.5, 0.4, 0.3 and Beta 0.2, 0.1, 0.3; recall_at_k means Alpha 0.45,
 * Beta 0.25; a comparison of recall Alpha − Beta 0.2.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  budgetCurves,
  DataError,
  metricOverTime,
  pairedDifferences,
  type ResultsFolder,
  readResultsFolder,
  renderSvg,
  reportCharts,
  type VegaLiteSpec,
  writeReport,
} from '../../src/index.js';
import { tempDir } from '../helpers.js';
import { MINI_MANIFEST, miniFiles, writeMiniResults } from './mini-results.js';

const M = '0.5*size(Alpha)';
const NOTE = '† cut of a set list: members ordered by last seen, days active, flows, IP — not a ranking';

function files() {
  const base = miniFiles();
  const manifest = {
    ...MINI_MANIFEST,
    experiment: { ...MINI_MANIFEST.experiment, budgets: [10, { sizeOf: 'Alpha', share: 0.5 }, 'natural'] },
    unrankedModels: ['Alpha'],
  };
  const days = ['2024-01-01', '2024-01-02', '2024-01-03'];
  const k = [10, 20, 15];
  const recall = { Alpha: [0.5, 0.4, 0.3], Beta: [0.2, 0.1, 0.3] };
  const perDay = days.flatMap((date, i) =>
    (['Alpha', 'Beta'] as const).flatMap((model) => [
      `${date},${model},${M},recall,${recall[model][i]}`,
      `${date},${model},${M},budget_k,${k[i]}`,
    ]),
  );
  return {
    'manifest.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'per_day.csv': `${base['per_day.csv']}${perDay.join('\n')}\n`,
    'summary.csv': `${base['summary.csv']}${[
      `Alpha,${M},size,3,15,15,12.5,17.5,5,10,20,false`,
      `Beta,${M},size,3,15,15,12.5,17.5,5,10,20,false`,
      `Alpha,${M},budget_k,3,15,15,12.5,17.5,5,10,20,false`,
      `Beta,${M},budget_k,3,15,15,12.5,17.5,5,10,20,false`,
      `Alpha,${M},recall_at_k,3,0.45,0.45,0.4,0.5,0.1,0.4,0.5,true`,
      `Beta,${M},recall_at_k,3,0.25,0.25,0.2,0.3,0.1,0.2,0.3,true`,
    ].join('\n')}\n`,
    'comparisons.csv': `${base['comparisons.csv']}recall,${M},Alpha,Beta,3,0.2,0.2,0.1,0.3,2,0,1,0.25,0.5,false,Alpha is ahead of Beta\n`,
  };
}

type Json = Record<string, unknown>;
const values = (spec: VegaLiteSpec | undefined, layer?: number): Json[] => {
  let s = spec as unknown as Json;
  if (layer !== undefined) s = (s.layer as Json[])[layer]!;
  return (s.data as { values: Json[] }).values;
};
const subtitle = (spec: VegaLiteSpec | undefined) =>
  [((spec as unknown as Json).title as Json).subtitle].flat().join('\n');

let results: ResultsFolder;
let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const t = await tempDir('aiplab-set-cuts-');
  cleanup = t.cleanup;
  dir = await writeMiniResults(t.dir, files());
  results = await readResultsFolder(dir);
});
afterAll(() => cleanup());

describe('readResultsFolder', () => {
  it('reads matched budget labels and the set models', () => {
    expect(results.manifest.unrankedModels).toEqual(['Alpha']);
    expect(results.manifest.experiment.budgets).toEqual([10, { sizeOf: 'Alpha', share: 0.5 }, 'natural']);
    expect(results.perDay.filter((r) => r.budget === M)).toHaveLength(12);
    expect(results.comparisons.at(-1)!.budget).toBe(M);
  });

  it('a folder written before set models were recorded has none', async () => {
    const t = await tempDir('aiplab-set-cuts-old-');
    try {
      const old = await readResultsFolder(await writeMiniResults(t.dir));
      expect(old.manifest.unrankedModels).toEqual([]);
    } finally {
      await t.cleanup();
    }
  });

  it.each(['size()', '0.5*size', 'half*size(Alpha)', 'size(Alpha', '0*', 'size(Al pha)'])(
    'refuses the budget %j, naming file, line and field',
    async (bad) => {
      const t = await tempDir('aiplab-set-cuts-bad-');
      try {
        const f = files();
        const lines = f['per_day.csv'].split('\n');
        lines[1] = `2024-01-01,Alpha,${bad},recall,0.5`;
        await writeMiniResults(t.dir, { ...f, 'per_day.csv': lines.join('\n') });
        const error = await readResultsFolder(t.dir).catch((e) => e);
        expect(error).toBeInstanceOf(DataError);
        expect(error.message).toMatch(/per_day\.csv:2: field 'budget': expected a budget/);
      } finally {
        await t.cleanup();
      }
    },
  );
});

describe('charts', () => {
  it('metricOverTime marks the set model at a numeric or matched budget, with the footnote; not at natural', () => {
    for (const budget of ['10', M]) {
      const spec = metricOverTime(results, { metric: 'recall', budget });
      expect(new Set(values(spec).map((v) => v.model))).toEqual(new Set(['Alpha †', 'Beta']));
      const color = (((spec as unknown as Json).layer as Json[])[0]!.encoding as Record<string, Json>).color!;
      expect((color.scale as Json).domain).toEqual(['Alpha †', 'Beta']);
      expect(subtitle(spec)).toContain(NOTE);
    }
    expect(values(metricOverTime(results, { metric: 'recall', budget: M }))).toEqual([
      { date: '2024-01-01', model: 'Alpha †', value: 0.5 },
      { date: '2024-01-01', model: 'Beta', value: 0.2 },
      { date: '2024-01-02', model: 'Alpha †', value: 0.4 },
      { date: '2024-01-02', model: 'Beta', value: 0.1 },
      { date: '2024-01-03', model: 'Alpha †', value: 0.3 },
      { date: '2024-01-03', model: 'Beta', value: 0.3 },
    ]);
    const natural = metricOverTime(results, { metric: 'recall', budget: 'natural' });
    expect(values(natural).map((v) => v.model)).toEqual(['Alpha', 'Alpha', 'Alpha']);
    expect(subtitle(natural)).not.toContain('†');
    expect(subtitle(metricOverTime(results, { metric: 'recall', budget: M }))).toContain(
      'K = 0.5 × size(Alpha)',
    );
  });

  it('budgetCurves plots numeric K only: the matched budget is left out and the subtitle says so', () => {
    const spec = budgetCurves(results, { metric: 'recall' });
    const all = values(spec, 0);
    expect(all.map((p) => [p.model, p.budget, p.size])).toEqual([
      ['Alpha †', '10', 10],
      ['Beta', '10', 10],
      ['Alpha †', 'natural', 30],
    ]);
    expect(subtitle(spec)).toMatch(/matched budgets \(size\(…\)\) change K by day/);
    expect(subtitle(spec)).toMatch(/† a set model's line is made of cuts of its set list/);
  });

  it('pairedDifferences marks the set model in the pair names and explains its natural panel', () => {
    const spec = pairedDifferences(results, { metric: 'recall' });
    expect(values(spec).map((v) => [v.pair, v.budget])).toEqual([
      ['Alpha † − Beta', 'budget K = 10'],
      ['Alpha † − Beta', 'K = 0.5 × size(Alpha)'],
    ]);
    expect(subtitle(spec)).toContain('in the natural panel, the set itself');
  });

  it('the report has a chart per matched budget, and every spec renders without a warning', async () => {
    const names = reportCharts(results).map((c) => c.name);
    expect(names).toContain('time-recall-0-5-size-alpha');
    const warn = vi.spyOn(console, 'warn');
    try {
      for (const chart of reportCharts(results))
        expect((await renderSvg(chart.spec)).startsWith('<svg')).toBe(true);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('report.html', () => {
  it('marks the set model’s rows at numeric and matched budgets, with the footnote; shows the mean K', async () => {
    const html = await readFile((await writeReport(dir)).html, 'utf8');
    const section = (title: string) => {
      const at = html.indexOf(`<h3>${title}</h3>`);
      return html.slice(at, html.indexOf('</table>', at));
    };
    expect(section('budget K = 10')).toContain('<tr><td>Alpha †</td>');
    expect(section('K = 0.5 × size(Alpha)')).toContain('<tr><td>Alpha †</td><td class="num">15</td>');
    expect(section('K = 0.5 × size(Alpha)')).toContain('<th>mean K</th><th>mean size</th>');
    expect(section('natural list (model rule)')).toContain('<tr><td>Alpha</td>');
    expect(section('natural list (model rule)')).not.toContain('†');
    expect(html).toContain(`<p class="note set-cut">${NOTE}</p>`);
    // Comparisons: marked at 10 and at the matched budget, not at natural.
    expect(html).toContain('<td>K = 0.5 × size(Alpha)</td><td>Alpha †</td><td>Beta</td>');
    expect(html).toContain('<td>natural list (model rule)</td><td>Alpha</td><td>Beta</td>');
    expect(html).toMatch(/<th>set models<\/th><td>Alpha: their lists are sets/);
    expect(html).toContain('10, 0.5*size(Alpha), natural');
  });
});
