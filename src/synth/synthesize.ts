import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DayTable } from '../days/day-table.js';
import { dayTableToGzip, sortDayTable } from '../days/day-table-csv.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { formatDay, parseDay } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import {
  AddressAllocator,
  DARK_IPV4,
  DARK_IPV6,
  honeypotIpv4,
  honeypotIpv6,
  MAX_HONEYPOTS,
  NTP_IPV4,
  NTP_IPV6,
  RESOLVER_IPV4,
  RESOLVER_IPV6,
} from './addresses.js';
import {
  attackFlow,
  ConnFields,
  darkFlow,
  HoneypotTraffic,
  honeypotFlow,
  honeypotTrafficKind,
} from './flows.js';
import {
  type Actor,
  ActorClass,
  DAILY_SIGMA,
  INTENSITY,
  Population,
  unscaledMeanFlows,
} from './population.js';
import { Rng } from './rng.js';
import {
  AsciiChunk,
  appendConnLine,
  GzipFileWriter,
  zeekFooter,
  zeekHeader,
  zeekHourFileName,
  zeekStamp,
} from './zeek-writer.js';

export type SynthFormat = 'zeek' | 'aip';

export interface SynthOptions {
  /** Number of UTC days to simulate. @default 30 */
  days?: number;
  /** Mean number of distinct attacker IPs hitting the honeypots per day (K). @default 2000 */
  attackersPerDay?: number;
  /** Number of honeypots (2..200; about one in ten is IPv6, at least one). @default 16 */
  honeypots?: number;
  /** Seed of the pseudo-random generator (unsigned 32-bit integer). @default 1 */
  seed?: number;
  /** Output folder (created if missing). */
  out: string;
  /**
   * `zeek`: hourly Zeek TSV conn logs `<out>/YYYY-MM-DD/conn.HH:00:00-HH:00:00.log.gz`; `aip`: the day tables
   * `<out>/attacks.YYYY-MM-DD.csv.gz` that ingesting the zeek output gives. Both write `<out>/honeypots.csv`.
   * @default 'zeek'
   */
  format?: SynthFormat;
  /** First simulated day, `YYYY-MM-DD` (UTC). @default '2024-01-01' */
  startDate?: string;
  /**
   * Mean attack flows per attacker per day. Volumes are heavy-tailed: most attackers send 1-5 flows a day, a few
   * persistent scanners thousands. @default 20
   */
  meanFlowsPerAttacker?: number;
  /**
   * zlib level of the Zeek logs (1 fastest … 9 smallest); fixed, so the bytes are reproducible. Day tables (aip)
   * always use level 6. @default 6
   */
  gzipLevel?: number;
  /** Called after each simulated day. */
  onProgress?: (doneDays: number, totalDays: number) => void;
}

export const SYNTH_DEFAULTS = {
  days: 30,
  attackersPerDay: 2000,
  honeypots: 16,
  seed: 1,
  format: 'zeek' as SynthFormat,
  startDate: '2024-01-01',
  meanFlowsPerAttacker: 20,
  gzipLevel: 6,
} as const;

export interface SynthHoneypot {
  ip: string;
  /** operation_start_date */
  start: string;
}

export interface SynthDayReport {
  date: string;
  /** Distinct attacker IPs in the day's ground truth (= rows of its day table). */
  attackers: number;
  /** Records that are attacks (to an operating honeypot, from a non-honeypot). */
  attackFlows: number;
  /** All conn records of the day, decoys included. */
  records: number;
}

export interface SynthReport {
  format: SynthFormat;
  out: string;
  seed: number;
  startDate: string;
  endDate: string;
  /** Days simulated and written (= perDay.length): a day table each (aip), or a folder of hourly logs (zeek). */
  days: number;
  /** Paths written, relative to `out`, in write order (honeypots.csv last). */
  files: string[];
  /** Conn records simulated (= data lines of the zeek logs), decoys included. */
  records: number;
  /** Records ingest must count as attacks. */
  attackFlows: number;
  /** Records ingest must drop, by reason. */
  decoys: {
    /** From an attacker to an unlisted neighbour of the honeypots. */
    toNonHoneypot: number;
    /** Originated by a honeypot (DNS, NTP, downloads from attackers, honeypot-to-collector-honeypot). */
    fromHoneypot: number;
    /** To the late honeypot before its operation_start_date. */
    beforeHoneypotStart: number;
    total: number;
  };
  perDay: SynthDayReport[];
  /** Mean attack flows per attacker-day actually generated. */
  meanFlowsPerAttackerDay: number;
  /** Mean over days D ≥ 2 (with attackers) of |attackers(D) ∩ attackers(D−1)| / |attackers(D)|. */
  alphaRecall: number;
  honeypots: SynthHoneypot[];
  lateHoneypot: SynthHoneypot;
}

/** Days simulated before the first written day so every class starts in its steady state. */
const BURN_IN_DAYS = 45;
/** Extra records per attack flow that hit unlisted neighbours of the honeypots. */
const DARK_RATE = 0.045;
/** Honeypot-originated records per attack flow. */
const HONEYPOT_ORIGIN_RATE = 0.025;
const DAY_US = 86_400_000_000;
const HOUR_US = 3_600_000_000;

const FlowType = { Attack: 0, Dark: 1, HoneypotOrigin: 2 } as const;

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`option '${name}' must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/** Day-sized scratch columns, grown as needed and reused. */
class DayBuffers {
  ts = new Float64Array(1 << 16);
  owner = new Int32Array(1 << 16);
  type = new Uint8Array(1 << 16);
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
    this.ts = grow(this.ts, (c) => new Float64Array(c));
    this.owner = grow(this.owner, (c) => new Int32Array(c));
    this.type = grow(this.type, (c) => new Uint8Array(c));
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
function activityWindow(r: Rng, cls: ActorClass, flows: number): number {
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
 * Simulates honeypot traffic (persistent scanners, churning botnets, brute-forcers with long sessions, returners after
 * gaps, one-shot scanners, a late honeypot, decoys ingest must drop) and writes it as Zeek conn logs or AIP day tables.
 * Same options ⇒ byte-identical files. Memory is bounded by one day's records, not by the total.
 */
export async function synthesize(options: SynthOptions): Promise<SynthReport> {
  const {
    days = SYNTH_DEFAULTS.days,
    attackersPerDay = SYNTH_DEFAULTS.attackersPerDay,
    honeypots = SYNTH_DEFAULTS.honeypots,
    seed = SYNTH_DEFAULTS.seed,
    out,
    format = SYNTH_DEFAULTS.format,
    startDate = SYNTH_DEFAULTS.startDate,
    meanFlowsPerAttacker = SYNTH_DEFAULTS.meanFlowsPerAttacker,
    gzipLevel = SYNTH_DEFAULTS.gzipLevel,
    onProgress,
  } = options;
  checkInt('days', days, 1, 100_000);
  checkInt('attackersPerDay', attackersPerDay, 1, 100_000_000);
  checkInt('honeypots', honeypots, 2, MAX_HONEYPOTS);
  checkInt('seed', seed, 0, 0xffff_ffff);
  checkInt('gzipLevel', gzipLevel, 1, 9);
  if (format !== 'zeek' && format !== 'aip') {
    throw new UsageError(`option 'format' must be 'zeek' or 'aip', got '${String(format)}'`);
  }
  const day0 = parseDay(startDate);
  if (day0 === undefined)
    throw new UsageError(`option 'startDate' must be a YYYY-MM-DD date, got '${startDate}'`);
  if (!(Number.isFinite(meanFlowsPerAttacker) && meanFlowsPerAttacker >= 1)) {
    throw new UsageError(`option 'meanFlowsPerAttacker' must be a number ≥ 1, got ${meanFlowsPerAttacker}`);
  }
  if (typeof out !== 'string' || out === '') throw new UsageError(`option 'out' must name a folder`);
  const outDir = resolve(out);
  await mkdir(outDir, { recursive: true });

  const rng = Rng.fromSeed(seed);
  const uidRng = rng.fork();
  const addresses = new AddressAllocator(rng.u32(), rng.u32());

  // Honeypots: IPv4 first, then IPv6. One starts late (an IPv4 one where there are two).
  const h6 = Math.max(1, Math.round(honeypots / 10));
  const h4 = honeypots - h6;
  const hpIp: string[] = [];
  const hpStartDay: number[] = [];
  for (let i = 0; i < h4; i++) hpIp.push(honeypotIpv4(i));
  for (let i = 0; i < h6; i++) hpIp.push(honeypotIpv6(i));
  for (let i = 0; i < honeypots; i++) hpStartDay.push(day0 - 30 * (i % 3));
  const late = h4 >= 2 ? h4 - 1 : honeypots - 1;
  hpStartDay[late] = day0 + Math.max(1, Math.floor(days / 4));
  const hpList: SynthHoneypot[] = hpIp.map((ip, i) => ({
    ip,
    start: formatDay(hpStartDay[i]!),
  }));

  const population = new Population(rng, addresses, attackersPerDay, { v4: h4, v6: h6 }, -BURN_IN_DAYS, days);
  for (let d = -BURN_IN_DAYS; d < 0; d++) population.next();
  const scale = meanFlowsPerAttacker / unscaledMeanFlows();

  const buf = new DayBuffers();
  const f = new ConnFields();
  const files: string[] = [];
  const perDay: SynthDayReport[] = [];
  const decoys = {
    toNonHoneypot: 0,
    fromHoneypot: 0,
    beforeHoneypotStart: 0,
    total: 0,
  };
  let records = 0;
  let attackFlows = 0;
  let attackerDays = 0;
  let recallSum = 0;
  let recallDays = 0;
  let yesterday: Set<string> | undefined;
  const pending: Promise<void>[] = [];
  let file: GzipFileWriter | undefined;
  const chunk = new AsciiChunk();

  try {
    for (let d = 0; d < days; d++) {
      const dayNumber = day0 + d;
      const date = formatDay(dayNumber);
      const active: Actor[] = population.next();
      const operating = hpStartDay.map((s) => s <= dayNumber);

      // 1. Timestamps and owners of every record of the day.
      let n = 0;
      let attackCount = 0;
      for (let j = 0; j < active.length; j++) {
        const a = active[j]!;
        const flows = Math.min(
          INTENSITY[a.cls]!.cap,
          Math.max(1, Math.round(scale * a.intensity * rng.lognormal(1, DAILY_SIGMA))),
        );
        const dark = rng.poisson(flows * DARK_RATE);
        const lenUs = activityWindow(rng, a.cls, flows) * 1_000_000;
        const startUs = Math.floor(rng.float() * (DAY_US - lenUs));
        buf.ensure(n + flows + dark);
        for (let k = 0; k < flows + dark; k++) {
          buf.ts[n] = startUs + Math.floor(rng.float() * lenUs);
          buf.owner[n] = j;
          buf.type[n] = k < flows ? FlowType.Attack : FlowType.Dark;
          n++;
        }
        attackCount += flows;
      }
      const fromHp = rng.poisson(attackCount * HONEYPOT_ORIGIN_RATE);
      buf.ensure(n + fromHp);
      for (let k = 0; k < fromHp; k++) {
        let hp = rng.below(honeypots);
        if (!operating[hp]) hp = (hp + 1) % honeypots;
        buf.ts[n] = Math.floor(rng.float() * DAY_US);
        buf.owner[n] = hp;
        buf.type[n] = FlowType.HoneypotOrigin;
        n++;
      }
      buf.sort(n);

      // 2. Fields of each record in time order; aggregate the attacks; write the hourly logs.
      const aggFlows = new Float64Array(active.length);
      const aggDurUs = new Float64Array(active.length);
      const aggPkts = new Float64Array(active.length);
      const aggBytes = new Float64Array(active.length);
      const epochDaySec = dayNumber * 86_400;
      let dayAttacks = 0;
      let fileHour = -1;
      if (format === 'zeek') await mkdir(join(outDir, date), { recursive: true });
      for (let p = 0; p < n; p++) {
        const i = buf.order[p]!;
        const tsUs = buf.ts[i]!;
        const owner = buf.owner[i]!;
        const type = buf.type[i]!;
        let orig: string;
        let resp: string;
        if (type === FlowType.HoneypotOrigin) {
          const v6 = owner >= h4;
          orig = hpIp[owner]!;
          let kind = honeypotTrafficKind(rng);
          resp = '';
          if (kind === HoneypotTraffic.Collector) {
            const famBase = v6 ? h4 : 0;
            const famCount = v6 ? h6 : h4;
            const other = famBase + ((owner - famBase + 1 + rng.below(Math.max(1, famCount - 1))) % famCount);
            if (other !== owner && operating[other]) resp = hpIp[other]!;
            else kind = HoneypotTraffic.Dns;
          } else if (kind === HoneypotTraffic.Download) {
            for (let t = 0; t < 8 && resp === '' && active.length > 0; t++) {
              const a = active[rng.below(active.length)]!;
              if (a.v6 === v6) resp = a.ip;
            }
            if (resp === '') kind = HoneypotTraffic.Dns;
          }
          if (kind === HoneypotTraffic.Dns) resp = v6 ? RESOLVER_IPV6 : RESOLVER_IPV4;
          else if (kind === HoneypotTraffic.Ntp) resp = v6 ? NTP_IPV6 : NTP_IPV4;
          honeypotFlow(rng, f, v6, kind);
          decoys.fromHoneypot++;
        } else {
          const a = active[owner]!;
          orig = a.ip;
          if (type === FlowType.Dark) {
            const pool = a.v6 ? DARK_IPV6 : DARK_IPV4;
            resp = pool[rng.below(pool.length)]!;
            darkFlow(rng, f, a.v6);
            decoys.toNonHoneypot++;
          } else {
            const famCount = a.v6 ? h6 : h4;
            const hp = (a.v6 ? h4 : 0) + ((a.hpStart + rng.below(a.hpCount)) % famCount);
            resp = hpIp[hp]!;
            attackFlow(rng, f, a);
            if (operating[hp]) {
              aggFlows[owner]!++;
              if (f.durationUs > 0) aggDurUs[owner]! += f.durationUs;
              aggPkts[owner]! += f.origPkts;
              aggBytes[owner]! += f.origIpBytes;
              dayAttacks++;
            } else {
              decoys.beforeHoneypotStart++;
            }
          }
        }
        if (format !== 'zeek') continue;
        const hour = Math.floor(tsUs / HOUR_US);
        if (hour !== fileHour) {
          if (file !== undefined) {
            await file.write(chunk.take());
            file.end(zeekFooter(zeekStamp(date, fileHour + 1)));
            pending.push(file.done);
            file = undefined;
          }
          while (pending.length >= 3) await pending.shift();
          fileHour = hour;
          const rel = `${date}/${zeekHourFileName(hour)}`;
          file = new GzipFileWriter(join(outDir, rel), gzipLevel);
          files.push(rel);
          chunk.str(zeekHeader(zeekStamp(date, hour)));
        }
        const sec = Math.floor(tsUs / 1_000_000);
        appendConnLine(chunk, epochDaySec + sec, tsUs - sec * 1_000_000, uidRng, orig, resp, f);
        if (chunk.full) await file!.write(chunk.take());
      }
      if (file !== undefined) {
        await file.write(chunk.take());
        const closeStamp =
          fileHour === 23 ? zeekStamp(formatDay(dayNumber + 1), 0) : zeekStamp(date, fileHour + 1);
        file.end(zeekFooter(closeStamp));
        pending.push(file.done);
        file = undefined;
      }

      // 3. The day's ground truth.
      const ips: string[] = [];
      const rows: number[] = [];
      for (let j = 0; j < active.length; j++) {
        if (aggFlows[j]! > 0) {
          ips.push(active[j]!.ip);
          rows.push(j);
        }
      }
      if (format === 'aip') {
        const pick = (col: Float64Array, div = 1) => Float64Array.from(rows, (j) => col[j]! / div);
        const table: DayTable = {
          date,
          ip: ips,
          flows: pick(aggFlows),
          duration: pick(aggDurUs, 1_000_000),
          packets: pick(aggPkts),
          bytes: pick(aggBytes),
        };
        const rel = `attacks.${date}.csv.gz`;
        await writeFileAtomic(join(outDir, rel), dayTableToGzip(sortDayTable(table)));
        files.push(rel);
      }
      const today = new Set(ips);
      if (yesterday !== undefined && today.size > 0) {
        let both = 0;
        for (const ip of today) if (yesterday.has(ip)) both++;
        recallSum += both / today.size;
        recallDays++;
      }
      yesterday = today;
      perDay.push({
        date,
        attackers: ips.length,
        attackFlows: dayAttacks,
        records: n,
      });
      records += n;
      attackFlows += dayAttacks;
      attackerDays += ips.length;
      onProgress?.(d + 1, days);
    }
    await Promise.all(pending.splice(0));
  } catch (error) {
    await file?.abort();
    await Promise.allSettled(pending);
    throw error;
  }

  const honeypotCsv = `public_ip,operation_start_date,operation_end_date\n${hpList.map((h) => `${h.ip},${h.start},`).join('\n')}\n`;
  await writeFileAtomic(join(outDir, 'honeypots.csv'), honeypotCsv);
  files.push('honeypots.csv');

  decoys.total = decoys.toNonHoneypot + decoys.fromHoneypot + decoys.beforeHoneypotStart;
  return {
    format,
    out: outDir,
    seed,
    startDate,
    endDate: formatDay(day0 + days - 1),
    days,
    files,
    records,
    attackFlows,
    decoys,
    perDay,
    meanFlowsPerAttackerDay: attackerDays > 0 ? attackFlows / attackerDays : 0,
    alphaRecall: recallDays > 0 ? recallSum / recallDays : 0,
    honeypots: hpList,
    lateHoneypot: hpList[late]!,
  };
}
