import type { DayTable } from '../days/day-table.js';
import { sortIpIndex } from '../util/ip.js';
import { canonicalIpv4Bytes } from './ip-interner.js';

/**
 * Sums one UTC day's flows per attacker into growable typed columns, keyed by interned IP id (see IpInterner): the
 * hot path is two typed-array reads and four adds. `toSortedTable` turns ids into canonical IPs, merging the rare
 * non-canonical spellings of one address. Memory grows with the day's distinct IPs, not with its flows.
 */
export class DayAggregator {
  private rowOfId = new Int32Array(1024).fill(-1);
  private ids = new Int32Array(1024);
  private n = 0;
  flows = new Float64Array(1024);
  duration = new Float64Array(1024);
  packets = new Float64Array(1024);
  bytes = new Float64Array(1024);
  flowTotal = 0;

  constructor(public day: number) {}

  /**
   * Empties the aggregator for another day, keeping its arrays: a fresh one would grow them again by doubling, and
   * with global ids its id index is as large as the whole interner (those reallocations drove most of the GC).
   */
  reset(day: number): void {
    for (let r = 0; r < this.n; r++) this.rowOfId[this.ids[r]!] = -1;
    this.n = 0;
    this.flowTotal = 0;
    this.day = day;
  }

  get size(): number {
    return this.n;
  }

  /** Row of an IP id, or -1 when the IP has no row yet. */
  rowOf(id: number): number {
    return id < this.rowOfId.length ? this.rowOfId[id]! : -1;
  }

  /** Creates the row of a new IP id. */
  newRow(id: number): number {
    if (id >= this.rowOfId.length) {
      let size = this.rowOfId.length * 2;
      while (size <= id) size *= 2;
      const next = new Int32Array(size).fill(-1);
      next.set(this.rowOfId);
      this.rowOfId = next;
    }
    const r = this.n++;
    if (r === this.ids.length) this.grow();
    this.ids[r] = id;
    this.rowOfId[id] = r;
    this.flows[r] = 0;
    this.duration[r] = 0;
    this.packets[r] = 0;
    this.bytes[r] = 0;
    return r;
  }

  add(id: number, flows: number, duration: number, packets: number, bytes: number): void {
    let r = this.rowOf(id);
    if (r < 0) r = this.newRow(id);
    this.flows[r]! += flows;
    this.duration[r]! += duration;
    this.packets[r]! += packets;
    this.bytes[r]! += bytes;
    this.flowTotal += flows;
  }

  /**
   * The day table with canonical IPs, rows merged by canonical IP (in row order, so sums are made in the order the
   * flows came) and sorted as sortDayTable sorts (IPv4 by value, then IPv6 by sortIpIndex). An id whose text is a
   * canonical dotted quad (`ipv4OfId` >= 0) is its own row keyed by its value, with no string hashing; only the
   * other ids (IPv6, other spellings) are merged through a Map.
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
    const src = [this.flows, this.duration, this.packets, this.bytes];
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
        value = canonicalIpv4Value(text);
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
      }
      for (let j = 0; j < 4; j++) cols[j]![k]! += src[j]![r]!;
    }
    const order = sortedOrder(ip, v4);
    const pick = (col: Float64Array) => {
      const out = new Float64Array(order.length);
      for (let i = 0; i < order.length; i++) out[i] = col[order[i]!]!;
      return out;
    };
    return {
      date,
      ip: Array.from(order, (k) => ip[k]!),
      flows: pick(cols[0]!),
      duration: pick(cols[1]!),
      packets: pick(cols[2]!),
      bytes: pick(cols[3]!),
    };
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
    this.duration = g(this.duration);
    this.packets = g(this.packets);
    this.bytes = g(this.bytes);
  }
}

/** The value of a canonical dotted-quad string, or -1 (see canonicalIpv4Bytes). */
function canonicalIpv4Value(text: string): number {
  if (text.length > 15) return -1;
  return canonicalIpv4Bytes(Buffer.from(text, 'latin1'), 0, text.length);
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
