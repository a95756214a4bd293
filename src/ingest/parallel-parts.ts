import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { gunzipSync } from 'node:zlib';
import { type DayTable, dayTableFileName, totalFlows } from '../days/day-table.js';
import { dayTableToGzip, parseDayTableCsv } from '../days/day-table-csv.js';
import { secondsToMicros } from '../days/day-table-domain.js';
import type { DayEntry, SkipReport } from '../days/manifest.js';
import { formatDay, parseDay } from '../util/dates.js';
import { AiplabError, DataError, UsageError } from '../util/errors.js';
import { sha256 } from '../util/sha256.js';
import { spanDays } from './attack-table-builder.js';
import { COLUMN_NAMES, DayAggregator, OK } from './day-aggregator.js';
import type { InputFile } from './input-files.js';
import { IpInterner } from './ip-interner.js';
import { keepLoggedIn } from './login-filter.js';
import { type PartOptions, type PartResult, readPart } from './read-part.js';
import { sumTooLarge } from './record-domains.js';
import { type MergedSensors, mergeSensorParts } from './sensor-tables.js';

/** Below this much input a worker's start-up (~0.3 s) costs more than it saves. */
export const PARALLEL_MIN_BYTES = 64 << 20;
const EXAMPLES_PER_REASON = 3;

/**
 * Splits the files into `n` contiguous runs of about equal size, cutting only between two Zeek day folders where
 * possible, so that each UTC day is mostly read by one worker (a day read by two is merged afterwards).
 */
export function splitRuns(files: InputFile[], n: number): InputFile[][] {
  if (n <= 1 || files.length <= 1) return [files];
  const total = files.reduce((a, f) => a + f.bytes, 0);
  const runs: InputFile[][] = [];
  let start = 0;
  let acc = 0;
  for (let k = 0; k < files.length && runs.length < n - 1; k++) {
    acc += files[k]!.bytes;
    const boundary = k + 1 < files.length && files[k + 1]!.coversDay !== files[k]!.coversDay;
    if (acc >= (total * (runs.length + 1)) / n && (boundary || files[k]!.coversDay === undefined)) {
      runs.push(files.slice(start, k + 1));
      start = k + 1;
    }
  }
  runs.push(files.slice(start));
  return runs.filter((r) => r.length > 0);
}

/**
 * Reads the parts of an ingest: one part on the calling thread, several each in a worker thread of their own (the
 * calling thread only waits: its heap holds whatever the program has loaded, and the garbage collections the read
 * buffers cause cost a worker's small heap much less). Waits for every part; the error reported is that of the
 * first failing part in file order (deterministic). When the parts are those of a whole ingest (`whole`), a rule
 * only the whole day decides is applied to them here (Cowrie `--attack login-success`: keepLoggedIn); an append
 * (ingestAppend) applies it itself, with what the dataset kept for it.
 */
export async function readParts(
  options: PartOptions[],
  onRawBytes?: (n: number) => void,
  whole = true,
): Promise<PartResult[]> {
  const dirs = options.map((o) => o.tmpDir);
  const rule = (parts: PartResult[]) => (whole ? keepLoggedIn(parts, dirs) : parts);
  if (options.length <= 1) return rule(await Promise.all(options.map((o) => readPart(o, onRawBytes))));
  const settled = await Promise.allSettled(options.map((o) => readPartInWorker(o, onRawBytes)));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return rule(settled.map((r) => (r as PromiseFulfilledResult<PartResult>).value));
}

/** Runs readPart in a worker thread (src/ingest/ingest-worker.mjs), forwarding progress and rethrowing its error. */
export function readPartInWorker(
  options: PartOptions,
  onRawBytes?: (n: number) => void,
): Promise<PartResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(new URL('./ingest-worker.mjs', import.meta.url), options);
    let settled = false;
    worker.on('message', (m: { type: string; [k: string]: unknown }) => {
      if (m.type === 'bytes') onRawBytes?.(m.n as number);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result as PartResult);
      } else if (m.type === 'error') {
        settled = true;
        reject(rebuildError(m));
      }
    });
    worker.on('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`ingest worker exited with code ${code}`));
    });
  });
}

/**
 * A worker thread with the process's Node options less a preloaded tsx (`node --import tsx`, as `npm run bench` and
 * the tests start node): the worker entry loads its code itself, and tsx preloaded in each worker cost it ~0.12 s of
 * CPU for nothing. Should Node refuse that list (an option a worker cannot take), the worker inherits the options.
 */
function startWorker(url: URL, workerData: unknown): Worker {
  const args = process.execArgv;
  const kept: string[] = [];
  for (let k = 0; k < args.length; k++) {
    const a = args[k]!;
    if (PRELOAD.test(a) && TSX.test(args[k + 1] ?? '')) k++;
    else if (!(PRELOAD_EQ.test(a) && TSX.test(a.slice(a.indexOf('=') + 1)))) kept.push(a);
  }
  if (kept.length < args.length) {
    try {
      return new Worker(url, { workerData, execArgv: kept });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
    }
  }
  return new Worker(url, { workerData });
}

const PRELOAD = /^(--import|--require|-r|--loader|--experimental-loader)$/;
const PRELOAD_EQ = /^(--import|--require|--loader|--experimental-loader)=/;
/** `tsx`, `tsx/esm`, `.../node_modules/tsx/...`. */
const TSX = /^(tsx|.*[\\/]tsx)([\\/].*)?$/;

function rebuildError(m: { [k: string]: unknown }): Error {
  const message = m.message as string;
  let error: Error;
  if (m.kind === 'data') {
    // The message already names file, line and field.
    error = new DataError('', {
      file: m.file as string | undefined,
      line: m.line as number | undefined,
      field: m.field as string | undefined,
    });
    error.message = message;
  } else if (m.kind === 'usage') error = new UsageError(message);
  else error = m.aiplab ? new AiplabError(message) : new Error(message);
  if (typeof m.stack === 'string') error.stack = m.stack;
  return error;
}

/**
 * Joins the parts' day tables: a day only one part wrote is taken as it is; a day two parts wrote (records spilling
 * over a folder boundary) is summed and rewritten. Sums are exact, as a single reader makes them (durations in whole
 * µs: each part's seconds are its µs sum / 10^6, read back exactly below 2^32 s), so the dataset does not depend on
 * the number of workers.
 */
export function mergeParts(
  parts: PartResult[],
  partDirs: string[],
  tmpDir: string,
  from: number | undefined,
  to: number | undefined,
): { days: DayEntry[]; missingDays: string[]; paths: Map<string, string>; sensors?: MergedSensors } {
  const byDay = new Map<number, { entry: DayEntry; path: string }[]>();
  parts.forEach((part, k) => {
    for (const entry of part.entries) {
      const day = parseDay(entry.date)!;
      const list = byDay.get(day) ?? [];
      list.push({ entry, path: join(partDirs[k]!, entry.file) });
      byDay.set(day, list);
    }
  });
  const entries = new Map<number, DayEntry>();
  const paths = new Map<string, string>();
  for (const [day, list] of byDay) {
    if (list.length === 1) {
      entries.set(day, list[0]!.entry);
      paths.set(list[0]!.entry.date, list[0]!.path);
      continue;
    }
    const date = formatDay(day);
    const table = sumTables(
      list.map(
        (x) => parseDayTableCsv(gunzipSync(readFileSync(x.path)).toString('utf8'), date, x.path).table,
      ),
      date,
      list.map((x) => x.path),
    );
    const gz = dayTableToGzip(table);
    const file = dayTableFileName(date);
    const path = join(tmpDir, file);
    writeFileSync(path, gz);
    entries.set(day, { date, file, rows: table.ip.length, flows: totalFlows(table), sha256: sha256(gz) });
    paths.set(date, path);
  }
  const covered = [...new Set(parts.flatMap((p) => p.covered))].sort((a, b) => a - b);
  const { days, missingDays } = spanDays(entries, from ?? covered[0], to ?? covered[covered.length - 1]);
  // --per-sensor: the sensors' tables of the dataset's days (sensor-tables.ts).
  if (!parts.some((p) => p.sensors !== undefined)) return { days, missingDays, paths };
  return { days, missingDays, paths, sensors: mergeSensorParts(parts, partDirs, tmpDir, days, paths) };
}

/**
 * The sum of one day's tables from several parts. A sum past what a day table holds is a DataError naming the day, the
 * IP and the column: its records were read by different workers, so no one record pushed it over (one reader of the
 * same records names the record).
 */
function sumTables(tables: DayTable[], date: string, paths: string[]): DayTable {
  const interner = new IpInterner();
  const sum = new DayAggregator(parseDay(date)!);
  for (const t of tables) {
    for (let i = 0; i < t.ip.length; i++) {
      const over = sum.add(
        interner.internString(t.ip[i]!),
        t.flows[i]!,
        secondsToMicros(t.duration[i]!),
        t.packets[i]!,
        t.bytes[i]!,
      );
      if (over !== OK) {
        const e = sumTooLarge(COLUMN_NAMES[over]!, t.ip[i]!, date, { field: COLUMN_NAMES[over] });
        e.message += ` (summed over the day tables of ${paths.length} worker threads, so no one record is to blame; ingest the files of ${date} alone to have the record named)`;
        throw e;
      }
    }
  }
  return sum.toSortedTable(
    date,
    (id) => interner.text(id),
    (id) => interner.ipv4(id),
  );
}

/** Sums the parts' skip counts; examples keep part order, a few per reason. */
export function mergeSkips(parts: PartResult[]): SkipReport {
  const malformed: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const examples: Record<string, string[]> = {};
  for (const p of parts) {
    for (const [k, v] of Object.entries(p.malformed)) malformed[k] = (malformed[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.dropped)) dropped[k] = (dropped[k] ?? 0) + v;
    for (const [k, v] of Object.entries(p.examples))
      examples[k] = [...(examples[k] ?? []), ...v].slice(0, EXAMPLES_PER_REASON);
  }
  const sorted = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
  return { malformed: sorted(malformed), dropped: sorted(dropped), examples: sorted(examples) };
}

/**
 * How a set of input files is read: the progress callback over their raw bytes, and the worker threads (two where
 * there are two cores and at least PARALLEL_MIN_BYTES to read, else one, unless `options.workers` says).
 */
export function readPlan(
  files: readonly InputFile[],
  options: { onProgress?: (done: number, total: number) => void; workers?: number },
): { bytesTotal: number; onRawBytes: ((n: number) => void) | undefined; workers: number } {
  const bytesTotal = files.reduce((a, f) => a + f.bytes, 0);
  let bytesRead = 0;
  const onProgress = options.onProgress;
  const onRawBytes = onProgress
    ? (n: number) => {
        bytesRead += n;
        onProgress(bytesRead, bytesTotal);
      }
    : undefined;
  const workers =
    options.workers ?? (bytesTotal >= PARALLEL_MIN_BYTES ? Math.min(2, availableParallelism()) : 1);
  return { bytesTotal, onRawBytes, workers };
}
