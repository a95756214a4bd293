import { describe, expect, it } from 'vitest';
import {
  buildKnowledge,
  type DayTable,
  getModel,
  KnowledgeBase,
  type KnowledgeView,
  LookaheadError,
  loadModel,
  type Model,
  modelNames,
  type RankedList,
} from '../../src/index.js';
import { modelContext } from '../../src/models/model-context.js';
import { ipSortKey } from '../../src/util/ip/order.js';
import { cloneTable, memoryDataset, randomDays, table } from '../knowledge/memory-dataset.js';

/**
 * The shared check suite (STYLE.md, after river's): it runs on EVERY registered model — iterate the registry, so a
 * model registered later (Random Forest, CART, …) is covered without touching this file.
 */
const D = '2024-03-10';
const MISSING = ['2024-02-14', '2024-03-08'];
const HISTORY = randomDays({
  seed: 42,
  from: '2024-01-01',
  to: '2024-03-20',
  missing: MISSING,
  pool: 120,
});
const SEED = 1234;

async function knowledgeFor(model: Model, tables: DayTable[] = HISTORY) {
  const retainDays = Math.max(60, model.historyDays + 1);
  return buildKnowledge(memoryDataset(tables, MISSING), D, { retainDays, halfLives: model.halfLives });
}

function runOn(model: Model, kb: KnowledgeBase, seed = SEED) {
  const warnings: string[] = [];
  const ctx = modelContext(kb.asOf(D), { seed, warn: (m) => warnings.push(m) });
  return { ranked: model.rank(ctx), list: model.run(ctx), warnings, ctx };
}

/** Every id of a view in the tie order, by a comparison sort of (last seen desc, days active desc, flows desc, IP asc). */
function bruteTieOrder(view: KnowledgeView): number[] {
  const c = view.columns();
  return Array.from({ length: view.size }, (_, id) => id).sort(
    (a, b) =>
      c.lastSeen[b]! - c.lastSeen[a]! ||
      c.daysActive[b]! - c.daysActive[a]! ||
      c.flows[b]! - c.flows[a]! ||
      Buffer.compare(ipSortKey(view.ip(a)), ipSortKey(view.ip(b))),
  );
}

const plain = (l: RankedList) => ({
  ids: [...l.ids],
  ips: [...l.ips],
  scores: [...l.scores],
});

/** A few parameter sets per model: the defaults, and a budget (which every model has). */
const variants = (name: string) => [{}, { budget: 7 }].map((params) => getModel(name).create(params));

describe.each(modelNames())('conformance: %s', (name) => {
  it('ranked lists are well formed: scores finite and non-increasing, ties in the tie order, IPs known and once', async () => {
    for (const model of variants(name)) {
      const kb = await knowledgeFor(model);
      const view = kb.asOf(D);
      const { ranked, list } = runOn(model, kb);
      // The tie order (DESIGN §4) by a comparison sort: last seen latest first, days active, flows, IP ascending.
      const order = bruteTieOrder(view);
      expect([...view.tieOrder()]).toEqual(order);
      const rank = new Map<number, number>(order.map((id, k) => [id, k]));
      for (const l of [ranked, list]) {
        expect(l.ids.length).toBe(l.ips.length);
        expect(l.scores.length).toBe(l.ips.length);
        expect(new Set(l.ips).size).toBe(l.ips.length);
        for (let i = 0; i < l.ids.length; i++) {
          expect(Number.isFinite(l.scores[i])).toBe(true);
          expect(view.ip(l.ids[i]!)).toBe(l.ips[i]);
          if (i > 0) {
            expect(l.scores[i]!).toBeLessThanOrEqual(l.scores[i - 1]!);
            if (l.scores[i] === l.scores[i - 1])
              expect(rank.get(l.ids[i]!)!).toBeGreaterThan(rank.get(l.ids[i - 1]!)!);
          }
        }
      }
      if (model.params.budget !== null) {
        expect(list.ips.length).toBe(Math.min(model.params.budget, ranked.ips.length));
        expect(list.ips).toEqual(ranked.ips.slice(0, list.ips.length));
      }
    }
  });

  it('ctx.limit: the top `limit` entries are exactly those of the full ranking', async () => {
    const model = getModel(name).create({});
    const kb = await knowledgeFor(model);
    const full = model.rank(modelContext(kb.asOf(D), { seed: SEED }));
    for (const limit of [1, 2, 5, 13, 29, 500]) {
      const top = model.rank(modelContext(kb.asOf(D), { seed: SEED, limit }));
      const k = Math.min(limit, full.ids.length);
      expect(top.ids.length).toBeGreaterThanOrEqual(k);
      expect(plain(top).ips.slice(0, k)).toEqual(plain(full).ips.slice(0, k));
      expect(plain(top).scores.slice(0, k)).toEqual(plain(full).scores.slice(0, k));
    }
  });

  it('same seed ⇒ same list (fresh knowledge, fresh model)', async () => {
    const a = runOn(getModel(name).create(), await knowledgeFor(getModel(name).create()));
    const b = runOn(getModel(name).create(), await knowledgeFor(getModel(name).create()));
    expect(plain(b.list)).toEqual(plain(a.list));
    expect(plain(b.ranked)).toEqual(plain(a.ranked));
    expect(b.warnings).toEqual(a.warnings);
    const again = getModel(name).create().run(a.ctx);
    expect(plain(again)).toEqual(plain(a.list));
  });

  it('does not modify its inputs (knowledge, rows, params)', async () => {
    for (const params of [{}, { budget: 3 }]) {
      const given = structuredClone(params);
      const model = getModel(name).create(given);
      const kb = await knowledgeFor(model);
      const before = kb.toBytes();
      const view = kb.asOf(D);
      const columns = structuredClone(view.columns());
      runOn(model, kb);
      runOn(model, kb);
      expect(kb.toBytes()).toEqual(before);
      expect(view.columns()).toEqual(columns);
      expect(given).toEqual(params);
    }
  });

  it('toJSON → load round-trips to the same list', async () => {
    for (const model of variants(name)) {
      const json = JSON.parse(JSON.stringify(model));
      expect(json.name).toBe(name);
      const back = loadModel(json);
      expect(back.params).toEqual(model.params);
      expect(getModel(name).load(json).toJSON()).toEqual(model.toJSON());
      const kb = await knowledgeFor(model);
      expect(plain(runOn(back, kb).list)).toEqual(plain(runOn(model, kb).list));
    }
    const other = modelNames().find((n) => n !== name)!;
    expect(() => getModel(name).load(getModel(other).create().toJSON())).toThrow(/JSON of a/);
  });

  it('no lookahead: adding or changing data of day D or later never changes the list for D', async () => {
    const model = getModel(name).create();
    const base = runOn(model, await knowledgeFor(model));
    // Data only before D.
    const before = HISTORY.filter((t) => t.date < D);
    expect(plain(runOn(model, await knowledgeFor(model, before)).list)).toEqual(plain(base.list));
    // Day D and later changed: new attackers, and known ones with huge volumes.
    const changed = HISTORY.map((t) => {
      if (t.date < D) return t;
      const c = cloneTable(t);
      c.flows = c.flows.map((f) => f * 1000 + 1);
      return c;
    });
    changed.push(
      table('2024-03-21', [
        ['1.2.3.4', 99_999, 5, 5, 5],
        ['2001:db8::abc', 5, 5, 5, 5],
      ]),
    );
    const dsChanged = memoryDataset(changed, MISSING);
    const kb = await buildKnowledge(dsChanged, D, {
      retainDays: Math.max(60, model.historyDays + 1),
      halfLives: model.halfLives,
    });
    expect(dsChanged.reads.every((day) => day < D)).toBe(true);
    const other = runOn(model, kb);
    expect(plain(other.list)).toEqual(plain(base.list));
    // Once day D is folded, the context for D is dead: the model cannot read D through it.
    kb.addDay(changed.find((t) => t.date === D)!);
    expect(() => model.run(other.ctx)).toThrow(LookaheadError);
  });

  it('empty history ⇒ empty list with a warning, not a crash', () => {
    const model = getModel(name).create();
    for (const kb of [new KnowledgeBase(), missingOnly()]) {
      const warnings: string[] = [];
      const list = model.run(modelContext(kb.asOf(D), { seed: SEED, warn: (m) => warnings.push(m) }));
      expect(list.ips).toEqual([]);
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings[0]).toContain(name);
    }
  });

  it('defaults are frozen and cannot be changed through a model or its params', () => {
    const factory = getModel(name);
    const snapshot = JSON.stringify(factory.defaults);
    expect(Object.isFrozen(factory.defaults)).toBe(true);
    for (const v of Object.values(factory.defaults))
      if (typeof v === 'object' && v !== null) expect(Object.isFrozen(v)).toBe(true);
    expect(() => {
      (factory.defaults as Record<string, unknown>).budget = 5;
    }).toThrow(TypeError);
    const model = factory.create();
    expect(() => {
      (model.params as Record<string, unknown>).budget = 5;
    }).toThrow(TypeError);
    for (const v of Object.values(model.params)) {
      if (Array.isArray(v)) expect(() => v.push(1)).toThrow(TypeError);
    }
    const given: Record<string, unknown> = { budget: 4 };
    const m = factory.create(given);
    given.budget = 9;
    expect(m.params.budget).toBe(4);
    expect(JSON.stringify(factory.create().params)).toBe(snapshot);
    expect(JSON.stringify(factory.defaults)).toBe(snapshot);
  });
});

function missingOnly(): KnowledgeBase {
  const kb = new KnowledgeBase();
  for (const day of ['2024-03-07', '2024-03-08', '2024-03-09']) kb.addMissingDay(day);
  return kb;
}
