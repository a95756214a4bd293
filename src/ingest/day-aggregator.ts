import type { DayTable } from '../days/day-table.js';

/**
 * Sums one UTC day's flows per attacker into growable typed columns, keyed by interned IP id (see IpInterner): the
 * hot path is two typed-array reads and four adds. `toTable` turns ids into canonical IPs, merging the rare
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

  /** The day table with canonical IPs (rows merged by canonical IP), in first-seen order. */
  toTable(date: string, canonicalOfId: (id: number) => string): DayTable {
    const n = this.n;
    const index = new Map<string, number>();
    const ip: string[] = [];
    const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const src = [this.flows, this.duration, this.packets, this.bytes];
    for (let r = 0; r < n; r++) {
      const c = canonicalOfId(this.ids[r]!);
      let k = index.get(c);
      if (k === undefined) {
        k = ip.length;
        index.set(c, k);
        ip.push(c);
      }
      for (let j = 0; j < 4; j++) cols[j]![k]! += src[j]![r]!;
    }
    const m = ip.length;
    return {
      date,
      ip,
      flows: cols[0]!.slice(0, m),
      duration: cols[1]!.slice(0, m),
      packets: cols[2]!.slice(0, m),
      bytes: cols[3]!.slice(0, m),
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
