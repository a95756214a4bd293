import type { DayActors } from './day-sim.js';
import { DaySums, dayTableCsvBytes } from './day-table-bytes.js';

/**
 * One day's sums per (attacker, honeypot) with a counted flow (SynthOptions.sensorOverlap): the rows of the sensors'
 * day tables, gathered by simulateDay attacker by attacker (`add` for each counted flow, `endActor` after its last),
 * grown as needed and reused from day to day.
 */
export class SensorSums {
  /** Entries: actor index, honeypot, and the sums. */
  actor = new Int32Array(1024);
  hp = new Uint8Array(1024);
  flows = new Float64Array(1024);
  durUs = new Float64Array(1024);
  packets = new Float64Array(1024);
  bytes = new Float64Array(1024);
  n = 0;
  /** The current actor's sums by honeypot (zero outside `touched`), and the honeypots it hit, in order. */
  private acc = new Float64Array(0);
  private touched = new Int32Array(0);
  private nTouched = 0;

  /** Starts a day of `honeypots` honeypots. */
  start(honeypots: number): void {
    this.n = 0;
    if (this.touched.length < honeypots) {
      this.acc = new Float64Array(4 * honeypots);
      this.touched = new Int32Array(honeypots);
    }
    this.nTouched = 0;
  }

  /** One counted flow of the current actor to honeypot `hp`. */
  add(hp: number, durUs: number, packets: number, bytes: number): void {
    const a = this.acc;
    const at = 4 * hp;
    if (a[at] === 0) this.touched[this.nTouched++] = hp;
    a[at]!++;
    a[at + 1]! += durUs;
    a[at + 2]! += packets;
    a[at + 3]! += bytes;
  }

  /** Ends actor `j`: an entry per honeypot it hit. */
  endActor(j: number): void {
    const a = this.acc;
    for (let t = 0; t < this.nTouched; t++) {
      const hp = this.touched[t]!;
      const at = 4 * hp;
      if (this.n === this.actor.length) this.grow();
      const e = this.n++;
      this.actor[e] = j;
      this.hp[e] = hp;
      this.flows[e] = a[at]!;
      this.durUs[e] = a[at + 1]!;
      this.packets[e] = a[at + 2]!;
      this.bytes[e] = a[at + 3]!;
      a.fill(0, at, at + 4);
    }
    this.nTouched = 0;
  }

  private grow(): void {
    const cap = this.actor.length * 2;
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(cap);
      next.set(old);
      return next;
    };
    const actor = new Int32Array(cap);
    actor.set(this.actor);
    this.actor = actor;
    const hp = new Uint8Array(cap);
    hp.set(this.hp);
    this.hp = hp;
    this.flows = f64(this.flows);
    this.durUs = f64(this.durUs);
    this.packets = f64(this.packets);
    this.bytes = f64(this.bytes);
  }
}

/** One sensor's day table: the honeypot, its CSV text (as ingest writes it), its rows and total flows. */
export interface SensorTableBytes {
  hp: number;
  csv: Buffer;
  rows: number;
  flows: number;
}

/** The day tables of the honeypots with an entry in `sums` (ascending honeypot index), from the day's actors. */
export function sensorTablesCsv(day: DayActors, sums: SensorSums): SensorTableBytes[] {
  const byHp = new Map<number, number[]>();
  for (let e = 0; e < sums.n; e++) {
    const hp = sums.hp[e]!;
    let list = byHp.get(hp);
    if (list === undefined) {
      list = [];
      byHp.set(hp, list);
    }
    list.push(e);
  }
  const out: SensorTableBytes[] = [];
  for (const hp of [...byHp.keys()].sort((a, b) => a - b)) {
    const entries = byHp.get(hp)!;
    const k = entries.length;
    const actors = { addr: new Float64Array(k), v6: new Uint8Array(k) };
    const rows = new DaySums();
    rows.ensure(k);
    let flows = 0;
    entries.forEach((e, i) => {
      const j = sums.actor[e]!;
      actors.addr[i] = day.addr[j]!;
      actors.v6[i] = day.v6[j]!;
      rows.flows[i] = sums.flows[e]!;
      rows.durUs[i] = sums.durUs[e]!;
      rows.packets[i] = sums.packets[e]!;
      rows.bytes[i] = sums.bytes[e]!;
      flows += sums.flows[e]!;
    });
    out.push({
      hp,
      csv: dayTableCsvBytes(
        actors,
        Int32Array.from(entries, (_, i) => i),
        rows,
      ),
      rows: k,
      flows,
    });
  }
  return out;
}
