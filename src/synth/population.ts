import { ipv4Text } from '../util/ip/index.js';
import { type AddressAllocator, ipv6Text } from './addresses.js';
import type { Rng } from './rng.js';

/** Attacker classes of the simulated population. */
export const ActorClass = {
  /** Scans every day with probability PERSISTENT_DAILY; mostly SYN scans over many ports and all honeypots. */
  Persistent: 0,
  /** Botnet member (Mirai-like telnet/SSH): active 1-4 consecutive days, then gone. */
  Botnet: 1,
  /** SSH brute-forcer: 2-8 consecutive days of long sessions with many packets. */
  BruteForcer: 2,
  /** Comes back 2-5 times, with gaps of 3-10 days between visits. */
  Returner: 3,
  /** Seen on a single day, ever. */
  OneShot: 4,
} as const;
export type ActorClass = (typeof ActorClass)[keyof typeof ActorClass];

export const CLASS_NAMES = ['persistent', 'botnet', 'brute-forcer', 'returner', 'one-shot'] as const;

/**
 * Target share of each class among one day's attackers (steady state). With the run lengths below, the expected
 * share of a day's attackers also seen the day before (Alpha's recall) is about
 * 0.22·0.85 + 0.28·(1 − 1/2.5) + 0.05·(1 − 1/5) ≈ 0.40 (real Cowrie data: 0.43).
 */
export const CLASS_SHARE = [0.22, 0.28, 0.05, 0.15, 0.3] as const;
/** Probability that a persistent scanner is active on a given day. */
export const PERSISTENT_DAILY = 0.85;
/** Daily probability that a persistent scanner retires (and is replaced by a new one). */
export const PERSISTENT_RETIRE = 1 / 90;
const BOTNET_MEAN_DAYS = 2.5; // uniform 1..4
const BRUTE_MEAN_DAYS = 5; // uniform 2..8
const RETURNER_MEAN_VISITS = 3.5; // uniform 2..5
/** Share of attackers with IPv6 addresses. */
export const IPV6_SHARE = 0.04;

/**
 * Per-class volume: an attacker's intensity is log-normal(median, sigma); its flows on a day are
 * scale × intensity × log-normal(1, DAILY_SIGMA), at least 1 and at most the class cap.
 */
export const INTENSITY: readonly {
  median: number;
  sigma: number;
  cap: number;
}[] = [
  { median: 40, sigma: 1.5, cap: 50_000 },
  { median: 3, sigma: 1, cap: 20_000 },
  { median: 30, sigma: 1.1, cap: 5_000 },
  { median: 4, sigma: 1, cap: 20_000 },
  { median: 2, sigma: 0.8, cap: 20_000 },
];
export const DAILY_SIGMA = 0.5;

/** Expected flows per attacker-day before scaling (mean of the class mixture). */
export function unscaledMeanFlows(): number {
  let mean = 0;
  for (let c = 0; c < INTENSITY.length; c++) {
    const { median, sigma } = INTENSITY[c]!;
    mean += CLASS_SHARE[c]! * median * Math.exp((sigma * sigma) / 2);
  }
  return mean * Math.exp((DAILY_SIGMA * DAILY_SIGMA) / 2);
}

export interface Actor {
  /** The address as a number: IPv4 the address itself, IPv6 its 32-bit code (see ipv6Text); text by actorIp. */
  addr: number;
  v6: boolean;
  cls: ActorClass;
  intensity: number;
  /** Targets: honeypots hpStart .. hpStart+hpCount-1 (cyclic) within the actor's address family. */
  hpStart: number;
  hpCount: number;
  /** Favourite port (botnet telnet port, brute-force SSH port). */
  port: number;
  /** Last written day (index from the first) on which the actor is in the day table; -1 before its first. */
  seen: number;
}

/** The actor's address as text (canonical). */
export function actorIp(a: Actor): string {
  return a.v6 ? ipv6Text(a.addr) : ipv4Text(a.addr);
}

const BOTNET_PORTS = [23, 23, 23, 2323, 22, 5555, 37215, 52869] as const;

export interface FamilySizes {
  v4: number;
  v6: number;
}

/**
 * The simulated population, advanced one day at a time. Memory is bounded by the attackers alive around the current
 * day (a calendar of scheduled visits reaching at most ~40 days ahead), never by the number of flows.
 */
export class Population {
  private readonly persistent: Actor[] = [];
  private readonly calendar = new Map<number, Actor[]>();

  constructor(
    private readonly rng: Rng,
    private readonly addresses: AddressAllocator,
    private readonly attackersPerDay: number,
    private readonly families: FamilySizes,
    /** Day index of the first simulated day (negative: burn-in) and one past the last. */
    firstDay: number,
    private readonly endDay: number,
    /** SynthOptions.sensorOverlap: undefined spreads attackers as ever. */
    private readonly sensorOverlap?: number,
  ) {
    const size = Math.round((CLASS_SHARE[ActorClass.Persistent] * attackersPerDay) / PERSISTENT_DAILY);
    for (let i = 0; i < size; i++) this.persistent.push(this.newActor(ActorClass.Persistent));
    this.day = firstDay;
  }

  private day: number;

  private newActor(cls: ActorClass): Actor {
    const r = this.rng;
    const v6 = r.float() < IPV6_SHARE;
    const famCount = v6 ? this.families.v6 : this.families.v4;
    const { median, sigma } = INTENSITY[cls]!;
    let hpCount: number;
    if (this.sensorOverlap !== undefined) hpCount = this.sensorSpan(cls, famCount);
    else if (cls === ActorClass.Persistent) hpCount = famCount;
    else
      hpCount = Math.min(
        famCount,
        1 + Math.floor(-Math.log(1 - r.float()) * (cls === ActorClass.OneShot ? 1 : 2.5)),
      );
    let port: number;
    if (cls === ActorClass.Botnet) port = BOTNET_PORTS[r.below(BOTNET_PORTS.length)]!;
    else port = r.float() < 0.85 ? 22 : 2222;
    const addr = v6 ? this.addresses.nextIpv6() : this.addresses.nextIpv4();
    return {
      addr,
      v6,
      cls,
      intensity: r.lognormal(median, sigma),
      hpStart: r.below(famCount),
      hpCount,
      port,
      seen: -1,
    };
  }

  /**
   * With sensorOverlap: the honeypots an actor hits, from its home one (hpStart). A share sensorOverlap of actors
   * roam: a persistent scanner all of its family's honeypots, any other at least 2 (its home and more, as many as
   * without the option plus one); the others only their home honeypot. A family with one honeypot leaves no room to
   * roam.
   */
  private sensorSpan(cls: ActorClass, famCount: number): number {
    const r = this.rng;
    if (!(r.float() < this.sensorOverlap!) || famCount < 2) return 1;
    if (cls === ActorClass.Persistent) return famCount;
    return Math.min(
      famCount,
      2 + Math.floor(-Math.log(1 - r.float()) * (cls === ActorClass.OneShot ? 1 : 2.5)),
    );
  }

  private schedule(day: number, actor: Actor): void {
    if (day < 0 || day >= this.endDay) return;
    let list = this.calendar.get(day);
    if (list === undefined) {
      list = [];
      this.calendar.set(day, list);
    }
    list.push(actor);
  }

  /** Advances to the next day and returns its attackers (for burn-in days the caller just ignores them). */
  next(): Actor[] {
    const d = this.day++;
    const r = this.rng;
    const k = this.attackersPerDay;
    // Births. Botnet recruitment comes in waves: a log-normal factor per day (mean 1).
    const wave = Math.exp(0.4 * r.normal() - 0.08);
    const births = [
      0,
      r.poisson(((CLASS_SHARE[ActorClass.Botnet] * k) / BOTNET_MEAN_DAYS) * wave),
      r.poisson((CLASS_SHARE[ActorClass.BruteForcer] * k) / BRUTE_MEAN_DAYS),
      r.poisson((CLASS_SHARE[ActorClass.Returner] * k) / RETURNER_MEAN_VISITS),
      r.poisson(CLASS_SHARE[ActorClass.OneShot] * k),
    ];
    for (let i = 0; i < births[ActorClass.Botnet]!; i++) {
      const days = r.int(1, 4);
      if (d + days - 1 < 0) continue;
      const a = this.newActor(ActorClass.Botnet);
      for (let j = 0; j < days; j++) this.schedule(d + j, a);
    }
    for (let i = 0; i < births[ActorClass.BruteForcer]!; i++) {
      const days = r.int(2, 8);
      if (d + days - 1 < 0) continue;
      const a = this.newActor(ActorClass.BruteForcer);
      for (let j = 0; j < days; j++) this.schedule(d + j, a);
    }
    for (let i = 0; i < births[ActorClass.Returner]!; i++) {
      const visits = r.int(2, 5);
      const when: number[] = [d];
      for (let v = 1; v < visits; v++) when.push(when[v - 1]! + r.int(3, 10));
      if (when[visits - 1]! < 0) continue;
      const a = this.newActor(ActorClass.Returner);
      for (const w of when) this.schedule(w, a);
    }
    if (d >= 0)
      for (let i = 0; i < births[ActorClass.OneShot]!; i++)
        this.schedule(d, this.newActor(ActorClass.OneShot));
    // Persistent scanners: retire and replace, then each is active with PERSISTENT_DAILY.
    const active: Actor[] = [];
    for (let i = 0; i < this.persistent.length; i++) {
      if (r.float() < PERSISTENT_RETIRE) this.persistent[i] = this.newActor(ActorClass.Persistent);
      if (r.float() < PERSISTENT_DAILY) active.push(this.persistent[i]!);
    }
    const scheduled = this.calendar.get(d);
    this.calendar.delete(d);
    if (scheduled !== undefined) for (const a of scheduled) active.push(a);
    return active;
  }
}
