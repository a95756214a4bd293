/**
 * The AS-concentration chart on the hand-made results folder of mini-results.ts with asn_top_share and asn_hhi rows
 * added here (values chosen by hand): the values it carries, days without a value null (a gap), the AS data version from the
 * manifest in the subtitle, its place in reportCharts, and a render to SVG without a vega-lite warning.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  asnConcentrationOverTime,
  type PerDayRow,
  type ResultsFolder,
  readResultsFolder,
  renderSvg,
  reportCharts,
} from '../../src/index.js';
import { reportHtml } from '../../src/reports/report-html.js';
import { tempDir } from '../helpers.js';
import { writeMiniResults } from './mini-results.js';

let base: ResultsFolder;
let results: ResultsFolder;
let cleanup: () => Promise<void>;

const row = (date: string, model: string, budget: string, metric: string, value: number): PerDayRow => ({
  date,
  model,
  budget,
  metric,
  value,
});

beforeAll(async () => {
  const t = await tempDir('aiplab-asn-chart-test-');
  cleanup = t.cleanup;
  base = await readResultsFolder(await writeMiniResults(t.dir));
  results = {
    ...base,
    manifest: {
      ...base.manifest,
      versions: { ...base.manifest.versions, '@ip-location-db/asn': '2.3.2026061719' },
    },
    perDay: [
      ...base.perDay,
      row('2024-01-01', 'Alpha', '10', 'asn_top_share', 0.3),
      row('2024-01-02', 'Alpha', '10', 'asn_top_share', Number.NaN),
      row('2024-01-03', 'Alpha', '10', 'asn_top_share', 0.5),
      row('2024-01-01', 'Beta', '10', 'asn_top_share', 0.1),
      row('2024-01-01', 'Alpha', 'natural', 'asn_hhi', 0.25),
    ],
  };
});
afterAll(() => cleanup());

type Json = Record<string, unknown>;
const values = (spec: unknown) => ((spec as Json).data as { values: Json[] }).values;

describe('asnConcentrationOverTime', () => {
  it('the top share at a budget, days without a value null (a gap), on a 0..1 axis', () => {
    const spec = asnConcentrationOverTime(results, { budget: 10 });
    expect(values(spec)).toEqual([
      { date: '2024-01-01', model: 'Alpha', value: 0.3 },
      { date: '2024-01-01', model: 'Beta', value: 0.1 },
      { date: '2024-01-02', model: 'Alpha', value: null },
      { date: '2024-01-02', model: 'Beta', value: null },
      { date: '2024-01-03', model: 'Alpha', value: 0.5 },
      { date: '2024-01-03', model: 'Beta', value: null },
    ]);
    const s = spec as unknown as Json;
    expect((((s.layer as Json[])[0]!.encoding as Json).y as Json).scale).toEqual({ domain: [0, 1] });
    expect((s.title as Json).text).toBe('share of the list in its largest AS');
    const subtitle = (s.title as Json).subtitle as string[];
    expect(subtitle[0]).toMatch(/^budget K = 10; 1: every listed IP in one AS; /);
    expect(subtitle[subtitle.length - 1]).toBe(
      'AS data: @ip-location-db/asn 2.3.2026061719 (RouteViews, DB-IP, NRO; CC BY 4.0)',
    );
  });

  it('the Herfindahl index; undefined where the metric was not computed', () => {
    expect(values(asnConcentrationOverTime(results, { budget: 'natural', metric: 'asn_hhi' }))).toEqual([
      { date: '2024-01-01', model: 'Alpha', value: 0.25 },
      { date: '2024-01-02', model: 'Alpha', value: null },
      { date: '2024-01-03', model: 'Alpha', value: null },
    ]);
    expect(asnConcentrationOverTime(results, { budget: 'natural' })).toBeUndefined();
    expect(asnConcentrationOverTime(base, { budget: 10 })).toBeUndefined();
  });

  it('is in the report after the churn of its budget, and renders without a warning', async () => {
    const charts = reportCharts(results).map((c) => c.name);
    expect(charts.slice(charts.indexOf('churn-10'), charts.indexOf('churn-10') + 2)).toEqual([
      'churn-10',
      'asn-top-share-10',
    ]);
    expect(charts[charts.length - 1]).toBe('asn-hhi-natural');
    expect(reportCharts(base).some((c) => c.name.startsWith('asn-'))).toBe(false);
    const warn = vi.spyOn(console, 'warn');
    try {
      for (const chart of reportCharts(results).filter((c) => c.name.startsWith('asn-'))) {
        const svg = await renderSvg(chart.spec);
        expect(svg.startsWith('<svg')).toBe(true);
        expect(svg).toContain(chart.name.startsWith('asn-top') ? 'largest AS' : 'Herfindahl');
        expect(svg).toContain('@ip-location-db/asn 2.3.2026061719');
      }
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('the report page', () => {
  it('credits the AS data and links back to DB-IP when the results hold an ASN metric, and only then', () => {
    const html = reportHtml(results, [], { writtenAt: new Date(0) });
    expect(html).toContain("<a href='https://db-ip.com'>IP Geolocation by DB-IP</a>");
    expect(html).toContain(
      'AS data: @ip-location-db/asn 2.3.2026061719; IP to ASN data by RouteViews (routeviews.org), DB-IP (db-ip.com) and NRO (nro.net), CC BY 4.0',
    );
    // The mini results without ASN rows carry no credit.
    expect(reportHtml(base, [], { writtenAt: new Date(0) })).not.toMatch(/DB-IP|AS data/);
  });
});
