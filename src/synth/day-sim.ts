import type { DaySums } from './day-table-bytes.js';
import { attackCore, type ConnFields } from './flows.js';
import { type Actor, ActorClass, DAILY_SIGMA, INTENSITY } from './population.js';
import type { Rng } from './rng.js';
import type { SensorSums } from './sensor-sums.js';

/** Extra records per attack flow that hit unlisted neighbours of the honeypots. */
export const DARK_RATE = 0.045;
/** Honeypot-originated records per attack flow. */
export const HONEYPOT_ORIGIN_RATE = 0.025;
export const DAY_US = 86_400_000_000;

export const FlowType = { Attack: 0, Dark: 1, HoneypotOrigin: 2 } as const;

const CAPS = INTENSITY.map((c) => c.cap);

/**
 * One day's active attackers as columns (what the day's simulation reads of them), cheap to hand to a worker
 * thread: i-th entry = i-th actor of Population.next().
 */
export interface DayActors {
  count: number;
  cls: Uint8Array;
  v6: Uint8Array;
  intensity: Float64Array;
  hpStart: Uint8Array;
  hpCount: Uint8Array;
  /** Actor.addr: IPv4 address, or IPv6 code. */
  addr: Float64Array;
}

export function packActors(active: readonly Actor[]): DayActors {
  const count = active.length;
  const d: DayActors = {
    count,
    cls: new Uint8Array(count),
    v6: new Uint8Array(count),
    intensity: new Float64Array(count),
    hpStart: new Uint8Array(count),
    hpCount: new Uint8Array(count),
    addr: new Float64Array(count),
  };
  for (let j = 0; j < count; j++) {
    const a = active[j]!;
    d.cls[j] = a.cls;
    d.v6[j] = a.v6 ? 1 : 0;
    d.intensity[j] = a.intensity;
    d.hpStart[j] = a.hpStart;
    d.hpCount[j] = a.hpCount;
    d.addr[j] = a.addr;
  }
  return d;
}

/** The honeypots on one day and the volume scale. */
export interface DayWorld {
  /** IPv4 honeypots are 0..h4-1, IPv6 ones h4..h4+h6-1. */
  h4: number;
  h6: number;
  /** 1 where the honeypot operates on the day. */
  operating: Uint8Array;
  /** Flows per attacker-day = scale × intensity × daily log-normal factor. */
  scale: number;
  /**
   * SynthOptions.sensorOverlap given: every flow's honeypot is drawn from stream A (so the per-sensor sums are known
   * without the Zeek records), and an actor with more than one honeypot sends at least two flows a day, its first to
   * its home honeypot and its second to another.
   */
  sensors?: boolean;
}

/** What a day's simulation counts. */
export interface DayCounts {
  /** Attack flows, counted or not (to a honeypot not operating yet). */
  attackRecords: number;
  /** Attack flows to operating honeypots (the day table's flows). */
  attackFlows: number;
  /** Records to unlisted neighbours of the honeypots. */
  dark: number;
  /** Attack flows to a honeypot before its start date. */
  beforeStart: number;
  /** Records originated by the honeypots. */
  fromHoneypot: number;
  /** Records placed in the zeek buffers (0 without them). */
  placed: number;
}

/** Day-sized scratch columns of the zeek format's records, grown as needed and reused. */
export class DayBuffers {
  ts = new Float64Array(1 << 16);
  owner = new Int32Array(1 << 16);
  type = new Uint8Array(1 << 16);
  /** Attack records: the honeypot hit, and the flow's core (see attackCore). */
  hp = new Uint8Array(1 << 16);
  kind = new Uint8Array(1 << 16);
  variant = new Uint8Array(1 << 16);
  durationUs = new Float64Array(1 << 16);
  origPkts = new Float64Array(1 << 16);
  origBytes = new Float64Array(1 << 16);
  origIpBytes = new Float64Array(1 << 16);
  order = new Uint32Array(1 << 16);
  readonly secondStart = new Uint32Array(86_401);

  ensure(n: number): void {
    if (n <= this.ts.length) return;
    let cap = this.ts.length;
    while (cap < n) cap *= 2;
    const grow = <T extends Float64Array | Int32Array | Uint8Array>(old: T, make: (c: number) => T): T => {
      const next = make(cap);
      next.set(old as never);
      return next;
    };
    const f64 = (c: number) => new Float64Array(c);
    const u8 = (c: number) => new Uint8Array(c);
    this.ts = grow(this.ts, f64);
    this.owner = grow(this.owner, (c) => new Int32Array(c));
    this.type = grow(this.type, u8);
    this.hp = grow(this.hp, u8);
    this.kind = grow(this.kind, u8);
    this.variant = grow(this.variant, u8);
    this.durationUs = grow(this.durationUs, f64);
    this.origPkts = grow(this.origPkts, f64);
    this.origBytes = grow(this.origBytes, f64);
    this.origIpBytes = grow(this.origIpBytes, f64);
    this.order = new Uint32Array(cap);
  }

  /** Fills `order[0..n)` with record indices sorted by ts (ties by index): counting sort by second, then insertion. */
  sort(n: number): void {
    const { ts, order, secondStart } = this;
    secondStart.fill(0);
    for (let i = 0; i < n; i++) secondStart[Math.floor(ts[i]! / 1_000_000) + 1]!++;
    for (let s = 1; s <= 86_400; s++) secondStart[s]! += secondStart[s - 1]!;
    const next = secondStart.slice(0, 86_400);
    for (let i = 0; i < n; i++) order[next[Math.floor(ts[i]! / 1_000_000)]!++] = i;
    for (let s = 0; s < 86_400; s++) {
      const lo = secondStart[s]!;
      const hi = secondStart[s + 1]!;
      if (hi - lo < 2) continue;
      if (hi - lo > 48) {
        const part = Array.from(order.subarray(lo, hi));
        part.sort((a, b) => ts[a]! - ts[b]! || a - b);
        order.set(part, lo);
        continue;
      }
      for (let i = lo + 1; i < hi; i++) {
        const v = order[i]!;
        const t = ts[v]!;
        let j = i - 1;
        while (j >= lo && ts[order[j]!]! > t) {
          order[j + 1] = order[j]!;
          j--;
        }
        order[j + 1] = v;
      }
    }
  }
}

/** Seconds over which an attacker's flows of one day are spread. */
function activityWindow(r: Rng, cls: number, flows: number): number {
  let len: number;
  switch (cls) {
    case ActorClass.Persistent:
      return 86_400;
    case ActorClass.Botnet:
      len = r.int(3600, 36_000);
      break;
    case ActorClass.BruteForcer:
      len = r.int(7200, 72_000);
      break;
    case ActorClass.Returner:
      len = r.lognormal(1800, 1);
      break;
    default:
      len = r.lognormal(600, 1.2);
  }
  // At most ~20 flows a second from one attacker.
  return Math.min(86_400, Math.max(10, len, flows / 20));
}

/**
 * Simulates one day attacker by attacker from stream A: each attacker's flow and decoy counts, the honeypot each
 * flow hits where that matters (a honeypot in the attacker's range not operating yet), each flow's core, and the
 * day table's sums (`sums`, indexed like `day`). Stream A ends with the count of the honeypots' own records.
 *
 * With `zeek`, every attack and dark record is also placed in time from stream T (activity window, timestamp, the
 * honeypot hit where A did not draw it) and kept with its core in `zeek.buf`, for the Zeek writer. The draws from A
 * are the same with or without it, so day tables made without it are exactly what ingesting the Zeek logs gives.
 * With `sensorSums` (and world.sensors), the sums per actor and honeypot too: the sensors' day tables.
 */
export function simulateDay(
  A: Rng,
  day: DayActors,
  world: DayWorld,
  sums: DaySums,
  f: ConnFields,
  zeek?: { T: Rng; buf: DayBuffers },
  sensorSums?: SensorSums,
): DayCounts {
  const { h4, h6, operating, scale } = world;
  const sensors = world.sensors === true;
  sensorSums?.start(h4 + h6);
  let famIdle4 = false;
  let famIdle6 = false;
  for (let h = 0; h < h4 + h6; h++) {
    if (operating[h] === 1) continue;
    if (h < h4) famIdle4 = true;
    else famIdle6 = true;
  }
  const { count: m, cls, v6: isV6, intensity, hpStart, hpCount } = day;
  sums.ensure(m);
  const T = zeek?.T;
  const buf = zeek?.buf;
  let n = 0;
  let attackRecords = 0;
  let attackFlows = 0;
  let dark = 0;
  let beforeStart = 0;
  for (let j = 0; j < m; j++) {
    const c = cls[j]! as ActorClass;
    const v6 = isV6[j] === 1;
    const start = hpStart[j]!;
    const span = hpCount[j]!;
    const roams = sensors && span > 1;
    const flows = Math.min(
      CAPS[c]!,
      Math.max(roams ? 2 : 1, Math.round(scale * intensity[j]! * A.lognormal(1, DAILY_SIGMA))),
    );
    const darkHere = A.poisson(flows * DARK_RATE);
    const famBase = v6 ? h4 : 0;
    const famCount = v6 ? h6 : h4;
    // The honeypot hit matters to the sums only where a honeypot in the actor's range is not operating yet (or, with
    // sensors, always).
    let drawHp = sensors;
    if (!drawHp && (v6 ? famIdle6 : famIdle4)) {
      for (let k = 0; k < span && !drawHp; k++) drawHp = operating[famBase + ((start + k) % famCount)] !== 1;
    }
    let startUs = 0;
    let lenUs = 0;
    if (T !== undefined && buf !== undefined) {
      lenUs = activityWindow(T, c, flows) * 1_000_000;
      startUs = Math.floor(T.float() * (DAY_US - lenUs));
      buf.ensure(n + flows + darkHere);
    }
    let sFlows = 0;
    let sDurUs = 0;
    let sPkts = 0;
    let sBytes = 0;
    for (let k = 0; k < flows; k++) {
      let hp = -1;
      if (sensors) {
        // Home first, then another of the range, then any of it.
        let x = 0;
        if (roams) x = k === 0 ? 0 : k === 1 ? 1 + A.below(span - 1) : A.below(span);
        hp = famBase + ((start + x) % famCount);
      } else if (drawHp) hp = famBase + ((start + A.below(span)) % famCount);
      else if (T !== undefined) hp = famBase + ((start + T.below(span)) % famCount);
      attackCore(A, f, c, v6);
      if (hp < 0 || operating[hp] === 1) {
        sFlows++;
        const durUs = f.durationUs > 0 ? f.durationUs : 0;
        sDurUs += durUs;
        sPkts += f.origPkts;
        sBytes += f.origIpBytes;
        sensorSums?.add(hp, durUs, f.origPkts, f.origIpBytes);
      } else {
        beforeStart++;
      }
      if (T !== undefined && buf !== undefined) {
        buf.ts[n] = startUs + Math.floor(T.float() * lenUs);
        buf.owner[n] = j;
        buf.type[n] = FlowType.Attack;
        buf.hp[n] = hp;
        buf.kind[n] = f.kind;
        buf.variant[n] = f.variant;
        buf.durationUs[n] = f.durationUs;
        buf.origPkts[n] = f.origPkts;
        buf.origBytes[n] = f.origBytes;
        buf.origIpBytes[n] = f.origIpBytes;
        n++;
      }
    }
    if (T !== undefined && buf !== undefined) {
      for (let k = 0; k < darkHere; k++) {
        buf.ts[n] = startUs + Math.floor(T.float() * lenUs);
        buf.owner[n] = j;
        buf.type[n] = FlowType.Dark;
        n++;
      }
    }
    sensorSums?.endActor(j);
    sums.flows[j] = sFlows;
    sums.durUs[j] = sDurUs;
    sums.packets[j] = sPkts;
    sums.bytes[j] = sBytes;
    attackRecords += flows;
    attackFlows += sFlows;
    dark += darkHere;
  }
  const fromHoneypot = A.poisson(attackRecords * HONEYPOT_ORIGIN_RATE);
  return { attackRecords, attackFlows, dark, beforeStart, fromHoneypot, placed: n };
}

/** Indices of the day's attackers with at least one counted flow (the day table's rows), in `rows[0..count)`. */
export function dayRows(sums: DaySums, m: number): Int32Array {
  let count = 0;
  for (let j = 0; j < m; j++) if (sums.flows[j]! > 0) count++;
  const rows = new Int32Array(count);
  for (let j = 0, i = 0; j < m; j++) if (sums.flows[j]! > 0) rows[i++] = j;
  return rows;
}
