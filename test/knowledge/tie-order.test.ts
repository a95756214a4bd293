import { describe, expect, it } from 'vitest';
import { type DayTable, KnowledgeBase, type KnowledgeView } from '../../src/index.js';
import { dayRange } from '../../src/util/dates.js';
import { ipSortKey } from '../../src/util/ip/order.js';
import { randomDays } from './memory-dataset.js';

/** The tie order by brute force: a comparison sort on (last seen desc, days active desc, flows desc, IP asc). */
function bruteTieOrder(view: KnowledgeView): string[] {
  const c = view.columns();
  const ids = Array.from({ length: view.size }, (_, i) => i);
  ids.sort(
    (a, b) =>
      c.lastSeen[b]! - c.lastSeen[a]! ||
      c.daysActive[b]! - c.daysActive[a]! ||
      c.flows[b]! - c.flows[a]! ||
      Buffer.compare(ipSortKey(view.ip(a)), ipSortKey(view.ip(b))),
  );
  return ids.map((id) => view.ip(id));
}

const ipsOf = (view: KnowledgeView, order: Int32Array) => [...order].map((id) => view.ip(id));

describe('tie order (DESIGN §4: recency, days active, flows, IP)', () => {
  it.each([1, 2, 3])(
    'equals a brute-force sort after every fold, incremental and from scratch (seed %i)',
    (seed) => {
      const missing = ['2024-01-05', '2024-01-06', '2024-01-19'];
      const tables = randomDays({ seed, from: '2024-01-01', to: '2024-01-30', missing, pool: 70 });
      const byDate = new Map<string, DayTable>(tables.map((t) => [t.date, t]));
      const kb = new KnowledgeBase({ retainDays: 3 });
      let compared = 0;
      for (const date of dayRange('2024-01-01', '2024-01-30')) {
        const t = byDate.get(date);
        if (t) kb.addDay(t);
        else kb.addMissingDay(date);
        const next = kb.nextDay!;
        const view = kb.asOf(next);
        const want = bruteTieOrder(view);
        expect(ipsOf(view, view.tieOrder())).toEqual(want);
        // A knowledge base rebuilt from bytes has no cache: the full sort gives the same order.
        const fresh = KnowledgeBase.fromBytes(kb.toBytes()).asOf(next);
        expect(ipsOf(fresh, fresh.tieOrder())).toEqual(want);
        // The state as of D-1 (a copy) sorts its own columns.
        const before = view.previous();
        expect(ipsOf(before, before.tieOrder())).toEqual(bruteTieOrder(before));
        compared++;
      }
      expect(compared).toBe(30);
    },
  );

  it('breaks ties in the stated order: recency beats persistence beats volume beats address', () => {
    const kb = new KnowledgeBase();
    const day = (date: string, rows: [string, number][]): DayTable => ({
      date,
      ip: rows.map((r) => r[0]),
      flows: Float64Array.from(rows, (r) => r[1]),
      duration: new Float64Array(rows.length),
      packets: new Float64Array(rows.length),
      bytes: new Float64Array(rows.length),
    });
    kb.addDay(
      day('2024-01-01', [
        ['9.9.9.9', 1],
        ['8.8.8.8', 1],
        ['1.1.1.1', 500],
      ]),
    );
    kb.addDay(
      day('2024-01-02', [
        ['9.9.9.9', 1],
        ['2.2.2.2', 5],
        ['3.3.3.3', 5],
        ['4.4.4.4', 7],
      ]),
    );
    const view = kb.asOf('2024-01-03');
    // Seen on 01-02: 9.9.9.9 (2 days) first, then by flows 4.4.4.4 (7), then 2.2.2.2 and 3.3.3.3 (5 each) by address;
    // then 01-01 only: 1.1.1.1 (500 flows) before 8.8.8.8.
    expect(ipsOf(view, view.tieOrder())).toEqual([
      '9.9.9.9',
      '4.4.4.4',
      '2.2.2.2',
      '3.3.3.3',
      '1.1.1.1',
      '8.8.8.8',
    ]);
  });
});
