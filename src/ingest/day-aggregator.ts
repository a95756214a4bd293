import type { DayTable } from '../days/day-table.js';
import { MAX_COUNT, MAX_DURATION_US } from '../days/day-table-domain.js';
import { DataError } from '../util/errors.js';
import { ipv4ToNumber, sortIpIndex } from '../util/ip/index.js';

/** Which sum `add` found would pass what a day table holds (COLUMN_NAMES[k]), or OK. */
export const OK = -1;
const FLOWS = 0;
const DURATION = 1;
const PACKETS = 2;
const BYTES = 3;
export const COLUMN_NAMES = ['flows', 'duration', 'packets', 'bytes'] as const;

/**
 * Sums one UTC day's flows per attacker into growable typed columns, keyed by interned IP id (see IpInterner): the
 * hot path is two typed-array reads, four adds and four compares. `toSortedTable` turns ids into canonical IPs,
 * merging the rare non-canonical spellings of one address. Memory grows with the day's distinct IPs, not with its
 * flows.
 *
 * Sums are exact: flows, packets and bytes are whole numbers, durations whole microseconds (each record's duration
 * rounded to the µs, Zeek's resolution; the day table holds µs / 10^6 s), all held in doubles, which are exact up to
 * 2^53. A sum that would pass 2^53 − 1 (2^53 µs for durations) is not made: `add` says which column, for the caller
 * to report where the record came from (see day-table-domain.ts). So sums do not depend on the order of the records,
 * nor on how they were split between workers.
 */
export class DayAggregator {
  private rowOfId = new Int32Array(1024).fill(-1);
  private ids = new Int32Array(1024);
  private n = 0;
  /** Ids that share the row of another id (another spelling of its address): their rowOfId is cleared by reset. */
  private aliases: number[] = [];
  flows = new Float64Array(1024);
  /** Whole microseconds. */
  durationUs = new Float64Array(1024);
  packets = new Float64Array(1024);
  bytes = new Float64Array(1024);

  constructor(public day: number) {}

  /**
   * Empties the aggregator for another day, keeping its arrays: a fresh one would grow them again by doubling, and
   * with global ids its id index is as large as the whole interner (those reallocations drove most of the GC).
   */
  reset(day: number): void {
    for (let r = 0; r < this.n; r++) this.rowOfId[this.ids[r]!] = -1;
    for (const id of this.aliases) this.rowOfId[id] = -1;
    this.aliases.length = 0;
    this.n = 0;
    this.day = day;
  }

  get size(): number {
    return this.n;
  }

  /** The IP id of row `r` (the id its row was made for). */
  idAt(r: number): number {
    return this.ids[r]!;
  }

  /** Row of an IP id, or -1 when the IP has no row yet. */
  rowOf(id: number): number {
    return id < this.rowOfId.length ? this.rowOfId[id]! : -1;
  }

  /** Creates the row of a new IP id. */
  newRow(id: number): number {
    this.room(id);
    const r = this.n++;
    if (r === this.ids.length) this.grow();
    this.ids[r] = id;
    this.rowOfId[id] = r;
    this.flows[r] = 0;
    this.durationUs[r] = 0;
    this.packets[r] = 0;
    this.bytes[r] = 0;
    return r;
  }

  /** Makes `id` (another spelling of the address of row `r`) sum into row `r`. */
  alias(id: number, r: number): void {
    this.room(id);
    this.rowOfId[id] = r;
    this.aliases.push(id);
  }

  /** Sums a record into the row of an IP id (made if new); OK, or the column whose sum would pass its bound. */
  add(id: number, flows: number, durationUs: number, packets: number, bytes: number): number {
    let r = this.rowOf(id);
    if (r < 0) r = this.newRow(id);
    return this.addToRow(r, flows, durationUs, packets, bytes);
  }

  /**
   * Sums a record into row `r`: OK, or (adding nothing) the first column whose sum would pass its bound. The values
   * must be in their domains (whole, at most MAX_COUNT or MAX_DURATION_US): a sum of two such counts past 2^53 − 1
   * comes out at least 2^53 however it rounds, and the duration bound is checked before adding.
   */
  addToRow(r: number, flows: number, durationUs: number, packets: number, bytes: number): number {
    const f = this.flows[r]! + flows;
    const p = this.packets[r]! + packets;
    const b = this.bytes[r]! + bytes;
    const d = this.durationUs[r]!;
    if (f > MAX_COUNT) return FLOWS;
    if (durationUs > MAX_DURATION_US - d) return DURATION;
    if (p > MAX_COUNT) return PACKETS;
    if (b > MAX_COUNT) return BYTES;
    this.flows[r] = f;
    this.durationUs[r] = d + durationUs;
    this.packets[r] = p;
    this.bytes[r] = b;
    return OK;
  }

  /**
   * The day table with canonical IPs, rows merged by canonical IP and sorted as sortDayTable sorts (IPv4 by value,
   * then IPv6 by sortIpIndex); durations in seconds (µs / 10^6). An id whose text is a canonical dotted quad
   * (`ipv4OfId` >= 0) is its own row keyed by its value, with no string hashing; only the other ids (IPv6, other
   * spellings) are merged through a Map. (The attack collector gives every spelling of an address one row already;
   * a merge here that passes a bound has no record to name, and is a DataError naming the day and the IP.)
   */
  toSortedTable(
    date: string,
    canonicalOfId: (id: number) => string,
    ipv4OfId: (id: number) => number,
  ): DayTable {
    const n = this.n;
    const ip: string[] = [];
    const v4 = new Float64Array(n);
    const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const src = [this.flows, this.durationUs, this.packets, this.bytes];
    /** Output row by IPv4 value: made only once an id with another spelling of an IPv4 address shows up. */
    let byValue: Map<number, number> | null = null;
    const byText = new Map<string, number>();
    for (let r = 0; r < n; r++) {
      const id = this.ids[r]!;
      let value = ipv4OfId(id);
      let k: number | undefined;
      let text: string | undefined;
      if (value < 0) {
        text = canonicalOfId(id);
        value = ipv4ToNumber(text);
        if (value < 0) k = byText.get(text);
        else if (byValue === null) {
          byValue = new Map();
          for (let j = 0; j < ip.length; j++) if (v4[j]! >= 0) byValue.set(v4[j]!, j);
        }
      }
      if (value >= 0 && byValue !== null) k = byValue.get(value);
      if (k === undefined) {
        k = ip.length;
        ip.push(text ?? canonicalOfId(id));
        v4[k] = value;
        if (value >= 0) byValue?.set(value, k);
        else byText.set(ip[k]!, k);
        for (let j = 0; j < 4; j++) cols[j]![k] = src[j]![r]!;
        continue;
      }
      for (let j = 0; j < 4; j++) {
        const x = src[j]![r]!;
        if (x > (j === DURATION ? MAX_DURATION_US : MAX_COUNT) - cols[j]![k]!)
          throw new DataError(
            `the ${COLUMN_NAMES[j]} of ${ip[k]} on ${date}, summed over its spellings, pass 2^53${j === DURATION ? ' µs' : ' − 1'}`,
            { field: COLUMN_NAMES[j] },
          );
        cols[j]![k]! += x;
      }
    }
    const order = sortedOrder(ip, v4);
    const pick = (col: Float64Array, scale = 1) => {
      const out = new Float64Array(order.length);
      for (let i = 0; i < order.length; i++) out[i] = col[order[i]!]! / scale;
      return out;
    };
    return {
      date,
      ip: Array.from(order, (k) => ip[k]!),
      flows: pick(cols[0]!),
      duration: pick(cols[1]!, 1e6),
      packets: pick(cols[2]!),
      bytes: pick(cols[3]!),
    };
  }

  /** Room in the id index for `id`. */
  private room(id: number): void {
    if (id >= this.rowOfId.length) {
      let size = this.rowOfId.length * 2;
      while (size <= id) size *= 2;
      const next = new Int32Array(size).fill(-1);
      next.set(this.rowOfId);
      this.rowOfId = next;
    }
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const ids = new Int32Array(cap);
    ids.set(this.ids);
    this.ids = ids;
    this.flows = g(this.flows);
    this.durationUs = g(this.durationUs);
    this.packets = g(this.packets);
    this.bytes = g(this.bytes);
  }
}

/** Row order: IPv4 rows (v4 >= 0) by value, then IPv6 rows as sortIpIndex orders them. */
function sortedOrder(ip: string[], v4: Float64Array): Uint32Array {
  const m = ip.length;
  const four: number[] = [];
  const six: number[] = [];
  for (let k = 0; k < m; k++) (v4[k]! >= 0 ? four : six).push(k);
  const order = new Uint32Array(m);
  if (four.length < ROW_BOUND) {
    // value * 2^21 + row stays below 2^53, so a native numeric sort of the packed keys sorts by value.
    const keys = new Float64Array(four.length);
    for (let i = 0; i < four.length; i++) keys[i] = v4[four[i]!]! * ROW_BOUND + four[i]!;
    keys.sort();
    for (let i = 0; i < keys.length; i++) order[i] = keys[i]! % ROW_BOUND;
  } else {
    four.sort((a, b) => v4[a]! - v4[b]!);
    order.set(four);
  }
  if (six.length > 0) {
    const sixOrder = sortIpIndex(six.map((k) => ip[k]!));
    for (let i = 0; i < six.length; i++) order[four.length + i] = six[sixOrder[i]!]!;
  }
  return order;
}

const ROW_BOUND = 1 << 21;
