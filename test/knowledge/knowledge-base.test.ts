import { describe, expect, it } from 'vitest';
import { emptyDayTable } from '../../src/days/day-table.js';
import {
  addDays,
  aipFeatures,
  buildKnowledge,
  DataError,
  foldDaysBefore,
  KnowledgeBase,
  LookaheadError,
  parseDay,
  UsageError,
} from '../../src/index.js';
import { memoryDataset, randomDays, table } from './memory-dataset.js';

const d = (s: string) => parseDay(s)!;

function smallKb(): KnowledgeBase {
  const kb = new KnowledgeBase();
  kb.addDay(
    table('2024-01-01', [
      ['10.0.0.2', 2, 1.5, 10, 400],
      ['2001:db8::1', 0, 0, 1, 60], // 0 flows counts as 1 flow
    ]),
  );
  kb.addDay(
    table('2024-01-02', [
      ['10.0.0.2', 4, 0.5, 20, 800],
      ['9.9.9.9', 1, 3, 2, 100],
    ]),
  );
  kb.addMissingDay('2024-01-03');
  kb.addDay(table('2024-01-04', [['2001:db8::1', 3, 6, 9, 300]]));
  return kb;
}

describe('knowledge base folding (DESIGN §2.3)', () => {
  it('keeps totals, days active, first/last seen; a 0-flow row counts as 1 flow', () => {
    const view = smallKb().asOf('2024-01-05');
    expect(view.size).toBe(3);
    const c = view.columns();
    const id = (ip: string) => view.idOf(ip)!;
    const a = id('10.0.0.2');
    const b = id('2001:db8::1');
    const e = id('9.9.9.9');
    expect([c.flows[a], c.duration[a], c.packets[a], c.bytes[a], c.daysActive[a]]).toEqual([
      6, 2, 30, 1200, 2,
    ]);
    expect([c.firstSeen[a], c.lastSeen[a]]).toEqual([d('2024-01-01'), d('2024-01-02')]);
    expect([c.flows[b], c.duration[b], c.packets[b], c.bytes[b], c.daysActive[b]]).toEqual([
      4, 6, 10, 360, 2,
    ]);
    expect([c.firstSeen[b], c.lastSeen[b]]).toEqual([d('2024-01-01'), d('2024-01-04')]);
    expect([c.flows[e], c.daysActive[e]]).toEqual([1, 1]);
    expect(view.missingDays).toEqual(['2024-01-03']);
    expect(view.foldedDays).toBe(3);
    expect(view.firstDay).toBe('2024-01-01');
  });

  it('computes the means AIP uses', () => {
    const view = smallKb().asOf('2024-01-05');
    const f = aipFeatures(view);
    const a = view.idOf('10.0.0.2')!;
    const b = view.idOf('2001:db8::1')!;
    // mean_flows = flows / days_active; the others = total / flows
    expect(f.map((col) => col[a])).toEqual([6, 2, 1200, 30, 3, 2 / 6, 1200 / 6, 30 / 6]);
    expect(f.map((col) => col[b])).toEqual([4, 6, 360, 10, 2, 6 / 4, 360 / 4, 10 / 4]);
  });

  it('orders IPs numerically, IPv4 before IPv6', () => {
    const kb = new KnowledgeBase();
    kb.addDay(
      table(
        '2024-01-01',
        ['2001:db8::10', '10.0.0.1', '9.255.255.255', '::1', '2001:db8::9', '255.0.0.0'].map((ip) => [
          ip,
          1,
          0,
          1,
          1,
        ]),
      ),
    );
    kb.addDay(table('2024-01-02', [['10.0.0.0', 1, 0, 1, 1]]));
    const view = kb.asOf('2024-01-03');
    expect([...view.ipOrder()].map((id) => view.ip(id))).toEqual([
      '9.255.255.255',
      '10.0.0.0',
      '10.0.0.1',
      '255.0.0.0',
      '::1',
      '2001:db8::9',
      '2001:db8::10',
    ]);
  });

  it('folds days in order only, and says what to do', () => {
    const kb = smallKb();
    expect(() => kb.addDay(emptyDayTable('2024-01-07'))).toThrow(/in order.*addMissingDay/);
    expect(() => kb.addDay(emptyDayTable('2024-01-02'))).toThrow(/already folded/);
    expect(kb.nextDay).toBe('2024-01-05');
  });

  it('refuses a bad table and stays unchanged', () => {
    const kb = smallKb();
    const before = kb.toBytes();
    expect(() =>
      kb.addDay(
        table('2024-01-05', [
          ['1.2.3.4', 1, 0, 1, 1],
          ['10.0.0.2', 1, 0, 1, 1],
          ['1.2.3.4', 1, 0, 1, 1],
        ]),
      ),
    ).toThrow(DataError);
    expect(() => kb.addDay(table('2024-01-05', [['1.2.3.5', Number.NaN, 0, 1, 1]]))).toThrow(/flows is NaN/);
    expect(() => kb.addDay(table('2024-01-05', [['not-an-ip', 1, 0, 1, 1]]))).toThrow(/not an IP/);
    expect(kb.toBytes()).toEqual(before);
    kb.addDay(table('2024-01-05', [['1.2.3.4', 1, 0, 1, 1]]));
    expect(kb.asOf('2024-01-06').idOf('1.2.3.4')).toBe(3);
  });
});

describe('asOf: no view ever sees day D', () => {
  it('throws a LookaheadError for a date already folded', () => {
    const kb = smallKb();
    expect(() => kb.asOf('2024-01-04')).toThrow(LookaheadError);
    expect(() => kb.asOf('2023-12-01')).toThrow(LookaheadError);
  });

  it('throws a UsageError for a date whose previous days are not folded yet', () => {
    expect(() => smallKb().asOf('2024-01-09')).toThrow(UsageError);
    expect(() => smallKb().asOf('2024-01-09')).toThrow(/fold 2024-01-05 .. 2024-01-08 first/);
  });

  it('a view used after the knowledge base folded its day throws', () => {
    const kb = smallKb();
    const view = kb.asOf('2024-01-05');
    expect(view.size).toBe(3);
    kb.addDay(table('2024-01-05', [['1.1.1.1', 5, 0, 5, 5]]));
    for (const use of [
      () => view.columns(),
      () => view.ip(0),
      () => view.idOf('1.1.1.1'),
      () => view.ipOrder(),
      () => view.window(1),
      () => view.previous(),
    ]) {
      expect(use).toThrow(LookaheadError);
    }
    expect(() => view.columns()).toThrow(/folded 2024-01-05: it would see day 2024-01-05/);
  });

  it('an empty knowledge base gives an empty view for any date', () => {
    const view = new KnowledgeBase().asOf('2030-01-01');
    expect(view.size).toBe(0);
    expect(view.firstDay).toBeUndefined();
    expect([...view.ipOrder()]).toEqual([]);
  });
});

describe('windows and the previous day', () => {
  it('window() returns the rows of D-L .. D-1, with missing days and days before the start', () => {
    const view = smallKb().asOf('2024-01-05');
    const w = view.window(5);
    expect(w.from).toBe('2023-12-31');
    expect(w.to).toBe('2024-01-04');
    expect(w.days.map((r) => r.date)).toEqual(['2024-01-01', '2024-01-02', '2024-01-04']);
    expect(w.missingDays).toEqual(['2024-01-03']);
    expect(w.daysBeforeStart).toEqual(['2023-12-31']);
    const jan2 = w.days[1]!;
    expect([...jan2.ids].map((id) => view.ip(id))).toEqual(['10.0.0.2', '9.9.9.9']);
    expect([...jan2.flows]).toEqual([4, 1]);
    // raw day-table values: the 0-flow row stays 0 here
    expect([...w.days[0]!.flows]).toEqual([2, 0]);
  });

  it('keeps only retainDays of rows and says so', () => {
    const kb = new KnowledgeBase({ retainDays: 2 });
    for (const t of randomDays({
      seed: 1,
      from: '2024-01-01',
      to: '2024-01-10',
    }))
      kb.addDay(t);
    const view = kb.asOf('2024-01-11');
    expect(view.window(2).days).toHaveLength(2);
    expect(() => view.window(3)).toThrow(/keeps only the last 2 days.*retainDays/);
    expect(() => new KnowledgeBase({ retainDays: 0 })).toThrow(/retainDays/);
  });

  it('previous() equals a knowledge base built up to D-1, bit for bit', async () => {
    const tables = randomDays({
      seed: 7,
      from: '2024-02-01',
      to: '2024-02-20',
      missing: ['2024-02-10'],
    });
    const ds = memoryDataset(tables, ['2024-02-10']);
    for (const date of ['2024-02-05', '2024-02-11', '2024-02-12', '2024-02-21']) {
      const at = await buildKnowledge(ds, date);
      const before = await buildKnowledge(ds, previousDay(date));
      const prev = at.asOf(date).previous();
      const expected = before.asOf(previousDay(date));
      expect(prev.date).toBe(expected.date);
      expect(prev.size).toBe(expected.size);
      expect(prev.foldedDays).toBe(expected.foldedDays);
      expect(prev.missingDays).toEqual(expected.missingDays);
      expect(prev.columns()).toEqual(expected.columns());
      expect([...prev.ipOrder()]).toEqual([...expected.ipOrder()]);
      expect(() => prev.previous()).toThrow(/made by previous\(\)/);
    }
  });
});

const previousDay = (date: string) => addDays(date, -1);

describe('foldDaysBefore', () => {
  it('reads only days before D and folds gaps as missing', async () => {
    const tables = randomDays({
      seed: 3,
      from: '2024-03-01',
      to: '2024-03-10',
      missing: ['2024-03-04'],
    });
    const ds = memoryDataset(tables, ['2024-03-04']);
    const kb = new KnowledgeBase();
    const r1 = await foldDaysBefore(kb, ds, '2024-03-06');
    expect(r1.folded).toEqual(['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-05']);
    expect(r1.missing).toEqual(['2024-03-04']);
    expect(ds.reads.every((x) => x < '2024-03-06')).toBe(true);
    // Days after the dataset's last day have no table either: missing, not empty.
    const r2 = await foldDaysBefore(kb, ds, '2024-03-13');
    expect(r2.missing).toEqual(['2024-03-11', '2024-03-12']);
    expect(kb.missingDays).toEqual(['2024-03-04', '2024-03-11', '2024-03-12']);
    await expect(foldDaysBefore(kb, ds, '2024-03-02')).rejects.toThrow(LookaheadError);
  });

  it('an empty dataset gives an empty knowledge base', async () => {
    const kb = await buildKnowledge(memoryDataset([]), '2024-01-01');
    expect(kb.size).toBe(0);
    expect(kb.asOf('2024-05-05').size).toBe(0);
  });
});
