import { DataError } from '../util/errors.js';
import { type DayTable, emptyDayTable } from './day-table.js';
import { sortDayTable } from './day-table-csv.js';
import { MAX_COUNT, MAX_DURATION_US, secondsToMicros } from './day-table-domain.js';

/**
 * The row-wise sum of one day's tables (several sensors' tables of a day): one row per IP, its four columns summed,
 * rows sorted as day tables are (IPv4 numerically, then IPv6 numerically). The tables' IPs must be canonical, as
 * every day table's are, so one address is one text. Durations are summed as whole microseconds (what ingest sums;
 * exact below 2^32 s), so the sum of the sensors' tables of an ingest is the dataset's own table, value for value. A
 * sum past what a day table holds is a DataError naming the IP and the column.
 */
export function sumDayTables(date: string, tables: readonly DayTable[]): DayTable {
  if (tables.length === 1) return { ...tables[0]!, date };
  const rowOf = new Map<string, number>();
  const ip: string[] = [];
  let cap = 0;
  for (const t of tables) cap += t.ip.length;
  if (cap === 0) return emptyDayTable(date);
  const flows = new Float64Array(cap);
  const durationUs = new Float64Array(cap);
  const packets = new Float64Array(cap);
  const bytes = new Float64Array(cap);
  const over = (column: string, address: string) =>
    new DataError(
      `the ${column} of ${address} on ${date}, summed over the sensors' tables, pass ${column === 'duration' ? '2^53 µs' : '2^53 − 1'}`,
      { field: column },
    );
  for (const t of tables) {
    for (let i = 0; i < t.ip.length; i++) {
      const a = t.ip[i]!;
      let r = rowOf.get(a);
      if (r === undefined) {
        r = ip.length;
        ip.push(a);
        rowOf.set(a, r);
      }
      const f = flows[r]! + t.flows[i]!;
      const p = packets[r]! + t.packets[i]!;
      const b = bytes[r]! + t.bytes[i]!;
      const us = secondsToMicros(t.duration[i]!);
      if (f > MAX_COUNT) throw over('flows', a);
      if (us > MAX_DURATION_US - durationUs[r]!) throw over('duration', a);
      if (p > MAX_COUNT) throw over('packets', a);
      if (b > MAX_COUNT) throw over('bytes', a);
      flows[r] = f;
      durationUs[r]! += us;
      packets[r] = p;
      bytes[r] = b;
    }
  }
  const n = ip.length;
  const seconds = new Float64Array(n);
  for (let r = 0; r < n; r++) seconds[r] = durationUs[r]! / 1e6;
  return sortDayTable({
    date,
    ip,
    flows: flows.subarray(0, n),
    duration: seconds,
    packets: packets.subarray(0, n),
    bytes: bytes.subarray(0, n),
  });
}

/** The rows `rows` (indices, in order) of a table, as a table of its own. */
export function pickRows(table: DayTable, rows: readonly number[]): DayTable {
  const pick = (column: Float64Array) => Float64Array.from(rows, (i) => column[i]!);
  return {
    date: table.date,
    ip: rows.map((i) => table.ip[i]!),
    flows: pick(table.flows),
    duration: pick(table.duration),
    packets: pick(table.packets),
    bytes: pick(table.bytes),
  };
}
