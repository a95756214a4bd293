import { describe, expect, it } from 'vitest';
import { createModel, type DayTable, KnowledgeBase } from '../../src/index.js';
import { cartRules } from '../../src/models/cart.js';
import { modelContext } from '../../src/models/model-context.js';
import { ATTACKER_FEATURES, attackerFeatures } from '../../src/models/trees/attacker-features.js';
import { nextDayTrainingSet } from '../../src/models/trees/next-day-training-set.js';
import { randomDays, table, testRng } from '../knowledge/memory-dataset.js';

function knowledge(tables: DayTable[], missing: string[] = []): KnowledgeBase {
  const kb = new KnowledgeBase();
  const all = [...tables.map((t) => t.date), ...missing].sort();
  for (const date of all) {
    const t = tables.find((x) => x.date === date);
    if (t) kb.addDay(t);
    else kb.addMissingDay(date);
  }
  return kb;
}

function run(name: string, params: Record<string, unknown>, kb: KnowledgeBase, date: string, seed = 1) {
  const warnings: string[] = [];
  const ctx = modelContext(kb.asOf(date), { seed, warn: (m) => warnings.push(m) });
  const model = createModel(name, params);
  return { model, ctx, ranked: model.rank(ctx), list: model.run(ctx), warnings };
}

// A: 2 flows on 03-01, 1 on 03-03; B: a 0-flow row (counted 1) on 03-01; C: first seen 03-03.
const TINY = [
  table('2024-03-01', [
    ['10.0.0.1', 2, 4, 6, 100],
    ['10.0.0.2', 0, 0, 1, 40],
  ]),
  table('2024-03-02', []),
  table('2024-03-03', [
    ['10.0.0.1', 1, 2, 3, 50],
    ['10.0.0.3', 5, 5, 5, 5],
  ]),
];

describe('features and labels', () => {
  it('attackerFeatures: AIP’s column order, the knowledge-base columns and the two day counts as of D', () => {
    const view = knowledge(TINY).asOf('2024-03-04');
    const x = attackerFeatures(view);
    expect(x.length).toBe(ATTACKER_FEATURES.length);
    const row = (ip: string) =>
      Object.fromEntries(ATTACKER_FEATURES.map((f, k) => [f, x[k]![view.idOf(ip)!]]));
    expect(row('10.0.0.1')).toEqual({
      flows: 3,
      duration: 6,
      bytes: 150,
      packets: 9,
      mean_flows: 1.5,
      mean_duration: 2,
      mean_bytes: 50,
      mean_packets: 3,
      days_active: 2,
      days_since_last_seen: 1, // 03-04 − 03-03
      days_first_to_last_seen: 2, // 03-03 − 03-01
    });
    expect(row('10.0.0.2')).toMatchObject({
      flows: 1,
      mean_bytes: 40,
      days_active: 1,
      days_since_last_seen: 3,
    });
    expect(row('10.0.0.3')).toMatchObject({ days_since_last_seen: 1, days_first_to_last_seen: 0 });
  });

  it('nextDayTrainingSet(D): IPs known before D−1, features as of D−1, label = in D−1’s table', () => {
    const set = nextDayTrainingSet(knowledge(TINY).asOf('2024-03-04'));
    expect(set.labelDate).toBe('2024-03-03');
    expect([...set.labels]).toEqual([1, 0]); // A attacked on 03-03, B did not; C (new on 03-03) is not a row
    expect(set.positives).toBe(1);
    // Brute force: the features of a knowledge base that never saw 03-03.
    const before = attackerFeatures(knowledge(TINY.slice(0, 2)).asOf('2024-03-03'));
    expect(set.columns.map((c) => [...c])).toEqual(before.map((c) => [...c]));
    expect(set.columns[9]![0]).toBe(2); // A: days since last seen, counted from 03-03 (AIP counts from D: 3)
  });

  it('on random histories the labels are exactly the known IPs in D−1’s table', () => {
    const days = randomDays({ seed: 8, from: '2024-01-01', to: '2024-02-10', pool: 150 });
    const kb = knowledge(days);
    const dMinus1 = days.find((t) => t.date === '2024-02-10')!;
    const set = nextDayTrainingSet(kb.asOf('2024-02-11'));
    const known = knowledge(days.filter((t) => t.date < '2024-02-10')).asOf('2024-02-10');
    expect(set.labels.length).toBe(known.size);
    const attacked = new Set(dMinus1.ip);
    for (let id = 0; id < known.size; id++) expect(set.labels[id]).toBe(attacked.has(known.ip(id)) ? 1 : 0);
  });
});

/** 20 regulars attack every day; 300 one-off IPs attack once each. The list for D should be the regulars. */
function regularsAndOneOffs(): { kb: KnowledgeBase; regulars: string[]; tables: DayTable[] } {
  const r = testRng(3);
  const regulars = Array.from({ length: 20 }, (_, i) => `192.0.2.${i + 1}`);
  const tables: DayTable[] = [];
  for (let d = 1; d <= 20; d++) {
    const date = `2024-01-${String(d).padStart(2, '0')}`;
    const rows: [string, number, number, number, number][] = regulars.map((ip) => [
      ip,
      r(5, 15),
      r(1, 50),
      30,
      3000,
    ]);
    for (let k = 0; k < 15; k++) rows.push([`198.51.${d}.${k}`, r(1, 3), r(0, 5), 3, 180]);
    tables.push(table(date, rows));
  }
  return { kb: knowledge(tables), regulars, tables };
}

describe('Random_Forest', () => {
  const { kb, regulars, tables } = regularsAndOneOffs();
  const D = '2024-01-21';
  // The set in the tie order, from the day tables: every regular was last seen on 01-20 and active 20 days, so they
  // are ordered by total flows (most first), then by IP.
  const totalFlows = new Map<string, number>();
  for (const t of tables)
    for (const [i, ip] of t.ip.entries()) totalFlows.set(ip, (totalFlows.get(ip) ?? 0) + t.flows[i]!);
  const byIp = (a: string, b: string) => Number(a.split('.')[3]) - Number(b.split('.')[3]);
  const sortedRegulars = [...regulars].sort((a, b) => totalFlows.get(b)! - totalFlows.get(a)! || byIp(a, b));

  it('lists the predicted attackers (probability > 0.5): here the regulars, with probability as the score', () => {
    const { list, ranked, warnings } = run('Random_Forest', {}, kb, D);
    expect(warnings).toEqual([]);
    expect(new Set(list.ips)).toEqual(new Set(regulars));
    expect(ranked.ips.length).toBe(kb.asOf(D).size); // every known IP is ranked
    expect(list.scores.every((s) => s > 0.5 && s <= 1)).toBe(true);
    expect(ranked.scores[list.ips.length]!).toBeLessThanOrEqual(0.5);
  });

  it('a budget keeps the most probable; rankBy prediction gives AIP’s unranked set (1/0, in the tie order)', () => {
    const byProbability = run('Random_Forest', {}, kb, D);
    expect(run('Random_Forest', { budget: 5 }, kb, D).list.ips).toEqual(byProbability.ranked.ips.slice(0, 5));
    const set = run('Random_Forest', { rankBy: 'prediction' }, kb, D);
    expect(set.model.unranked).toBe(true);
    expect(set.list.ips).toEqual(sortedRegulars);
    expect([...set.list.scores]).toEqual(regulars.map(() => 1));
    expect(run('Random_Forest', { rankBy: 'prediction', budget: 3 }, kb, D).list.ips).toEqual(
      sortedRegulars.slice(0, 3),
    );
    // Not the lowest addresses: the flows decide here.
    expect(sortedRegulars.slice(0, 3)).not.toEqual([...regulars].sort(byIp).slice(0, 3));
  });

  it('the ml engine finds the same list', () => {
    expect(new Set(run('Random_Forest', { engine: 'ml' }, kb, D).list.ips)).toEqual(new Set(regulars));
  });

  it('deterministic: the seed comes from params.seed, else the run seed, mixed with D', () => {
    const days = randomDays({ seed: 4, from: '2024-01-01', to: '2024-03-01', pool: 200, perDay: 60 });
    const noisy = knowledge(days);
    const scores = (params: Record<string, unknown>, seed: number) => [
      ...run('Random_Forest', params, noisy, '2024-03-02', seed).ranked.scores,
    ];
    expect(scores({}, 1)).toEqual(scores({}, 1));
    expect(scores({}, 2)).not.toEqual(scores({}, 1));
    expect(scores({ seed: 9 }, 1)).toEqual(scores({ seed: 9 }, 2));
  });

  it('nothing to learn ⇒ an empty list and a warning saying why', () => {
    const missingYesterday = knowledge(TINY, ['2024-03-04']);
    const a = run('Random_Forest', {}, missingYesterday, '2024-03-05');
    expect(a.list.ips).toEqual([]);
    expect(a.warnings.join('\n')).toMatch(/2024-03-04 is a missing day/);
    const firstDayOnly = knowledge(TINY.slice(0, 1));
    const b = run('Random_Forest', {}, firstDayOnly, '2024-03-02');
    expect(b.list.ips).toEqual([]);
    expect(b.warnings.join('\n')).toMatch(/no IP known before 2024-03-01/);
  });

  it('refuses bad params, naming them', () => {
    expect(() => createModel('Random_Forest', { engine: 'sklearn' })).toThrow(/engine/);
    expect(() => createModel('Random_Forest', { maxFeatures: 'half' })).toThrow(/maxFeatures/);
    expect(() => createModel('Random_Forest', { threshold: 1 })).toThrow(/threshold/);
    expect(() => createModel('Random_Forest', { trees: 0 })).toThrow(/trees/);
  });
});

describe('CART', () => {
  const { kb, regulars } = regularsAndOneOffs();
  const D = '2024-01-21';

  it('lists the same attackers as the forest here, and prints its rules as if/else text', () => {
    const { list, model, ctx } = run('CART', {}, kb, D);
    expect(new Set(list.ips)).toEqual(new Set(regulars));
    const rules = cartRules(model, ctx);
    expect(rules).toMatch(/^CART for 2024-01-21 \(engine histogram, maxDepth 5, minSamplesLeaf 10\)\n/);
    expect(rules).toContain(
      'trained on the 305 IPs known before 2024-01-20, 20 of them attacking on 2024-01-20',
    );
    expect(rules).toMatch(/\nif [a-z_]+ <= [\d.]+:\n {2}p\(attacked\) = [\d.]+ {2}\(n = \d+\)\nelse:\n/);
    const ml = run('CART', { engine: 'ml' }, kb, D);
    expect(new Set(ml.list.ips)).toEqual(new Set(regulars));
    expect(cartRules(ml.model, ml.ctx)).toMatch(/\nif [a-z_]+ < [\d.]+:\n/);
  });

  it('explains when there is no tree, and refuses another model', () => {
    const empty = new KnowledgeBase();
    const ctx = modelContext(empty.asOf(D));
    expect(cartRules(createModel('CART'), ctx)).toMatch(/no tree: .*empty history/);
    expect(() => cartRules(createModel('Random_Forest'), modelContext(kb.asOf(D)))).toThrow(
      /expected a CART/,
    );
  });
});
