import { describe, expect, it } from 'vitest';
import {
  foldDaysBefore,
  getMetric,
  KnowledgeBase,
  type ListEvaluation,
  metricNames,
  type RankedList,
} from '../../src/index.js';
import { evaluateList, ListHistory } from '../../src/metrics/evaluate-list.js';
import { buildTruth } from '../../src/metrics/truth.js';
import { memoryDataset, table, testRng } from '../knowledge/memory-dataset.js';

/**
 * Every registered metric against a naive recomputation written here from the definitions, over plain strings, sets
 * and maps (no knowledge ids, no typed arrays, no code under test): random day tables are folded into a knowledge
 * base, random lists are fed day after day through evaluateList + ListHistory exactly as the engine does, and each
 * metric's value must equal the naive one. A few values are also computed by hand on tiny fixed examples.
 */

// ---------------------------------------------------------------------------------------------------------------
// Plain data and naive definitions
// ---------------------------------------------------------------------------------------------------------------

interface Row {
  flows: number;
  duration: number;
  packets: number;
  bytes: number;
}

/** One day of data as plain values: IP → row. */
interface PlainDay {
  date: string;
  rows: Map<string, Row>;
}

/** The quantities of AIP's relevance, in its order. */
const QUANTITIES = ['flows', 'duration', 'packets', 'bytes'] as const;
const PUBLIC_IPS = 3_706_452_992;

function dayNumber(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / 86_400_000);
}

function plusDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

function toTable(day: PlainDay) {
  return table(
    day.date,
    [...day.rows].map(([ip, r]) => [ip, r.flows, r.duration, r.packets, r.bytes]),
  );
}

/** Everything the naive metrics read for one list on one day. */
interface NaiveCase {
  /** The list, best first. */
  list: string[];
  k: number;
  /** The model's natural list (no budget): k is its size, and recall_at_k is undefined. */
  natural: boolean;
  /** The target day's attackers. */
  attackers: Map<string, Row>;
  /** IPs with a row on any day before D. */
  known: Set<string>;
  /** The list fed for D-1, if any. */
  previous: string[] | undefined;
  /** IPs listed for the first time in the run (on this day) whose first attack day is >= observableFrom. */
  firstListed: number;
  /** Σ (D − first attack day) over them. */
  latencyDays: number;
}

/** a / b with NaN when b is 0 (the definitions' "NaN if … 0"). */
function div(a: number, b: number): number {
  return b === 0 ? Number.NaN : a / b;
}

function total(attackers: Map<string, Row>, q: (typeof QUANTITIES)[number]): number {
  let s = 0;
  for (const row of attackers.values()) s += row[q];
  return s;
}

/** AIP relevance: mean of the shares over the quantities whose day total is > 0; 1 for everyone if none is. */
function relevanceOf(attackers: Map<string, Row>): Map<string, number> {
  const used = QUANTITIES.filter((q) => total(attackers, q) > 0);
  const rel = new Map<string, number>();
  for (const [ip, row] of attackers) {
    if (used.length === 0) {
      rel.set(ip, 1);
      continue;
    }
    let s = 0;
    for (const q of used) s += row[q] / total(attackers, q);
    rel.set(ip, s / used.length);
  }
  return rel;
}

function tpOf(c: NaiveCase): number {
  return c.list.filter((ip) => c.attackers.has(ip)).length;
}

function coverage(c: NaiveCase, q: (typeof QUANTITIES)[number]): number {
  let covered = 0;
  for (const ip of c.list) covered += c.attackers.get(ip)?.[q] ?? 0;
  return div(covered, total(c.attackers, q));
}

function ndcgOf(c: NaiveCase): number {
  const rel = relevanceOf(c.attackers);
  let dcg = 0;
  c.list.forEach((ip, i) => {
    if (rel.has(ip)) dcg += rel.get(ip)! / Math.log2(i + 2);
  });
  const sorted = [...rel.values()].sort((a, b) => b - a);
  let ideal = 0;
  for (let j = 0; j < Math.min(c.k, sorted.length); j++) ideal += sorted[j]! / Math.log2(j + 2);
  return div(dcg, ideal);
}

function aipGain(rels: number[]): number {
  const sorted = [...rels].sort((a, b) => b - a);
  let s = 0;
  sorted.forEach((r, j) => {
    s += 2 ** r / Math.log2(j + 2);
  });
  return s;
}

function aipNdcgOf(c: NaiveCase): number {
  const rel = relevanceOf(c.attackers);
  const listed = c.list.filter((ip) => rel.has(ip)).map((ip) => rel.get(ip)!);
  return div(aipGain(listed), aipGain([...rel.values()]));
}

function contingency(c: NaiveCase) {
  const p = c.attackers.size;
  const tp = tpOf(c);
  const fp = c.list.length - tp;
  const fn = p - tp;
  const n = PUBLIC_IPS - p;
  return { tp, fp, fn, tn: n - fp, n };
}

function churn(c: NaiveCase) {
  if (c.previous === undefined) return undefined;
  const now = new Set(c.list);
  const prev = new Set(c.previous);
  const shared = [...now].filter((ip) => prev.has(ip)).length;
  const union = new Set([...now, ...prev]).size;
  return { jaccard: div(shared, union), adds: now.size - shared, removes: prev.size - shared };
}

const NAIVE: Record<string, (c: NaiveCase) => number> = {
  size: (c) => c.list.length,
  tp: (c) => tpOf(c),
  fp: (c) => c.list.length - tpOf(c),
  fn: (c) => c.attackers.size - tpOf(c),
  precision: (c) => div(tpOf(c), c.list.length),
  recall: (c) => div(tpOf(c), c.attackers.size),
  f1: (c) => div(2 * tpOf(c), c.list.length + c.attackers.size),
  precision_at_k: (c) => div(tpOf(c), c.k),
  recall_at_k: (c) => (c.natural ? Number.NaN : div(tpOf(c), Math.min(c.k, c.attackers.size))),
  // The mean over k = 1..K of (attackers among the first k entries) / P, summed k by k.
  recall_auc: (c) => {
    if (c.k === 0 || c.attackers.size === 0) return Number.NaN;
    let sum = 0;
    for (let k = 1; k <= c.k; k++)
      sum += c.list.slice(0, k).filter((ip) => c.attackers.has(ip)).length / c.attackers.size;
    return sum / c.k;
  },
  coverage_flows: (c) => coverage(c, 'flows'),
  coverage_packets: (c) => coverage(c, 'packets'),
  coverage_bytes: (c) => coverage(c, 'bytes'),
  coverage_duration: (c) => coverage(c, 'duration'),
  coverage_flows_per_entry: (c) => div(coverage(c, 'flows'), c.list.length),
  coverage_packets_per_entry: (c) => div(coverage(c, 'packets'), c.list.length),
  coverage_bytes_per_entry: (c) => div(coverage(c, 'bytes'), c.list.length),
  coverage_duration_per_entry: (c) => div(coverage(c, 'duration'), c.list.length),
  ndcg: ndcgOf,
  aip_ndcg: aipNdcgOf,
  attackers: (c) => c.attackers.size,
  oracle_ceiling: (c) =>
    div([...c.attackers.keys()].filter((ip) => c.known.has(ip)).length, c.attackers.size),
  recall_returning: (c) => {
    const returning = [...c.attackers.keys()].filter((ip) => c.known.has(ip));
    return div(c.list.filter((ip) => returning.includes(ip)).length, returning.length);
  },
  recall_new: (c) => {
    const fresh = [...c.attackers.keys()].filter((ip) => !c.known.has(ip));
    return div(c.list.filter((ip) => fresh.includes(ip)).length, fresh.length);
  },
  jaccard_previous: (c) => churn(c)?.jaccard ?? Number.NaN,
  adds: (c) => churn(c)?.adds ?? Number.NaN,
  removes: (c) => churn(c)?.removes ?? Number.NaN,
  first_listings: (c) => c.firstListed,
  latency: (c) => div(c.latencyDays, c.firstListed),
  // Across sensors, with the lists and the truth from the same tables (this harness has no sensors): "seen by the
  // truth sensors before D" is `known`; test/backtest/sensors.test.ts checks them across sensors by hand.
  fp_elsewhere: (c) => c.list.filter((ip) => !c.attackers.has(ip) && !c.known.has(ip)).length,
  fp_elsewhere_share: (c) =>
    div(c.list.filter((ip) => !c.attackers.has(ip) && !c.known.has(ip)).length, c.list.length),
  recall_unseen: (c) => {
    const unseen = [...c.attackers.keys()].filter((ip) => !c.known.has(ip));
    return div(c.list.filter((ip) => unseen.includes(ip)).length, unseen.length);
  },
  // Without the ASN data (this harness loads none) the AS metrics are NaN; test/metrics/asn-metrics.test.ts checks
  // their values by hand on lists with known ASes.
  asn_top_share: () => Number.NaN,
  asn_hhi: () => Number.NaN,
  aip_tn: (c) => contingency(c).tn,
  aip_accuracy: (c) => {
    const { tp, tn } = contingency(c);
    return (tp + tn) / PUBLIC_IPS;
  },
  aip_tnr: (c) => {
    const { tn, n } = contingency(c);
    return tn / n;
  },
  aip_fpr: (c) => {
    const { fp, n } = contingency(c);
    return fp / n;
  },
  aip_mcc: (c) => {
    const { tp, fp, fn, tn } = contingency(c);
    const d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
    return d === 0 ? 0 : (tp * tn - fp * fn) / Math.sqrt(d);
  },
};

/** Equal to ~12 significant digits (absolute below 1), NaN only equal to NaN. */
function same(got: number, want: number): boolean {
  if (Number.isNaN(want) || Number.isNaN(got)) return Number.isNaN(want) && Number.isNaN(got);
  return Math.abs(got - want) <= 5e-13 * Math.max(1, Math.abs(want));
}

// ---------------------------------------------------------------------------------------------------------------
// The code under test, driven as the engine drives it
// ---------------------------------------------------------------------------------------------------------------

/** A list of IPs (known to the view) as the RankedList a model returns. */
function rankedList(view: { idOf(ip: string): number | undefined }, ips: string[]): RankedList {
  return {
    ids: Int32Array.from(ips, (ip) => {
      const id = view.idOf(ip);
      if (id === undefined) throw new Error(`test bug: ${ip} is not known to the view`);
      return id;
    }),
    scores: Float64Array.from(ips, (_, i) => ips.length - i),
    ips,
  };
}

function metricValues(facts: ListEvaluation): Map<string, number> {
  return new Map(metricNames().map((name) => [name, getMetric(name).compute(facts)]));
}

// ---------------------------------------------------------------------------------------------------------------
// Random scenarios
// ---------------------------------------------------------------------------------------------------------------

interface Stats {
  scored: number;
  emptyLists: number;
  emptyTruthDays: number;
  /** Scored days where some but not all of the four totals are 0. */
  someTotalsZero: number;
  /** Scored days with attackers where all four totals are 0. */
  allTotalsZero: number;
  kAboveSize: number;
  /** Natural lists (no budget: K is the size, recall_at_k undefined). */
  naturalLists: number;
  withTp: number;
  noPrevious: number;
  /** Lists after a day without a fed list (previous exists but is older than D-1). */
  previousTooOld: number;
  withJaccard: number;
  withFirstListings: number;
  /** First listings left out of latency: first attack before observableFrom. */
  unobservableFirstListings: number;
  /** Days without data inside the run (list fed, not scored). */
  missingRunDays: number;
  /** Days with IPv6 attackers. */
  ipv6Attackers: number;
}

interface Mismatch {
  seed: number;
  date: string;
  metric: string;
  want: number;
  got: number;
  list: string[];
  k: number;
}

function randomDaysPlain(r: (lo: number, hi: number) => number, seed: number) {
  const poolSize = r(6, 28);
  const pool = Array.from({ length: poolSize }, (_, i) =>
    i % 6 === 5
      ? `2001:db8:${(seed + 1).toString(16)}::${(i + 1).toString(16)}`
      : `${[10, 100, 192, 203][i % 4]}.${seed % 256}.${i}.${(i * 7) % 256}`,
  );
  const nDays = r(5, 12);
  const first = plusDays('2024-02-24', r(0, 10));
  const days: PlainDay[] = [];
  const missing: string[] = [];
  for (let d = 0; d < nDays; d++) {
    const date = plusDays(first, d);
    if (d > 0 && d < nDays - 1 && r(0, 11) === 0) {
      missing.push(date);
      continue;
    }
    const count = r(0, 9) === 0 ? 0 : r(1, poolSize);
    const ips = shuffle(r, pool).slice(0, count);
    const zeroMode = r(0, 9);
    const zero = {
      flows: zeroMode === 0,
      duration: zeroMode === 0 || zeroMode === 3,
      packets: zeroMode <= 2,
      bytes: zeroMode <= 2,
    };
    const rows = new Map<string, Row>();
    for (const ip of ips) {
      const flows = r(0, 7) === 0 ? 0 : r(1, 6) * (r(0, 4) === 0 ? 50 : 1);
      rows.set(ip, {
        flows: zero.flows ? 0 : flows,
        duration: zero.duration || r(0, 2) === 0 ? 0 : r(1, 90_000) / 1000,
        packets: zero.packets ? 0 : r(0, 3) === 0 ? r(0, 40) : flows * r(1, 5),
        bytes: zero.bytes ? 0 : r(0, 5) === 0 ? 0 : r(40, 6000),
      });
    }
    days.push({ date, rows });
  }
  return { days, missing, first, nDays };
}

function shuffle<T>(r: (lo: number, hi: number) => number, items: Iterable<T>): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = r(0, i);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

async function runScenario(seed: number): Promise<{ mismatches: Mismatch[]; stats: Stats }> {
  const r = testRng(seed);
  const { days, missing, first, nDays } = randomDaysPlain(r, seed);
  const byDate = new Map(days.map((d) => [d.date, d]));
  const dataset = memoryDataset(days.map(toTable), missing);
  const kb = new KnowledgeBase();

  // First attack day of every IP: the first day with a row.
  const firstAttack = new Map<string, number>();
  for (const d of days)
    for (const ip of d.rows.keys()) if (!firstAttack.has(ip)) firstAttack.set(ip, dayNumber(d.date));

  const from = plusDays(first, r(1, nDays - 1));
  const observableFrom = dayNumber(from) - 1;
  const history = new ListHistory(observableFrom);
  const listedEver = new Set<string>();
  let previous: { date: string; list: string[] } | undefined;
  const mismatches: Mismatch[] = [];
  const stats: Stats = {
    scored: 0,
    emptyLists: 0,
    emptyTruthDays: 0,
    someTotalsZero: 0,
    allTotalsZero: 0,
    kAboveSize: 0,
    naturalLists: 0,
    withTp: 0,
    noPrevious: 0,
    previousTooOld: 0,
    withJaccard: 0,
    withFirstListings: 0,
    unobservableFirstListings: 0,
    missingRunDays: 0,
    ipv6Attackers: 0,
  };

  for (let date = from; dayNumber(date) < dayNumber(first) + nDays; date = plusDays(date, 1)) {
    // Sometimes no list is fed for a day: the next day's list then has no previous list (D-1) to churn against.
    if (date !== from && r(0, 7) === 0) continue;
    await foldDaysBefore(kb, dataset, date);
    const view = kb.asOf(date);
    const known = new Set(days.filter((d) => d.date < date).flatMap((d) => [...d.rows.keys()]));

    // A random list of known IPs: fresh, or yesterday's list partly kept (so that churn is not always total).
    let list: string[];
    if (r(0, 7) === 0) list = [];
    else if (previous !== undefined && r(0, 2) === 0) {
      const kept = previous.list.filter(() => r(0, 3) !== 0);
      const others = shuffle(
        r,
        [...known].filter((ip) => !kept.includes(ip)),
      ).slice(0, r(0, 4));
      list = r(0, 1) === 0 ? [...kept, ...others] : shuffle(r, [...kept, ...others]);
    } else list = shuffle(r, known).slice(0, r(0, known.size));
    const k = r(0, 2) === 0 ? list.length : list.length + r(1, 12);
    // Half the lists of K = their size are natural lists (chosen by the day, so the random draws stay as they were).
    const natural = k === list.length && dayNumber(date) % 2 === 0;
    const ranked = rankedList(view, list);

    const got = history.add(ranked, dayNumber(date), view.columns());

    // Naive first listings and latency.
    let firstListed = 0;
    let latencyDays = 0;
    for (const ip of list) {
      if (listedEver.has(ip)) continue;
      listedEver.add(ip);
      const fa = firstAttack.get(ip)!;
      if (fa >= observableFrom) {
        firstListed++;
        latencyDays += dayNumber(date) - fa;
      } else stats.unobservableFirstListings++;
    }
    const prev = previous !== undefined && previous.date === plusDays(date, -1) ? previous.list : undefined;
    if (previous !== undefined && prev === undefined) stats.previousTooOld++;
    previous = { date, list };

    const day = byDate.get(date);
    if (day === undefined) {
      stats.missingRunDays++;
      continue;
    }
    const facts: ListEvaluation = evaluateList(
      ranked,
      buildTruth(view, toTable(day)),
      natural ? 'natural' : k,
    );
    Object.assign(facts, got);
    const c: NaiveCase = {
      list,
      k,
      natural,
      attackers: day.rows,
      known,
      previous: prev,
      firstListed,
      latencyDays,
    };
    const values = metricValues(facts);
    for (const [metric, value] of values) {
      const naive = NAIVE[metric];
      if (naive === undefined) continue; // reported by the counterpart test
      const want = naive(c);
      if (!same(value, want)) mismatches.push({ seed, date, metric, want, got: value, list, k });
    }

    stats.scored++;
    if (list.length === 0) stats.emptyLists++;
    if (day.rows.size === 0) stats.emptyTruthDays++;
    const zeroTotals = QUANTITIES.filter((q) => total(day.rows, q) === 0).length;
    if (day.rows.size > 0 && zeroTotals > 0 && zeroTotals < 4) stats.someTotalsZero++;
    if (day.rows.size > 0 && zeroTotals === 4) stats.allTotalsZero++;
    if (k > list.length) stats.kAboveSize++;
    if (natural) stats.naturalLists++;
    if (tpOf(c) > 0) stats.withTp++;
    if (prev === undefined) stats.noPrevious++;
    else if (list.length + prev.length > 0) stats.withJaccard++;
    if (firstListed > 0) stats.withFirstListings++;
    if ([...day.rows.keys()].some((ip) => ip.includes(':'))) stats.ipv6Attackers++;
  }
  return { mismatches, stats };
}

const SEEDS = Array.from({ length: 30 }, (_, i) => 1000 + 37 * i);

describe('metrics against a brute-force recomputation', () => {
  it('has a naive counterpart for every registered metric (and no stale one)', () => {
    const names = metricNames();
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => NAIVE[n] === undefined)).toEqual([]);
    expect(Object.keys(NAIVE).filter((n) => !names.includes(n))).toEqual([]);
  });

  it.each(SEEDS)('seed %i: every metric equals its naive value over a run of days', async (seed) => {
    const { mismatches, stats } = await runScenario(seed);
    expect(stats.scored).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  it('the random scenarios reach every edge case the definitions name', async () => {
    const sum: Record<string, number> = {};
    for (const seed of SEEDS) {
      const { stats } = await runScenario(seed);
      for (const [key, v] of Object.entries(stats)) sum[key] = (sum[key] ?? 0) + v;
    }
    for (const [key, v] of Object.entries(sum)) expect([key, v > 0]).toEqual([key, true]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Values computed by hand
// ---------------------------------------------------------------------------------------------------------------

/** Scores lists made for consecutive days (starting at `from`) of a tiny dataset; returns each day's metric values. */
async function scoreByHand(
  rows: Record<string, [ip: string, flows: number, duration: number, packets: number, bytes: number][]>,
  from: string,
  lists: { list: string[]; k?: number | 'natural' }[],
): Promise<Map<string, number>[]> {
  const dataset = memoryDataset(Object.entries(rows).map(([date, rs]) => table(date, rs)));
  const kb = new KnowledgeBase();
  const history = new ListHistory(dayNumber(from) - 1);
  const out: Map<string, number>[] = [];
  for (let i = 0; i < lists.length; i++) {
    const date = plusDays(from, i);
    await foldDaysBefore(kb, dataset, date);
    const view = kb.asOf(date);
    const { list, k } = lists[i]!;
    const ranked = rankedList(view, list);
    const churnFacts = history.add(ranked, dayNumber(date), view.columns());
    const facts = evaluateList(ranked, buildTruth(view, table(date, rows[date]!)), k ?? list.length);
    out.push(metricValues(Object.assign(facts, churnFacts)));
  }
  return out;
}

describe('metrics computed by hand', () => {
  // Day 1: a, b, c and x seen. Day 2 (D): attackers a, b, c with
  //   flows 2/1/1 (total 4), duration 2/1/1 (4), packets 2/1/1 (4), bytes 60/30/10 (100),
  // so relevance a = (.5 + .5 + .5 + .6) / 4 = .525, b = (.25·3 + .3) / 4 = .2625, c = (.25·3 + .1) / 4 = .2125.
  const A = '192.0.2.1';
  const B = '192.0.2.2';
  const C = '2001:db8::c';
  const X = '198.51.100.9';
  const rows = {
    '2024-05-01': [
      [A, 1, 1, 1, 1],
      [B, 1, 1, 1, 1],
      [C, 1, 1, 1, 1],
      [X, 1, 1, 1, 1],
    ],
    '2024-05-02': [
      [A, 2, 2, 2, 60],
      [B, 1, 1, 1, 30],
      [C, 1, 1, 1, 10],
    ],
  } satisfies Record<string, [string, number, number, number, number][]>;
  const L3 = Math.log2(3);

  it('a 2-entry list [x, a] against 3 attackers, K = 2', async () => {
    const [m] = await scoreByHand(rows, '2024-05-02', [{ list: [X, A] }]);
    expect(m!.get('size')).toBe(2);
    expect(m!.get('tp')).toBe(1);
    expect(m!.get('fp')).toBe(1);
    expect(m!.get('fn')).toBe(2);
    expect(m!.get('precision')).toBeCloseTo(0.5, 12);
    expect(m!.get('recall')).toBeCloseTo(1 / 3, 12);
    expect(m!.get('f1')).toBeCloseTo(0.4, 12); // 2·1 / (2 + 3)
    expect(m!.get('recall_at_k')).toBeCloseTo(0.5, 12); // 1 / min(2, 3)
    // Recall of the top 1 = 0, of the top 2 = 1/3: mean 1/6.
    expect(m!.get('recall_auc')).toBeCloseTo(1 / 6, 12);
    expect(m!.get('coverage_flows')).toBeCloseTo(0.5, 12); // 2 / 4
    expect(m!.get('coverage_bytes')).toBeCloseTo(0.6, 12); // 60 / 100
    expect(m!.get('coverage_bytes_per_entry')).toBeCloseTo(0.3, 12);
    // DCG = .525 / log2(3) (a at rank 2); ideal@2 = .525 + .2625 / log2(3); a = 2b, so nDCG = 2 / (2·log2(3) + 1).
    expect(m!.get('ndcg')).toBeCloseTo(2 / (2 * L3 + 1), 12);
    expect(m!.get('ndcg')).toBeCloseTo(0.479625, 6);
    // AIP's nDCG ignores the order: 2^.525 over 2^.525 + 2^.2625/log2(3) + 2^.2125/2.
    expect(m!.get('aip_ndcg')).toBeCloseTo(
      2 ** 0.525 / (2 ** 0.525 + 2 ** 0.2625 / L3 + 2 ** 0.2125 / 2),
      12,
    );
    expect(m!.get('attackers')).toBe(3);
    expect(m!.get('oracle_ceiling')).toBe(1);
    expect(m!.get('recall_returning')).toBeCloseTo(1 / 3, 12);
    expect(m!.get('recall_new')).toBeNaN();
    expect(m!.get('jaccard_previous')).toBeNaN(); // first day of the run
    expect(m!.get('aip_tn')).toBe(3_706_452_992 - 3 - 1);
    expect(m!.get('aip_fpr')).toBeCloseTo(1 / (3_706_452_992 - 3), 20);
  });

  it('the same list [x, a] as a natural list (no K): recall_at_k is undefined, the rest as at K = its size', async () => {
    const [m] = await scoreByHand(rows, '2024-05-02', [{ list: [X, A], k: 'natural' }]);
    // Cut to K = 2 it is 1 / min(2, 3) = 0.5; as a natural list there is no K: undefined, not its precision 0.5.
    expect(m!.get('recall_at_k')).toBeNaN();
    expect(m!.get('recall')).toBeCloseTo(1 / 3, 12);
    expect(m!.get('precision')).toBeCloseTo(0.5, 12);
    // TP / K with K = the list's size: its precision.
    expect(m!.get('precision_at_k')).toBeCloseTo(0.5, 12);
    // Over k = 1 .. size: recall of the top 1 = 0, of the top 2 = 1/3 (the attackers P = 3 stay the denominator).
    expect(m!.get('recall_auc')).toBeCloseTo(1 / 6, 12);
    // nDCG over the best 2-entry list, as at K = 2.
    expect(m!.get('ndcg')).toBeCloseTo(2 / (2 * L3 + 1), 12);
  });

  it('the same entries in the order [a, x], and with K = 3', async () => {
    const [m] = await scoreByHand(rows, '2024-05-02', [{ list: [A, X] }]);
    // DCG = .525; nDCG = .525 / (.525 + .2625 / log2(3)) = 2·log2(3) / (2·log2(3) + 1).
    expect(m!.get('ndcg')).toBeCloseTo((2 * L3) / (2 * L3 + 1), 12);
    expect(m!.get('ndcg')).toBeCloseTo(0.760188, 6);
    const [k3] = await scoreByHand(rows, '2024-05-02', [{ list: [X, A], k: 3 }]);
    expect(k3!.get('precision')).toBeCloseTo(0.5, 12);
    expect(k3!.get('precision_at_k')).toBeCloseTo(1 / 3, 12);
    expect(k3!.get('recall_at_k')).toBeCloseTo(1 / 3, 12);
    // Recall of the top 1, 2, 3: 0, 1/3, 1/3 (the list has 2 entries): mean 2/9. [a, x] at K = 2: (1/3 + 1/3) / 2.
    expect(k3!.get('recall_auc')).toBeCloseTo(2 / 9, 12);
    expect(m!.get('recall_auc')).toBeCloseTo(1 / 3, 12);
    // ideal@3 = .525 + .2625 / log2(3) + .2125 / 2.
    expect(k3!.get('ndcg')).toBeCloseTo(0.525 / L3 / (0.525 + 0.2625 / L3 + 0.2125 / 2), 12);
  });

  it('Cowrie-style data (no packets, no bytes): those totals are left out of the relevance', async () => {
    const cowrie = {
      '2024-05-01': [
        [A, 1, 1, 0, 0],
        [B, 1, 1, 0, 0],
      ],
      '2024-05-02': [
        [A, 3, 10, 0, 0],
        [B, 1, 30, 0, 0],
      ],
    } satisfies Record<string, [string, number, number, number, number][]>;
    // rel a = (3/4 + 10/40) / 2 = .5, rel b = (1/4 + 30/40) / 2 = .5: a tie.
    const [m] = await scoreByHand(cowrie, '2024-05-02', [{ list: [B], k: 1 }]);
    expect(m!.get('coverage_flows')).toBeCloseTo(0.25, 12);
    expect(m!.get('coverage_duration')).toBeCloseTo(0.75, 12);
    expect(m!.get('coverage_packets')).toBeNaN();
    expect(m!.get('coverage_bytes')).toBeNaN();
    expect(m!.get('ndcg')).toBeCloseTo(1, 12); // .5 / .5
  });

  it('churn and latency over three days', async () => {
    // A first attacks 05-01, B 05-02, C 05-03, X 05-04. The run starts 05-03, so observableFrom = 05-02:
    // A's first listing is left out of the latency, B's and C's count.
    const days = {
      '2024-05-01': [[A, 1, 1, 1, 1]],
      '2024-05-02': [[B, 1, 1, 1, 1]],
      '2024-05-03': [[C, 1, 1, 1, 1]],
      '2024-05-04': [[X, 1, 1, 1, 1]],
      '2024-05-05': [[A, 1, 1, 1, 1]],
    } satisfies Record<string, [string, number, number, number, number][]>;
    const [d3, d4, d5] = await scoreByHand(days, '2024-05-03', [
      { list: [A, B] },
      { list: [B] },
      { list: [C, X, A] },
    ]);
    // 05-03: B first listed 1 day after its first attack; A not observable; no previous list.
    expect([d3!.get('first_listings'), d3!.get('latency')]).toEqual([1, 1]);
    expect(d3!.get('jaccard_previous')).toBeNaN();
    expect(d3!.get('adds')).toBeNaN();
    expect(d3!.get('removes')).toBeNaN();
    // 05-04: nothing new (latency NaN); [B] vs [A, B]: 1 / 2, A removed.
    expect(d4!.get('first_listings')).toBe(0);
    expect(d4!.get('latency')).toBeNaN();
    expect(d4!.get('jaccard_previous')).toBeCloseTo(0.5, 12);
    expect([d4!.get('adds'), d4!.get('removes')]).toEqual([0, 1]);
    // 05-05: C (first attack 05-03: 2 days) and X (05-04: 1 day) new, A listed before: mean 1.5.
    expect([d5!.get('first_listings'), d5!.get('latency')]).toEqual([2, 1.5]);
    expect(d5!.get('jaccard_previous')).toBe(0);
    expect([d5!.get('adds'), d5!.get('removes')]).toEqual([3, 1]);
    expect(d5!.get('recall')).toBe(1);
    expect(d5!.get('precision')).toBeCloseTo(1 / 3, 12);
  });
});
