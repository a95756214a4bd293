import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { gzip } from 'node:zlib';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256 } from '../util/sha256.js';
import { type DayActors, type DayCounts, type DayWorld, dayRows, simulateDay } from './day-sim.js';
import { DaySums, dayTableCsvBytes } from './day-table-bytes.js';
import { ConnFields } from './flows.js';
import { Rng } from './rng.js';
import { SensorSums, type SensorTableBytes, sensorTablesCsv } from './sensor-sums.js';

const gzipAsync = promisify(gzip);

/** One day table to make: everything its simulation needs, cheap to post to a worker thread. */
export interface AipDayJob {
  /** Day index from the first simulated day. */
  d: number;
  /** Where the day table goes (absolute). */
  path: string;
  /** The day's stream A (Rng.state()). */
  state: readonly number[];
  day: DayActors;
  world: DayWorld;
  /** With world.sensors: per honeypot, where its table of the day goes (absolute), if it has one. */
  sensorPaths?: string[];
}

export interface AipDayResult {
  d: number;
  /** Indices of the day's attackers that are rows of its day table. */
  rows: Int32Array;
  counts: DayCounts;
  /** With world.sensors: the day table's sha256, and each honeypot's table with a row (ascending honeypot). */
  sha256?: string;
  sensors?: { hp: number; rows: number; flows: number; sha256: string }[];
}

/** A simulated day, ready to write. */
export interface MadeDay {
  result: AipDayResult;
  csv: Buffer;
  sensors?: SensorTableBytes[];
}

/** Makes aip day tables: a day's simulation from stream A alone, then its CSV, gzip-compressed (level 6, as ingest). */
export class AipDayMaker {
  private readonly sums = new DaySums();
  private readonly f = new ConnFields();
  private readonly sensorSums = new SensorSums();

  /**
   * Simulates the day and formats its table, and with world.sensors its sensors' tables (synchronous; the scratch
   * sums are free again when it returns).
   */
  simulate(job: AipDayJob): MadeDay {
    const sensors = job.world.sensors === true ? this.sensorSums : undefined;
    const counts = simulateDay(
      Rng.fromState(job.state),
      job.day,
      job.world,
      this.sums,
      this.f,
      undefined,
      sensors,
    );
    const rows = dayRows(this.sums, job.day.count);
    const csv = dayTableCsvBytes(job.day, rows, this.sums);
    const made: MadeDay = { result: { d: job.d, rows, counts }, csv };
    if (sensors !== undefined) made.sensors = sensorTablesCsv(job.day, sensors);
    return made;
  }

  /**
   * Compresses (on libuv's thread pool) and writes atomically the day's table and its sensors' tables; the result,
   * with the sha256 of each file where there are sensors.
   */
  async write(job: AipDayJob, made: MadeDay): Promise<AipDayResult> {
    const gz = await gzipAsync(made.csv, { level: 6 });
    await writeFileAtomic(job.path, gz);
    if (made.sensors === undefined) return made.result;
    const sensors: NonNullable<AipDayResult['sensors']> = [];
    for (const t of made.sensors) {
      const path = job.sensorPaths![t.hp]!;
      const sgz = await gzipAsync(t.csv, { level: 6 });
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, sgz);
      sensors.push({ hp: t.hp, rows: t.rows, flows: t.flows, sha256: sha256(sgz) });
    }
    return { ...made.result, sha256: sha256(gz), sensors };
  }
}

/** The typed arrays' buffers of a job, to transfer rather than copy. */
function transferables(job: AipDayJob): ArrayBuffer[] {
  const d = job.day;
  return [d.cls, d.v6, d.intensity, d.hpStart, d.hpCount, d.addr, job.world.operating].map(
    (a) => a.buffer as ArrayBuffer,
  );
}

interface Waiting {
  resolve: (r: AipDayResult) => void;
  reject: (e: Error) => void;
}

/**
 * Worker threads (src/synth/synth-worker.mjs) making day tables; day d goes to worker d mod n. Results come back as
 * each file is written.
 */
export class AipWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private failure: Error | undefined;

  constructor(n: number) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./synth-worker.mjs', import.meta.url));
      w.on(
        'message',
        (m: { type: string; d: number; result?: AipDayResult; message?: string; stack?: string }) => {
          const waiter = this.waiting.get(m.d);
          if (waiter === undefined) return;
          this.waiting.delete(m.d);
          if (m.type === 'done') waiter.resolve(m.result!);
          else {
            const error = new Error(m.message);
            if (m.stack !== undefined) error.stack = m.stack;
            waiter.reject(error);
          }
        },
      );
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (this.waiting.size > 0) this.fail(new Error(`synth worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  /** Posts the job (its typed arrays are transferred: the caller must not use them after). */
  run(job: AipDayJob): Promise<AipDayResult> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.set(job.d, { resolve, reject });
      this.workers[job.d % this.workers.length]!.postMessage(job, transferables(job));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
