import type { DayTable } from '../days/day-table.js';

/**
 * Sums one UTC day's flows per attacker IP into growable typed columns. Keys are the addresses as they appear in the
 * input; `toTable` canonicalises them (merging the rare non-canonical spellings) — so the hot path costs one Map
 * lookup per flow. Memory grows with the day's distinct IPs, not with its flows.
 */
export class DayAggregator {
  readonly rowOf = new Map<string, number>();
  private ips: string[] = [];
  private cap = 1024;
  flows = new Float64Array(this.cap);
  duration = new Float64Array(this.cap);
  packets = new Float64Array(this.cap);
  bytes = new Float64Array(this.cap);
  flowTotal = 0;

  constructor(readonly day: number) {}

  get size(): number {
    return this.ips.length;
  }

  /** Row of `ip`, creating it (with zeros) if new. */
  row(ip: string): number {
    let r = this.rowOf.get(ip);
    if (r === undefined) {
      r = this.ips.length;
      if (r === this.cap) this.grow();
      this.ips.push(ip);
      this.rowOf.set(ip, r);
    }
    return r;
  }

  add(ip: string, flows: number, duration: number, packets: number, bytes: number): void {
    const r = this.row(ip);
    this.flows[r]! += flows;
    this.duration[r]! += duration;
    this.packets[r]! += packets;
    this.bytes[r]! += bytes;
    this.flowTotal += flows;
  }

  /** Adds a whole table (used when a flushed day receives late records). */
  addTable(table: DayTable): void {
    for (let i = 0; i < table.ip.length; i++) {
      this.add(table.ip[i]!, table.flows[i]!, table.duration[i]!, table.packets[i]!, table.bytes[i]!);
    }
  }

  /** The day table with canonical IPs (rows merged by canonical IP), in first-seen order. */
  toTable(date: string, canonical: (raw: string) => string): DayTable {
    const n = this.ips.length;
    const index = new Map<string, number>();
    const ip: string[] = [];
    const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const src = [this.flows, this.duration, this.packets, this.bytes];
    for (let r = 0; r < n; r++) {
      const c = canonical(this.ips[r]!);
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
    this.cap *= 2;
    const g = (a: Float64Array) => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.flows = g(this.flows);
    this.duration = g(this.duration);
    this.packets = g(this.packets);
    this.bytes = g(this.bytes);
  }
}
