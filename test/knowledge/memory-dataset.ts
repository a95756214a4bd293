import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { emptyDayTable } from '../../src/days/day-table.js';
import { sortDayTable } from '../../src/days/day-table-csv.js';
import { DataError, type Dataset, type DayTable, UsageError } from '../../src/index.js';
import { dayRange } from '../../src/util/dates.js';

/** An in-memory Dataset (the interface openDataset returns) that records which days were read. */
export function memoryDataset(tables: DayTable[], missing: string[] = []): Dataset & { reads: string[] } {
  const byDate = new Map(tables.map((t) => [t.date, t]));
  const days = [...byDate.keys()].sort();
  const reads: string[] = [];
  return {
    dir: '<memory>',
    manifest: null,
    days,
    missingDays: [...missing].sort(),
    firstDay: days[0],
    lastDay: days[days.length - 1],
    reads,
    has: (date) => byDate.has(date),
    readDayTable: async (date) => {
      const t = byDate.get(date);
      if (!t) throw new DataError(`no day table for ${date}`);
      reads.push(date);
      return cloneTable(t);
    },
  };
}

export function cloneTable(t: DayTable): DayTable {
  return {
    date: t.date,
    ip: [...t.ip],
    flows: t.flows.slice(),
    duration: t.duration.slice(),
    packets: t.packets.slice(),
    bytes: t.bytes.slice(),
  };
}

export function table(
  date: string,
  rows: [ip: string, flows: number, duration: number, packets: number, bytes: number][],
): DayTable {
  return {
    date,
    ip: rows.map((r) => r[0]),
    flows: Float64Array.from(rows, (r) => r[1]),
    duration: Float64Array.from(rows, (r) => r[2]),
    packets: Float64Array.from(rows, (r) => r[3]),
    bytes: Float64Array.from(rows, (r) => r[4]),
  };
}

/** A seeded uniform integer source for tests (never Math.random). */
export function testRng(seed: number): (lo: number, hi: number) => number {
  const g = xoroshiro128plus(seed);
  for (let i = 0; i < 16; i++) g.unsafeNext();
  return (lo, hi) => unsafeUniformIntDistribution(lo, hi, g);
}

export interface RandomDaysOptions {
  seed: number;
  from: string;
  to: string;
  /** Distinct IPs the days draw from. @default 80 */
  pool?: number;
  /** Rows per day at most. @default 25 */
  perDay?: number;
  /** Days without a table. */
  missing?: string[];
}

/**
 * Random day tables over a pool of IPv4 and IPv6 attackers: repeated IPs across days, some 0-flow rows, some empty
 * days, equal values (ties) on purpose.
 */
export function randomDays(o: RandomDaysOptions): DayTable[] {
  const r = testRng(o.seed);
  const poolSize = o.pool ?? 80;
  const pool = Array.from({ length: poolSize }, (_, i) =>
    i % 7 === 3
      ? `2001:db8::${(i * 37).toString(16)}`
      : `${10 + (i % 5) * 40}.${i % 3}.${(i * 13) % 256}.${i}`,
  );
  const out: DayTable[] = [];
  for (const date of dayRange(o.from, o.to)) {
    if (o.missing?.includes(date)) continue;
    const rows = r(0, 9) === 0 ? 0 : r(1, o.perDay ?? 25);
    const chosen = new Set<number>();
    while (chosen.size < Math.min(rows, poolSize)) chosen.add(r(0, poolSize - 1) % (1 + r(0, poolSize - 1)));
    const picked = [...chosen];
    out.push(
      table(
        date,
        picked.map((i) => {
          const flows = r(0, 19) === 0 ? 0 : r(1, 6) * (r(0, 4) === 0 ? 50 : 1);
          return [
            pool[i]!,
            flows,
            r(0, 2) === 0 ? 0 : r(1, 90_000) / 1000,
            flows * r(1, 5),
            flows * r(40, 60),
          ];
        }),
      ),
    );
  }
  return out;
}

/** One read of a sensor dataset: the sensors of the view read (all of them for the dataset's own tables) and the day. */
export interface SensorRead {
  sensors: string;
  date: string;
}

/**
 * The row-wise sum of tables of one day (an IP in several: its rows added), rows in day-table order (IP ascending,
 * IPv4 first), as a per-sensor dataset's sensorView sums its sensors' tables.
 */
export function sumTables(date: string, tables: readonly DayTable[]): DayTable {
  const rows = new Map<string, [number, number, number, number]>();
  for (const t of tables)
    t.ip.forEach((ip, i) => {
      const r = rows.get(ip) ?? [0, 0, 0, 0];
      r[0] += t.flows[i]!;
      r[1] += t.duration[i]!;
      r[2] += t.packets[i]!;
      r[3] += t.bytes[i]!;
      rows.set(ip, r);
    });
  if (rows.size === 0) return emptyDayTable(date);
  return sortDayTable(
    table(
      date,
      [...rows].map(([ip, r]) => [ip, ...r]),
    ),
  );
}

/**
 * An in-memory dataset with per-sensor day tables (what `ingest --per-sensor` writes): its own tables (the AIP tables)
 * are the row-wise sums of every sensor's, and `sensorView(s)` sums the sensors `s`. A day is a day of the dataset
 * when some sensor has a table for it; a sensor without a table that day counts as empty. Every read is recorded in
 * `reads`: which sensors' tables (`a+b`, sensors ascending; the dataset's own tables read every sensor) for which day.
 */
export function memorySensorDataset(
  perSensor: Record<string, DayTable[]>,
  missing: string[] = [],
): Dataset & { reads: SensorRead[] } {
  const sensors = Object.keys(perSensor).sort();
  const bySensor = new Map(sensors.map((s) => [s, new Map(perSensor[s]!.map((t) => [t.date, t]))]));
  const days = [...new Set(sensors.flatMap((s) => perSensor[s]!.map((t) => t.date)))].sort();
  const reads: SensorRead[] = [];
  const view = (chosen: readonly string[]): Dataset => ({
    dir: '<memory>',
    manifest: null,
    days,
    missingDays: [...missing].sort(),
    firstDay: days[0],
    lastDay: days[days.length - 1],
    sensors: [...chosen],
    has: (date) => days.includes(date),
    readDayTable: async (date) => {
      if (!days.includes(date)) throw new DataError(`no day table for ${date}`);
      reads.push({ sensors: chosen.join('+'), date });
      return sumTables(
        date,
        chosen.map((s) => bySensor.get(s)!.get(date) ?? emptyDayTable(date)),
      );
    },
    sensorView: (wanted) => {
      const unknown = wanted.filter((s) => !chosen.includes(s));
      if (wanted.length === 0 || unknown.length > 0)
        throw new UsageError(
          `unknown sensor${unknown.length === 1 ? '' : 's'} ${unknown.join(', ') || '(none named)'}; known: ${chosen.join(', ')}`,
        );
      return view([...new Set(wanted)].sort());
    },
  });
  return Object.assign(view(sensors), { reads });
}
