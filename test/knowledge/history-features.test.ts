import { describe, expect, it } from 'vitest';
import {
  addDays,
  buildKnowledge,
  type DayTable,
  HISTORY_FEATURES,
  historyFeatures,
  KnowledgeBase,
  type KnowledgeView,
  parseDay,
  UsageError,
} from '../../src/index.js';
import { ewmaFeatureName } from '../../src/knowledge/history-features.js';
import { dayRange } from '../../src/util/dates.js';
import { memoryDataset, randomDays, table, testRng } from './memory-dataset.js';

const d = (s: string) => parseDay(s)!;

/**
 * Every history feature of `ip` as of `date`, recomputed from the raw day tables in plain loops (no knowledge-base
 * code): the observed days are the tables dated before `date` (a missing day has no table), indexed 0 .. O-1.
 * Returns the features by name, plus `gap_std_two_pass` (the textbook two-pass population deviation).
 */
function bruteForce(tables: DayTable[], date: string, ip: string, halfLives: number[]): Map<string, number> {
  const observed = tables.filter((t) => t.date < date).sort((a, b) => (a.date < b.date ? -1 : 1));
  const O = observed.length;
  const active: number[] = [];
  const flowsOn: number[] = new Array(O).fill(0);
  const totals = { flows: 0, duration: 0, packets: 0, bytes: 0 };
  for (let k = 0; k < O; k++) {
    const t = observed[k]!;
    const i = t.ip.indexOf(ip);
    if (i < 0) continue;
    const f = t.flows[i] === 0 ? 1 : t.flows[i]!;
    active.push(k);
    flowsOn[k] = f;
    totals.flows += f;
    totals.duration += t.duration[i]!;
    totals.packets += t.packets[i]!;
    totals.bytes += t.bytes[i]!;
  }
  if (active.length === 0) throw new Error(`${ip} not seen before ${date}`);
  const first = d(observed[active[0]!]!.date);
  const last = d(observed[active[active.length - 1]!]!.date);
  const D = d(date);
  const n = active.length;
  const gaps: number[] = [];
  for (let j = 1; j < n; j++) gaps.push(active[j]! - active[j - 1]!);
  let sum = 0;
  let sumSq = 0;
  for (const g of gaps) {
    sum += g;
    sumSq += g * g;
  }
  const mean = gaps.length === 0 ? 1 : sum / gaps.length;
  const std = gaps.length === 0 ? 0 : Math.sqrt(Math.max(0, sumSq / gaps.length - mean * mean));
  let twoPass = 0;
  for (const g of gaps) twoPass += (g - mean) ** 2;
  twoPass = gaps.length === 0 ? 0 : Math.sqrt(twoPass / gaps.length);
  const isActive = new Set(active);
  let streak = 0;
  for (let k = O - 1; k >= 0 && isActive.has(k); k--) streak++;
  const out = new Map<string, number>([
    ['days_since_first_seen', D - first],
    ['days_since_last_seen', D - last],
    ['days_active', n],
    ['active_ratio', n / (O - active[0]!)],
    ['gap_mean', mean],
    ['gap_std', std],
    ['gap_std_two_pass', twoPass],
    ['streak', streak],
    ['flows_per_day', totals.flows / n],
    ['duration_per_day', totals.duration / n],
    ['packets_per_day', totals.packets / n],
    ['bytes_per_day', totals.bytes / n],
  ]);
  for (const h of halfLives) {
    const lambda = 2 ** (-1 / h);
    let presence = 0;
    let flows = 0;
    for (let k = 0; k < O; k++) {
      const weight = (1 - lambda) * lambda ** (O - 1 - k);
      presence += weight * (isActive.has(k) ? 1 : 0);
      flows += weight * flowsOn[k]!;
    }
    out.set(`ewma_presence_h${h}`, presence);
    out.set(`ewma_flows_h${h}`, flows);
  }
  return out;
}

const closeRel = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.abs(b);

/** Checks the features of `ids` of `view` against the brute force; returns the number of IPs checked. */
function checkIds(view: KnowledgeView, tables: DayTable[], ids: number[], halfLives: number[]): number {
  const f = historyFeatures(view);
  for (const id of ids) {
    const want = bruteForce(tables, view.date, view.ip(id), halfLives);
    const at = `${view.ip(id)} as of ${view.date}`;
    for (const name of f.names) {
      const got = f.column(name)[id]!;
      const expected = want.get(name)!;
      if (name.startsWith('ewma_')) {
        if (!closeRel(got, expected)) expect.fail(`${name} of ${at}: ${got}, brute force ${expected}`);
      } else expect(got, `${name} of ${at}`).toBe(expected);
    }
    expect(Math.abs(f.column('gap_std')[id]! - want.get('gap_std_two_pass')!)).toBeLessThan(1e-9);
  }
  return ids.length;
}

/** Folds `tables` day by day from `from` to `to` (a day without a table as missing), calling `each` after each. */
function foldEach(
  kb: KnowledgeBase,
  tables: DayTable[],
  from: string,
  to: string,
  each: (view: KnowledgeView) => void,
): void {
  const byDate = new Map(tables.map((t) => [t.date, t]));
  for (const date of dayRange(from, to)) {
    const t = byDate.get(date);
    if (t) kb.addDay(t);
    else kb.addMissingDay(date);
    each(kb.asOf(addDays(date, 1)));
  }
}

describe('history features (docs/knowledge.md "History features")', () => {
  /*
   * Hand-computed, half-life 1 (λ = 1/2, so every value is exact):
   *   01-01 (obs 0)  A 2 flows, B 1
   *   01-02 (obs 1)  A 4, B 0 (counts as 1), C 1
   *   01-03          missing
   *   01-04 (obs 2)  A 8
   *   01-05 (obs 3)  empty table
   *   01-06 (obs 4)  B 3
   * As of 01-04 (O = 2): A was active on both observed days: streak 2 (the missing day breaks nothing).
   * As of 01-05 (O = 3): A active on obs 0, 1, 2 → streak 3, gaps [1, 1] (mean 1, std 0), active ratio 3/3,
   *   EWMA presence ½·(¼ + ½ + 1) = 0.875, flows ½·(2·¼ + 4·½ + 8) = 5.25; B on obs 0, 1 → streak 0 (no row on
   *   obs 2), presence ½·(¼ + ½) = 0.375, ratio 2/3; C on obs 1 → gap mean 1, std 0 (one day), ratio 1/2, presence ¼.
   * As of 01-07 (O = 5): B on obs 0, 1, 4 → gaps [1, 3]: mean 2, std 1; streak 1; ratio 3/5; presence
   *   ½·(1/16 + 1/8 + 1) = 0.59375; A: streak 0, presence 0.875·¼ = 0.21875, 3 days since last seen.
   */
  function handKb(): KnowledgeBase {
    const kb = new KnowledgeBase({ halfLives: [1] });
    kb.addDay(
      table('2024-01-01', [
        ['10.0.0.1', 2, 0, 2, 100],
        ['10.0.0.2', 1, 0, 1, 50],
      ]),
    );
    kb.addDay(
      table('2024-01-02', [
        ['10.0.0.1', 4, 0, 4, 200],
        ['10.0.0.2', 0, 0, 1, 50],
        ['10.0.0.3', 1, 0, 1, 50],
      ]),
    );
    kb.addMissingDay('2024-01-03');
    return kb;
  }
  const row = (view: KnowledgeView, ip: string, names: string[]) => {
    const f = historyFeatures(view);
    const id = view.idOf(ip)!;
    return names.map((name) => f.column(name)[id]);
  };

  it('match a hand-computed example (missing days neither break nor extend a streak or a gap)', () => {
    const kb = handKb();
    expect(row(kb.asOf('2024-01-04'), '10.0.0.1', ['streak', 'gap_mean', 'active_ratio'])).toEqual([2, 1, 1]);
    kb.addDay(table('2024-01-04', [['10.0.0.1', 8, 0, 8, 400]]));
    const at5 = kb.asOf('2024-01-05');
    const names = [
      'days_since_first_seen',
      'days_since_last_seen',
      'days_active',
      'active_ratio',
      'gap_mean',
      'gap_std',
      'streak',
      'flows_per_day',
      'ewma_presence_h1',
      'ewma_flows_h1',
    ];
    expect(row(at5, '10.0.0.1', names)).toEqual([4, 1, 3, 1, 1, 0, 3, 14 / 3, 0.875, 5.25]);
    expect(row(at5, '10.0.0.2', names)).toEqual([4, 3, 2, 2 / 3, 1, 0, 0, 1, 0.375, 0.375]);
    expect(row(at5, '10.0.0.3', names)).toEqual([3, 3, 1, 1 / 2, 1, 0, 0, 1, 0.25, 0.25]);
    kb.addDay(table('2024-01-05', []));
    kb.addDay(table('2024-01-06', [['10.0.0.2', 3, 0, 3, 150]]));
    const at7 = kb.asOf('2024-01-07');
    expect(row(at7, '10.0.0.2', names)).toEqual([
      6,
      1,
      3,
      3 / 5,
      2,
      1,
      1,
      5 / 3,
      0.59375,
      0.5 * (1 / 16 + 1 / 8 + 3),
    ]);
    expect(
      row(at7, '10.0.0.1', ['streak', 'days_since_last_seen', 'active_ratio', 'ewma_presence_h1']),
    ).toEqual([0, 3, 3 / 5, 0.21875]);
  });

  it.each([31, 32, 33])('equal a brute-force recomputation after every fold (seed %i)', (seed) => {
    const missing = ['2024-05-03', '2024-05-09', '2024-05-10', '2024-05-11', '2024-05-30'];
    const tables = randomDays({ seed, from: '2024-05-01', to: '2024-06-09', missing, pool: 60 });
    const halfLives = [0.5, 3, 14];
    // Starts two days before the first table: the knowledge base's first days are missing ones.
    const kb = new KnowledgeBase({ halfLives, retainDays: 3 });
    const r = testRng(seed);
    let checked = 0;
    foldEach(kb, tables, '2024-04-29', '2024-06-10', (view) => {
      const ids = Array.from({ length: Math.min(12, view.size) }, () => r(0, view.size - 1));
      checked += checkIds(view, tables, ids, halfLives);
    });
    expect(checked).toBeGreaterThan(400);
  });

  it('equal the brute force for every IP after hundreds of days (prefix and power tables grow)', () => {
    const tables = randomDays({ seed: 5, from: '2023-01-01', to: '2024-09-30', pool: 12, perDay: 3 }).filter(
      (t) => t.date.endsWith('7') || t.date < '2023-01-04',
    );
    const halfLives = [2, 90];
    const kb = new KnowledgeBase({ halfLives, retainDays: 1 });
    let last: KnowledgeView | undefined;
    foldEach(kb, tables, '2023-01-01', '2024-09-30', (view) => {
      last = view;
    });
    const view = last!;
    expect(view.foldedDays).toBe(tables.length);
    expect(view.missingDays.length).toBeGreaterThan(500);
    expect(view.size).toBeGreaterThan(5);
    expect(
      checkIds(
        view,
        tables,
        Array.from({ length: view.size }, (_, i) => i),
        halfLives,
      ),
    ).toBe(view.size);
  });

  it('are named and ordered as documented, cached per view, frozen, and refuse an unknown name', () => {
    const kb = handKb();
    const view = kb.asOf('2024-01-04');
    const f = historyFeatures(view);
    expect(f.names).toEqual([...HISTORY_FEATURES, 'ewma_presence_h1', 'ewma_flows_h1']);
    expect(f.columns).toHaveLength(f.names.length);
    expect(f.columns.every((c) => c.length === view.size)).toBe(true);
    expect(historyFeatures(view)).toBe(f);
    expect(Object.isFrozen(f) && Object.isFrozen(f.names) && Object.isFrozen(f.columns)).toBe(true);
    expect(f.column('streak')).toBe(f.columns[HISTORY_FEATURES.indexOf('streak')]);
    expect(() => f.column('stroke')).toThrow(UsageError);
    expect(() => f.column('stroke')).toThrow(
      /'stroke' is not one of: days_since_first_seen, .*ewma_flows_h1/,
    );
    expect(ewmaFeatureName('presence', 0.5)).toBe('ewma_presence_h0.5');
    expect(ewmaFeatureName('flows', 7)).toBe('ewma_flows_h7');
    expect(() => ewmaFeatureName('flows', 0)).toThrow(UsageError);
    // A view from previous() is another view: its own features (as of 01-02: A and B, one day each).
    expect(historyFeatures(view.previous(2)).column('days_active')).toEqual(Float64Array.from([1, 1]));
    // An empty knowledge base: every name, no rows.
    const empty = historyFeatures(new KnowledgeBase({ halfLives: [3] }).asOf('2024-01-01'));
    expect(empty.names).toEqual([...HISTORY_FEATURES, 'ewma_presence_h3', 'ewma_flows_h3']);
    expect(empty.columns.every((c) => c.length === 0)).toBe(true);
  });

  it('halfLives: deduplicated and sorted; a bad value is a UsageError naming the option', () => {
    const kb = new KnowledgeBase({ halfLives: [7, 0.5, 7, 30] });
    expect(kb.halfLives).toEqual([0.5, 7, 30]);
    expect(kb.asOf('2024-01-01').halfLives).toEqual([0.5, 7, 30]);
    expect(new KnowledgeBase().halfLives).toEqual([]);
    expect(historyFeatures(new KnowledgeBase().asOf('2024-01-01')).names).toEqual([...HISTORY_FEATURES]);
    for (const bad of [[0], [-2], [Number.NaN], [Number.POSITIVE_INFINITY], ['7'], 7, [1, null]]) {
      expect(() => new KnowledgeBase({ halfLives: bad as number[] })).toThrow(UsageError);
      expect(() => new KnowledgeBase({ halfLives: bad as number[] })).toThrow(/knowledge option halfLives/);
    }
  });
});

describe('previous(steps): the exact state as of D - steps', () => {
  const missing = ['2024-07-04', '2024-07-09', '2024-07-10', '2024-07-16'];
  const tables = randomDays({ seed: 41, from: '2024-07-01', to: '2024-07-20', missing, pool: 50 });
  const ds = memoryDataset(tables, missing);
  const options = { retainDays: 6, halfLives: [1, 7], from: '2024-06-30' };

  function expectSameView(a: KnowledgeView, b: KnowledgeView): void {
    expect([a.date, a.day, a.size, a.foldedDays, a.firstDay]).toEqual([
      b.date,
      b.day,
      b.size,
      b.foldedDays,
      b.firstDay,
    ]);
    expect(a.missingDays).toEqual(b.missingDays);
    expect(a.halfLives).toEqual(b.halfLives);
    expect(a.columns()).toEqual(b.columns());
    const fa = historyFeatures(a);
    const fb = historyFeatures(b);
    expect(fa.names).toEqual(fb.names);
    expect(fa.columns).toEqual(fb.columns);
    expect([...a.ipOrder()]).toEqual([...b.ipOrder()]);
    expect([...a.tieOrder()]).toEqual([...b.tieOrder()]);
    expect(Array.from({ length: a.size }, (_, id) => a.ip(id))).toEqual(
      Array.from({ length: b.size }, (_, id) => b.ip(id)),
    );
  }

  it('equals a knowledge base built from the days before D - steps, for steps 1 .. retainDays', async () => {
    const kb = new KnowledgeBase({ retainDays: options.retainDays, halfLives: options.halfLives });
    let compared = 0;
    for (const date of dayRange('2024-06-30', '2024-07-21')) {
      if (ds.has(date)) kb.addDay(await ds.readDayTable(date));
      else kb.addMissingDay(date);
      const D = addDays(date, 1);
      for (let steps = 1; steps <= options.retainDays; steps++) {
        const view = kb.asOf(D);
        const prev = view.previous(steps);
        const fresh = (await buildKnowledge(ds, addDays(D, -steps), options)).asOf(addDays(D, -steps));
        expectSameView(prev, fresh);
        // IPs first seen on the undone days are unknown to it.
        const later = tables.filter((t) => t.date >= prev.date && t.date < D).flatMap((t) => t.ip);
        for (const ip of later) if (fresh.idOf(ip) === undefined) expect(prev.idOf(ip)).toBeUndefined();
        compared++;
      }
      expect(() => kb.asOf(D).previous(options.retainDays + 1)).toThrow(/only the last 6 days.*retainDays/);
    }
    expect(compared).toBe(22 * 6);
  });

  it('previous() is previous(1); only from a live view; steps must be whole and >= 1', async () => {
    const kb = await buildKnowledge(ds, '2024-07-12', options);
    const view = kb.asOf('2024-07-12');
    expectSameView(view.previous(), view.previous(1));
    // 07-09 and 07-10 are missing: two and three steps back undo only 07-11, as one step does; four undo 07-08 too.
    expect(view.previous(3).foldedDays).toBe(view.previous(1).foldedDays);
    expect(view.previous(3).size).toBe(view.previous(2).size);
    expect(view.previous(4).foldedDays).toBe(view.foldedDays - 2);
    expect(() => view.previous(2).previous()).toThrow(/made by previous\(\)/);
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => view.previous(bad)).toThrow(UsageError);
  });
});
