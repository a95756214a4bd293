import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { dayTableFileName } from '../days/day-table.js';
import { SENSORS_FOLDER, sensorDirs } from '../days/sensor-dirs.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { formatDay, parseDay } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-path.js';
import { sha256 } from '../util/sha256.js';
import { VERSION } from '../version.js';
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
import { type AipDayJob, AipDayMaker, type AipDayResult, AipWorkerPool } from './aip-day.js';
import {
  DAY_US,
  DayBuffers,
  type DayCounts,
  type DayWorld,
  dayRows,
  FlowType,
  packActors,
  simulateDay,
} from './day-sim.js';
import { DaySums } from './day-table-bytes.js';
import {
  attackDetail,
  ConnFields,
  darkFlow,
  HoneypotTraffic,
  honeypotFlow,
  honeypotTrafficKind,
} from './flows.js';
import { type Actor, actorIp, Population, unscaledMeanFlows } from './population.js';
import { Rng } from './rng.js';
import { writeSensorManifest } from './sensor-manifest.js';
import { SYNTH_MARKER, SynthStaging, synthMarkerText } from './synth-output.js';
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
  /**
   * Output folder: new, empty, or an earlier synth output (recognised by its `aiplab-synth.json`), which is replaced
   * whole; any other folder is refused. Everything is written into a hidden sibling first and renamed into place when
   * complete, so the folder never holds a partial output.
   */
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
  /**
   * aip: worker threads that simulate and write day tables (0: all in the calling thread). Output does not depend on
   * it. @default one a core (at most 4) where there are 2+ cores and the run has at least 2 million attacker-days,
   * else 0
   */
  workers?: number;
  /**
   * Per-sensor attackers (the honeypots are the sensors, as `ingest --per-sensor` sees them): each attacker has a
   * home honeypot, and only this share of attackers hits others too (at least two honeypots a day, a persistent
   * scanner all of its address family's); the rest hit their home honeypot alone, so 0 gives disjoint sensors. With
   * it, `aip` also writes what `ingest --per-sensor` makes of the zeek output: `sensors/<dir>/attacks.YYYY-MM-DD.csv.gz`
   * and a `manifest.json` listing them (docs/sensors.md). A number from 0 to 1. @default undefined: attackers spread
   * over honeypots as without sensors (today's output, byte for byte)
   */
  sensorOverlap?: number;
  /** Called after each simulated day. */
  onProgress?: (doneDays: number, totalDays: number) => void;
  /**
   * Stops the run (between files): the temporary folder is removed, `out` is left as it was, and the promise rejects
   * with the signal's reason.
   */
  signal?: AbortSignal;
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
  /** Of those, how many are in an earlier day's ground truth of this run (a knowledge base built from day 1 on). */
  knownBefore: number;
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
  /** Paths written, relative to `out`, in write order (honeypots.csv, then aiplab-synth.json last). */
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
  /** Distinct attacker IPs over all days (= IPs in the union of the day tables). */
  distinctAttackers: number;
  honeypots: SynthHoneypot[];
  lateHoneypot: SynthHoneypot;
}

/** Days simulated before the first written day so every class starts in its steady state. */
const BURN_IN_DAYS = 45;
const HOUR_US = 3_600_000_000;
/** Day tables being simulated, compressed or written at a time, per worker (or in the calling thread). */
const PENDING_PER_WORKER = 2;
const PENDING_IN_THREAD = 3;
/** Below this many attacker-days a worker's start-up (~0.3 s) costs more than it saves. */
const WORKERS_MIN_ATTACKER_DAYS = 2_000_000;

function checkInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`option '${name}' must be an integer from ${min} to ${max}, got ${value}`);
  }
}

/**
 * Simulates honeypot traffic (persistent scanners, churning botnets, brute-forcers with long sessions, returners after
 * gaps, one-shot scanners, a late honeypot, decoys ingest must drop) and writes it as Zeek conn logs or AIP day tables.
 * Same options ⇒ byte-identical files. Memory is bounded by one day's records (zeek) or attackers (aip), not by the
 * total.
 *
 * Random streams: the population (who is active when) has its own; every simulated day has three more, jumped 2^64
 * draws apart. Stream A draws, attacker by attacker, what a day table sums (simulateDay); stream T the Zeek-only
 * placement in time; stream B, in time order, the rest of each Zeek record. The aip format draws stream A alone, the
 * very draws the zeek format makes, so its day tables are what ingesting the Zeek logs gives, without simulating a
 * single timestamp; and as a day depends only on its actors and streams, days can be made in worker threads.
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
    signal,
    sensorOverlap,
  } = options;
  checkInt('days', days, 1, 100_000);
  checkInt('attackersPerDay', attackersPerDay, 1, 100_000_000);
  checkInt('honeypots', honeypots, 2, MAX_HONEYPOTS);
  checkInt('seed', seed, 0, 0xffff_ffff);
  checkInt('gzipLevel', gzipLevel, 1, 9);
  const cores = availableParallelism();
  const workers =
    options.workers ??
    (cores >= 2 && days * attackersPerDay >= WORKERS_MIN_ATTACKER_DAYS ? Math.min(4, cores) : 0);
  checkInt('workers', workers, 0, 64);
  if (format !== 'zeek' && format !== 'aip') {
    throw new UsageError(`option 'format' must be 'zeek' or 'aip', got '${String(format)}'`);
  }
  const parsedStart = parseDay(startDate);
  if (parsedStart === undefined)
    throw new UsageError(`option 'startDate' must be a YYYY-MM-DD date, got '${startDate}'`);
  const day0: number = parsedStart;
  if (!(Number.isFinite(meanFlowsPerAttacker) && meanFlowsPerAttacker >= 1)) {
    throw new UsageError(`option 'meanFlowsPerAttacker' must be a number ≥ 1, got ${meanFlowsPerAttacker}`);
  }
  if (
    sensorOverlap !== undefined &&
    !(typeof sensorOverlap === 'number' && sensorOverlap >= 0 && sensorOverlap <= 1)
  )
    throw new UsageError(`option 'sensorOverlap' must be a number from 0 to 1, got ${String(sensorOverlap)}`);
  if (typeof out !== 'string' || out === '') throw new UsageError(`option 'out' must name a folder`);
  await checkOutputFolder(out, { flag: 'out', purpose: 'the synthetic data', viaSibling: true });
  signal?.throwIfAborted();
  const outDir = resolve(out);
  const staging = await SynthStaging.open(out, outDir);
  try {
    // The settings that decide the output (the marker records them; workers and progress do not change it).
    const settings = {
      format,
      days,
      attackersPerDay,
      honeypots,
      seed,
      startDate,
      meanFlowsPerAttacker,
      gzipLevel,
      ...(sensorOverlap !== undefined ? { sensorOverlap } : {}),
    };
    const report = await synthesizeInto(staging.dir, { ...settings, day0, workers, onProgress, signal });
    const { files, out: _staging, ...summary } = report;
    await writeFile(
      join(staging.dir, SYNTH_MARKER),
      synthMarkerText({ aiplab: VERSION, options: settings, report: summary, files }),
    );
    report.files.push(SYNTH_MARKER);
    signal?.throwIfAborted();
    await staging.commit();
    return { ...report, out: outDir };
  } catch (error) {
    await staging.discard();
    throw error;
  }
}

interface ResolvedSynthOptions {
  days: number;
  attackersPerDay: number;
  honeypots: number;
  seed: number;
  format: SynthFormat;
  startDate: string;
  day0: number;
  meanFlowsPerAttacker: number;
  gzipLevel: number;
  sensorOverlap?: number;
  workers: number;
  onProgress: ((doneDays: number, totalDays: number) => void) | undefined;
  signal: AbortSignal | undefined;
}

/** The simulation proper, writing into `outDir` (the staging folder). */
async function synthesizeInto(outDir: string, options: ResolvedSynthOptions): Promise<SynthReport> {
  const {
    days,
    attackersPerDay,
    honeypots,
    seed,
    format,
    startDate,
    day0,
    meanFlowsPerAttacker,
    gzipLevel,
    workers,
    onProgress,
    signal,
    sensorOverlap,
  } = options;
  const zeek = format === 'zeek';
  const sensors = sensorOverlap !== undefined;

  const rng = Rng.fromSeed(seed);
  const uidRng = rng.fork();
  let dayStreams = uidRng.fork();
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

  const population = new Population(
    rng,
    addresses,
    attackersPerDay,
    { v4: h4, v6: h6 },
    -BURN_IN_DAYS,
    days,
    sensorOverlap,
  );
  for (let d = -BURN_IN_DAYS; d < 0; d++) population.next();
  const scale = meanFlowsPerAttacker / unscaledMeanFlows();

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
  let distinctAttackers = 0;
  let recallSum = 0;
  let recallDays = 0;

  /** The books of day d, kept in day order: its rows are the actors with a counted flow. */
  const finishDay = (d: number, active: readonly Actor[], rows: Int32Array, counts: DayCounts): void => {
    let both = 0;
    let known = 0;
    for (let i = 0; i < rows.length; i++) {
      const a = active[rows[i]!]!;
      if (a.seen >= 0) {
        known++;
        if (a.seen === d - 1) both++;
      }
      a.seen = d;
    }
    const count = rows.length;
    if (d > 0 && count > 0) {
      recallSum += both / count;
      recallDays++;
    }
    const dayRecords = counts.attackRecords + counts.dark + counts.fromHoneypot;
    perDay.push({
      date: formatDay(day0 + d),
      attackers: count,
      knownBefore: known,
      attackFlows: counts.attackFlows,
      records: dayRecords,
    });
    decoys.toNonHoneypot += counts.dark;
    decoys.fromHoneypot += counts.fromHoneypot;
    decoys.beforeHoneypotStart += counts.beforeStart;
    records += dayRecords;
    attackFlows += counts.attackFlows;
    attackerDays += count;
    distinctAttackers += count - known;
    onProgress?.(d + 1, days);
  };

  /** Advances to day d: its actors, honeypots and random streams. */
  const nextDay = (d: number) => {
    const active = population.next();
    const operating = Uint8Array.from(hpStartDay, (s) => (s <= day0 + d ? 1 : 0));
    const world: DayWorld = { h4, h6, operating, scale, ...(sensors ? { sensors: true } : {}) };
    const A = dayStreams.fork();
    const T = A.fork();
    const B = T.fork();
    // Forked before B draws anything: the next day's streams never depend on what this day drew.
    dayStreams = B.fork();
    return { active, world, A, T, B };
  };

  /** With sensors (aip): the written days' results, for the manifest. */
  const aipResults: AipDayResult[] = [];
  /** Each honeypot's folder under sensors/ (sensorDirs of the honeypot addresses, as ingest names them). */
  const dirs = sensorDirs(hpIp);
  const sensorDir = sensors ? hpIp.map((ip) => dirs.get(ip)!) : [];

  if (zeek) {
    await writeZeekDays();
  } else {
    await writeAipDays();
  }

  async function writeAipDays(): Promise<void> {
    const pool = workers > 0 ? new AipWorkerPool(workers) : undefined;
    const maker = pool === undefined ? new AipDayMaker() : undefined;
    const limit = pool === undefined ? PENDING_IN_THREAD : PENDING_PER_WORKER * workers;
    const inflight: { active: Actor[]; result: Promise<AipDayResult> }[] = [];
    const finishOldest = async () => {
      const { active, result } = inflight.shift()!;
      const r = await result;
      finishDay(r.d, active, r.rows, r.counts);
      if (sensors) aipResults.push(r);
    };
    try {
      for (let d = 0; d < days; d++) {
        signal?.throwIfAborted();
        const { active, world, A } = nextDay(d);
        const rel = dayTableFileName(formatDay(day0 + d));
        const job: AipDayJob = {
          d,
          path: join(outDir, rel),
          state: A.state(),
          day: packActors(active),
          world,
        };
        if (sensors) job.sensorPaths = sensorDir.map((dir) => join(outDir, SENSORS_FOLDER, dir, rel));
        let result: Promise<AipDayResult>;
        if (pool !== undefined) {
          result = pool.run(job);
        } else {
          result = maker!.write(job, maker!.simulate(job));
        }
        // Failures surface when awaited in day order; this only keeps them from being reported unhandled before.
        result.catch(() => {});
        inflight.push({ active, result });
        files.push(rel);
        while (inflight.length >= limit) await finishOldest();
      }
      while (inflight.length > 0) await finishOldest();
    } catch (error) {
      await Promise.allSettled(inflight.map((x) => x.result));
      throw error;
    } finally {
      await pool?.close();
    }
  }

  async function writeZeekDays(): Promise<void> {
    const buf = new DayBuffers();
    const sums = new DaySums();
    const f = new ConnFields();
    const pending: Promise<void>[] = [];
    let file: GzipFileWriter | undefined;
    const chunk = new AsciiChunk();
    try {
      for (let d = 0; d < days; d++) {
        signal?.throwIfAborted();
        const dayNumber = day0 + d;
        const date = formatDay(dayNumber);
        const { active, world, A, T, B } = nextDay(d);
        const { operating } = world;
        const m = active.length;

        // 1. Attacker by attacker: the day's sums (stream A) and every attack and dark record placed (stream T).
        const counts = simulateDay(A, packActors(active), world, sums, f, { T, buf });
        let n = counts.placed;

        // 2. The honeypots' own connections, then every record in time order, its details from stream B.
        const fromHp = counts.fromHoneypot;
        buf.ensure(n + fromHp);
        for (let k = 0; k < fromHp; k++) {
          let hp = T.below(honeypots);
          if (operating[hp] !== 1) hp = (hp + 1) % honeypots;
          buf.ts[n] = Math.floor(T.float() * DAY_US);
          buf.owner[n] = hp;
          buf.type[n] = FlowType.HoneypotOrigin;
          n++;
        }
        buf.sort(n);
        const ipOf = active.map(actorIp);
        await mkdir(join(outDir, date), { recursive: true });
        const epochDaySec = dayNumber * 86_400;
        let fileHour = -1;
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
            let kind = honeypotTrafficKind(B);
            resp = '';
            if (kind === HoneypotTraffic.Collector) {
              const famBase = v6 ? h4 : 0;
              const famCount = v6 ? h6 : h4;
              const other = famBase + ((owner - famBase + 1 + B.below(Math.max(1, famCount - 1))) % famCount);
              if (other !== owner && operating[other] === 1) resp = hpIp[other]!;
              else kind = HoneypotTraffic.Dns;
            } else if (kind === HoneypotTraffic.Download) {
              for (let t = 0; t < 8 && resp === '' && m > 0; t++) {
                const k = B.below(m);
                if (active[k]!.v6 === v6) resp = ipOf[k]!;
              }
              if (resp === '') kind = HoneypotTraffic.Dns;
            }
            if (kind === HoneypotTraffic.Dns) resp = v6 ? RESOLVER_IPV6 : RESOLVER_IPV4;
            else if (kind === HoneypotTraffic.Ntp) resp = v6 ? NTP_IPV6 : NTP_IPV4;
            honeypotFlow(B, f, v6, kind);
          } else {
            const a = active[owner]!;
            orig = ipOf[owner]!;
            if (type === FlowType.Dark) {
              const pool = a.v6 ? DARK_IPV6 : DARK_IPV4;
              resp = pool[B.below(pool.length)]!;
              darkFlow(B, f, a.v6);
            } else {
              resp = hpIp[buf.hp[i]!]!;
              f.kind = buf.kind[i]!;
              f.variant = buf.variant[i]!;
              f.durationUs = buf.durationUs[i]!;
              f.origPkts = buf.origPkts[i]!;
              f.origBytes = buf.origBytes[i]!;
              f.origIpBytes = buf.origIpBytes[i]!;
              attackDetail(B, f, a);
            }
          }
          const hour = Math.floor(tsUs / HOUR_US);
          if (hour !== fileHour) {
            if (file !== undefined) {
              await file.write(chunk.take());
              file.end(zeekFooter(zeekStamp(date, fileHour + 1)));
              pending.push(file.done);
              file = undefined;
            }
            while (pending.length >= 3) await pending.shift();
            signal?.throwIfAborted();
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
        finishDay(d, active, dayRows(sums, m), counts);
      }
      await Promise.all(pending.splice(0));
    } catch (error) {
      await file?.abort();
      await Promise.allSettled(pending);
      throw error;
    }
  }

  const honeypotCsv = `public_ip,operation_start_date,operation_end_date\n${hpList.map((h) => `${h.ip},${h.start},`).join('\n')}\n`;
  await writeFileAtomic(join(outDir, 'honeypots.csv'), honeypotCsv);
  files.push('honeypots.csv');

  decoys.total = decoys.toNonHoneypot + decoys.fromHoneypot + decoys.beforeHoneypotStart;
  if (sensors && !zeek)
    await writeSensorManifest(outDir, {
      results: aipResults,
      dates: perDay.map((p) => p.date),
      hpIp,
      sensorDir,
      honeypots: { path: 'honeypots.csv', sha256: sha256(honeypotCsv), count: honeypots },
      records,
      files,
    });
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
    distinctAttackers,
    honeypots: hpList,
    lateHoneypot: hpList[late]!,
  };
}
