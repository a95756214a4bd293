import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aipFeatures, buildKnowledge, type DayTable, openDataset, parseDay } from '../../src/index.js';
import { SHARED_DATA } from '../helpers.js';
import { memoryDataset, randomDays, testRng } from './memory-dataset.js';

/**
 * The knowledge base against a brute-force recomputation: for random IPs, totals, days active, first/last seen and
 * the means are recomputed straight from the raw day tables (rows in day order, 0 flows → 1) and must be equal.
 */
function bruteForce(tables: DayTable[], before: string, ip: string) {
  let flows = 0;
  let duration = 0;
  let bytes = 0;
  let packets = 0;
  let days = 0;
  let first: number | undefined;
  let last: number | undefined;
  for (const t of [...tables].sort((a, b) => (a.date < b.date ? -1 : 1))) {
    if (t.date >= before) continue;
    const i = t.ip.indexOf(ip);
    if (i < 0) continue;
    flows += t.flows[i] === 0 ? 1 : t.flows[i]!;
    duration += t.duration[i]!;
    bytes += t.bytes[i]!;
    packets += t.packets[i]!;
    days++;
    first ??= parseDay(t.date);
    last = parseDay(t.date);
  }
  return {
    totals: [flows, duration, bytes, packets],
    days,
    first,
    last,
    means: [flows / days, duration / flows, bytes / flows, packets / flows],
  };
}

async function check(tables: DayTable[], missing: string[], dates: string[], seed: number) {
  const ds = memoryDataset(tables, missing);
  const r = testRng(seed);
  let checked = 0;
  for (const date of dates) {
    const view = (await buildKnowledge(ds, date)).asOf(date);
    const seen = new Set(tables.filter((t) => t.date < date).flatMap((t) => t.ip));
    expect(view.size).toBe(seen.size);
    const c = view.columns();
    const f = aipFeatures(view);
    for (let k = 0; k < Math.min(40, view.size); k++) {
      const id = r(0, view.size - 1);
      const want = bruteForce(tables, date, view.ip(id));
      expect([c.flows[id], c.duration[id], c.bytes[id], c.packets[id]]).toEqual(want.totals);
      expect([c.daysActive[id], c.firstSeen[id], c.lastSeen[id]]).toEqual([want.days, want.first, want.last]);
      expect(f.slice(4).map((col) => col[id])).toEqual(want.means);
      checked++;
    }
  }
  return checked;
}

describe('knowledge base = brute-force recomputation from the day tables', () => {
  it('on random day tables (IPv4 and IPv6, 0-flow rows, empty and missing days)', async () => {
    for (const seed of [11, 12, 13]) {
      const missing = ['2024-04-09', '2024-04-20'];
      const tables = randomDays({
        seed,
        from: '2024-04-01',
        to: '2024-04-30',
        missing,
      });
      const n = await check(tables, missing, ['2024-04-02', '2024-04-10', '2024-04-21', '2024-05-01'], seed);
      expect(n).toBeGreaterThan(60);
    }
  });

  it('on the real Cowrie day tables of the AIP reference', async () => {
    const ds = await openDataset(join(SHARED_DATA, 'aip-reference', 'cowrie-days'));
    const tables = await Promise.all(ds.days.map((day) => ds.readDayTable(day)));
    const n = await check(tables, ds.missingDays, ['2018-05-20', '2018-06-18', '2018-07-03'], 5);
    expect(n).toBe(120);
  });
});
