/**
 * The ASN concentration metrics: asn_top_share and asn_hhi on hand-made AS groups (computed by hand here), the AS
 * groups of lists whose IPs are picked from the package's raw CSV (test/enrich/raw-ranges.ts), a backtest that asks
 * for them (values by hand from those ASes), and one that does not (the data is never loaded, the metrics not in the
 * defaults).
 */
import { describe, expect, it, vi } from 'vitest';
import { analyzeRun } from '../../src/backtest/analyze.js';
import { summaryText } from '../../src/backtest/summary-text.js';
import * as lookupModule from '../../src/enrich/ip-lookup.js';
import {
  buildKnowledge,
  getMetric,
  type ListEvaluation,
  metricNames,
  resolveExperiment,
  runBacktest,
} from '../../src/index.js';
import { ListAsns } from '../../src/metrics/list-asns.js';
import { provenance } from '../../src/results/manifest.js';
import { packageVersion, readRaw, v4Key, v4Text } from '../enrich/raw-ranges.js';
import { memoryDataset, table } from '../knowledge/memory-dataset.js';

vi.mock('../../src/enrich/ip-lookup.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/enrich/ip-lookup.js')>();
  return { ...original, loadIpLookup: vi.fn(original.loadIpLookup) };
});

const facts = (asnGroups: ListEvaluation['asnGroups']) => ({ size: 99, asnGroups }) as ListEvaluation;
const topShare = (f: ListEvaluation) => getMetric('asn_top_share').compute(f);
const hhi = (f: ListEvaluation) => getMetric('asn_hhi').compute(f);

describe('asn_top_share and asn_hhi', () => {
  it.each([
    // 10 IPs: 4 in AS a, 3 in b, 1 in c, 2 unknown (each its own AS): top 4/10; HHI (16 + 9 + 1 + 1 + 1) / 100.
    { sizes: [4, 3, 1], unknown: 2, top: 0.4, hhi: 0.28 },
    // One AS holds everything.
    { sizes: [5], unknown: 0, top: 1, hhi: 1 },
    // Unknowns only: every IP its own AS.
    { sizes: [], unknown: 4, top: 0.25, hhi: 0.25 },
    // Two equal ASes and one unknown: top 2/5, HHI (4 + 4 + 1) / 25.
    { sizes: [2, 2], unknown: 1, top: 0.4, hhi: 0.36 },
  ])('$sizes + $unknown unknown: top share $top, HHI $hhi', ({ sizes, unknown, top, hhi: h }) => {
    expect(topShare(facts({ sizes, unknown }))).toBeCloseTo(top, 15);
    expect(hhi(facts({ sizes, unknown }))).toBeCloseTo(h, 15);
  });

  it('NaN for an empty list and for facts without AS groups (the data was not asked for)', () => {
    for (const f of [facts({ sizes: [], unknown: 0 }), facts(undefined)]) {
      expect(topShare(f)).toBeNaN();
      expect(hhi(f)).toBeNaN();
    }
  });

  it('describe the list: not for horizons, not compared, lower is more spread; they need the ASN data', () => {
    for (const name of ['asn_top_share', 'asn_hhi']) {
      expect(getMetric(name)).toMatchObject({
        horizons: false,
        compare: false,
        higherIsBetter: false,
        needs: ['asn'],
      });
      expect(metricNames()).toContain(name);
    }
  });
});

// Addresses with known ASes, read from the raw CSV: a and b in the same range, c and d in two other ranges of other
// ASes, and an address in a gap (no AS).
const raw = readRaw('@ip-location-db/asn', 'asn-ipv4.csv', v4Key);
const first = raw[0]!;
const other = raw.find((r) => r.values[0] !== first.values[0])!;
const third = raw.find((r) => r.values[0] !== first.values[0] && r.values[0] !== other.values[0])!;
const gapAfter = raw.find((r, i) => i + 1 < raw.length && r.end + 1 < raw[i + 1]!.start)!;
const IP = {
  a: v4Text(first.start),
  b: v4Text(first.end),
  c: v4Text(other.start),
  d: v4Text(third.end),
  none: v4Text(gapAfter.end + 1),
};

describe('ListAsns', () => {
  it('groups a list by the ASes of the raw CSV, unknowns apart', async () => {
    const dataset = memoryDataset([
      table(
        '2024-01-01',
        [IP.a, IP.b, IP.c, IP.d, IP.none].map((ip) => [ip, 1, 1, 1, 1]),
      ),
    ]);
    const view = (await buildKnowledge(dataset, '2024-01-02')).asOf('2024-01-02');
    const ids = Int32Array.from([IP.a, IP.c, IP.b, IP.none], (ip) => view.idOf(ip)!);
    const asns = new ListAsns(await lookupModule.loadIpLookup({ country: false }));
    const list = { ids, scores: new Float64Array(ids.length) } as never;
    expect(asns.groups(list, view)).toEqual({ sizes: [2, 1], unknown: 1 });
    // Again (the cached ASes by id), with d.
    const ids2 = Int32Array.from([IP.d, IP.a, IP.none, IP.none], (ip) => view.idOf(ip)!);
    expect(asns.groups({ ids: ids2, scores: new Float64Array(4) } as never, view)).toEqual({
      sizes: [1, 1],
      unknown: 2,
    });
  });
});

describe('in a backtest', () => {
  // Alpha lists yesterday's attackers: for 01-02 {a, b, c, none}, for 01-03 {a, b, d}.
  const dataset = memoryDataset([
    table(
      '2024-01-01',
      [IP.a, IP.b, IP.c, IP.none].map((ip) => [ip, 1, 1, 1, 1]),
    ),
    table(
      '2024-01-02',
      [IP.a, IP.b, IP.d].map((ip) => [ip, 1, 1, 1, 1]),
    ),
    table('2024-01-03', [[IP.c, 1, 1, 1, 1]]),
  ]);
  const base = {
    id: 'asn',
    version: 1,
    dataset: '<memory>',
    from: '2024-01-02',
    to: '2024-01-03',
    models: [{ name: 'Alpha' }],
    budgets: ['natural'],
    seed: 1,
  };

  it('computes them only when named, from the AS of each listed IP (values by hand)', async () => {
    vi.mocked(lookupModule.loadIpLookup).mockClear();
    const run = await runBacktest(
      resolveExperiment({ ...base, metrics: ['size', 'asn_top_share', 'asn_hhi'] }),
      dataset,
    );
    expect(lookupModule.loadIpLookup).toHaveBeenCalledTimes(1);
    const value = (date: string, metric: string) =>
      run.rows.find((r) => r.date === date && r.metric === metric)!.value;
    // 01-02: a, b in one AS, c in another, none unknown: top 2/4; HHI (4 + 1 + 1) / 16.
    expect(value('2024-01-02', 'asn_top_share')).toBe(0.5);
    expect(value('2024-01-02', 'asn_hhi')).toBe(6 / 16);
    // 01-03: a, b, d: top 2/3; HHI (4 + 1) / 9.
    expect(value('2024-01-03', 'asn_top_share')).toBe(2 / 3);
    expect(value('2024-01-03', 'asn_hhi')).toBe(5 / 9);
    // summary.txt credits the AS data (CC BY 4.0) and DB-IP's link, whose licences ask it of published results.
    const lines = summaryText(run, analyzeRun(run)).trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([
      `AS data: @ip-location-db/asn ${packageVersion('@ip-location-db/asn')}; IP to ASN data by RouteViews (routeviews.org), DB-IP (db-ip.com) and NRO (nro.net), CC BY 4.0`,
      'IP Geolocation by DB-IP: https://db-ip.com',
    ]);
  });

  it('a backtest with the default metrics neither computes them nor loads the data', async () => {
    vi.mocked(lookupModule.loadIpLookup).mockClear();
    const experiment = resolveExperiment(base);
    expect(experiment.metrics).not.toContain('asn_hhi');
    expect(experiment.metrics).not.toContain('asn_top_share');
    expect(experiment.metrics.length).toBeGreaterThan(10);
    const run = await runBacktest(experiment, dataset);
    expect(run.rows.some((r) => r.metric.startsWith('asn_'))).toBe(false);
    expect(lookupModule.loadIpLookup).not.toHaveBeenCalled();
    expect(summaryText(run, analyzeRun(run))).not.toMatch(/DB-IP|AS data/);
  });

  it("the results manifest's versions name the installed data packages (the data changes with each version)", () => {
    const versions = provenance().versions;
    for (const pkg of ['@ip-location-db/asn', '@ip-location-db/geo-whois-asn-country'])
      expect(versions[pkg], pkg).toBe(packageVersion(pkg));
  });
});
