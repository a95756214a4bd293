import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  crashPoint,
  recoverDatasetFolder,
  replaceDatasetFolder,
  scratchOf,
  startDatasetFolder,
} from '../days/dataset-replace.js';
import { recordDayTables } from '../days/dataset-verify.js';
import { type DatasetManifest, MANIFEST_FILE, MANIFEST_VERSION } from '../days/manifest.js';
import { SENSORS_FOLDER } from '../days/sensor-dirs.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { parseDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { outputFolderEntries, processAlive } from '../util/fs-checks.js';
import { VERSION } from '../version.js';
import { carryOver } from './dataset-carry-over.js';
import type { ReaderOptions } from './formats/input-format.js';
import { checkReaderOptions, getInputFormat } from './formats/registry.js';
import { readHoneypots } from './honeypots.js';
import { expandInputs } from './input-files.js';
import { asideOf, commitLoginAside } from './login-filter.js';
import { mergeParts, mergeSkips, readParts, readPlan, splitRuns } from './parallel-parts.js';
import type { PartOptions, PartResult } from './read-part.js';
import { checkPerSensor } from './sensor-tables.js';
import type { OnError } from './skips.js';

export interface IngestOptions {
  /** Input format name: zeek, cowrie, argus, aip (see the format registry). */
  format: string;
  /** Files and/or folders. */
  inputs: string[];
  /** Dataset folder to write. */
  out: string;
  /** AIP honeypot list (`public_ip,operation_start_date,operation_end_date`); required by zeek and argus. */
  honeypots?: string | undefined;
  /** First UTC day to keep, `YYYY-MM-DD`. @default the first day the input covers */
  from?: string | undefined;
  /** Last UTC day to keep, `YYYY-MM-DD`. @default the last day the input covers */
  to?: string | undefined;
  /** `skip`: count malformed lines and report them; `fail`: stop at the first one. @default 'skip' */
  onError?: OnError;
  /** Reader options the format takes (`tz` for nfdump, `attack` for Cowrie); recorded in the manifest. */
  reader?: ReaderOptions | undefined;
  /**
   * Also write a day table per sensor, `sensors/<dir>/attacks.YYYY-MM-DD.csv.gz`, listed in the manifest's `sensors`
   * (docs/sensors.md): the honeypot a flow went to (flow formats), the `sensor` field of a Cowrie event. Not for aip
   * input, whose day tables name no sensor. @default false
   */
  perSensor?: boolean | undefined;
  /**
   * Worker threads reading the input in parallel, each a contiguous run of files (whole Zeek day folders where it
   * can). @default 2 on a machine with 2+ cores when the input is at least 64 MB, else 1
   */
  workers?: number;
  /** Called as input bytes (as stored, compressed) are read. */
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
}

export interface IngestResult {
  manifest: DatasetManifest;
  out: string;
}

/**
 * Reads honeypot logs into a dataset of day tables (DESIGN §2): `attacks.YYYY-MM-DD.csv.gz` for every UTC day the
 * input covers (header-only when no flow hit a honeypot that day), and `manifest.json`. The new dataset is built in a
 * sibling folder and put in the place of the old one only when the whole input was read (commitDataset), so an
 * interrupted or failed run leaves the previous dataset (or nothing) behind, never a partial file or a mix of old and
 * new. The same input gives byte-identical files (the hidden `.aiplab-verified.json` aside: it records mtimes).
 * With `perSensor`, each sensor's day tables too, under `sensors/` (mergeSensorParts, docs/sensors.md).
 */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const format = getInputFormat(options.format);
  const onError = options.onError ?? 'skip';
  if (onError !== 'skip' && onError !== 'fail')
    throw new UsageError(`--on-error must be skip or fail, not '${onError}'`);
  if (options.inputs.length === 0) throw new UsageError('no input given');
  const from = optionalDay(options.from, '--from');
  const to = optionalDay(options.to, '--to');
  if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to');
  const reader = checkReaderOptions(format, options.reader);
  checkPerSensor(format.name, options.perSensor);
  if (format.needsHoneypots && !options.honeypots) {
    throw new UsageError(
      `${format.name} input needs --honeypots <csv>: attacks are flows to a listed honeypot`,
    );
  }
  const warnings: string[] = [];
  const honeypots = options.honeypots ? await readHoneypots(options.honeypots) : null;
  if (honeypots) warnings.push(...honeypots.notes);
  if (honeypots && !format.needsHoneypots) {
    warnings.push(`--honeypots is not used by ${format.name} input (every record is aimed at the honeypot)`);
  }
  const files = await expandInputs(options.inputs, format.accept);
  if (files.length === 0)
    throw new DataError(`no ${format.name} input files found`, {
      file: options.inputs.join(' '),
    });

  await prepareDatasetFolder(options.out);
  const next = await startDatasetFolder(options.out);
  const tmpDir = scratchOf(next);
  try {
    const { onRawBytes, workers } = readPlan(files, options);
    const runs = splitRuns(files, Math.max(1, Math.min(workers, files.length)));
    const partOptions = (k: number): PartOptions => ({
      format: format.name,
      files: runs[k]!,
      honeypots,
      from,
      to,
      onError,
      reader,
      tmpDir: join(tmpDir, `part-${k}`),
      ...(options.perSensor ? { perSensor: true } : {}),
    });
    for (let k = 0; k < runs.length; k++) await mkdir(partOptions(k).tmpDir, { recursive: true });
    const parts = await readParts(
      runs.map((_, k) => partOptions(k)),
      onRawBytes,
    );
    const manifest = await commitDataset(options.out, next, {
      format: format.name,
      honeypots: honeypots
        ? { path: honeypots.path, sha256: honeypots.sha256, count: honeypots.count }
        : null,
      reader,
      from,
      to,
      parts,
      partDirs: parts.map((_, k) => partOptions(k).tmpDir),
      warnings,
    });
    return { manifest, out: options.out };
  } finally {
    // After a commit it is `out` (renamed): nothing there; after a failure the half-built dataset goes.
    await rm(next, { recursive: true, force: true });
  }
}

/** What the parts of an ingest read (in input file order), and the ingest's own books. */
export interface DatasetParts {
  format: string;
  honeypots: DatasetManifest['honeypots'];
  /** The reader options the parts were read with. */
  reader: ReaderOptions;
  /** The --from/--to day numbers, if given. */
  from: number | undefined;
  to: number | undefined;
  parts: PartResult[];
  /** Where each part's day tables are. */
  partDirs: string[];
  /** The ingest's own warnings, before the parts'. */
  warnings: string[];
}

/**
 * Joins the parts' day tables (mergeParts) into the new dataset folder `next` (startDatasetFolder; its scratch folder
 * takes the days two parts wrote), then puts it in the place of `out` atomically (replaceDatasetFolder): day files
 * first (then the sensors' day files, when the parts have them: mergeSensorParts), then the record of their hashes,
 * then manifest.json last (a next folder with its manifest is complete), then the renames. What an existing `out` holds beside the dataset itself (files of the user's) is copied over. Used by
 * ingest and by the merge of partial ingests, so both write the same folder.
 */
export async function commitDataset(out: string, next: string, d: DatasetParts): Promise<DatasetManifest> {
  const { parts } = d;
  const scratch = scratchOf(next);
  const merged = mergeParts(parts, d.partDirs, scratch, d.from, d.to);
  const { days, missingDays } = merged;
  const warnings = [...d.warnings];
  const inputs = parts.flatMap((p) => p.inputs);
  for (const p of parts) warnings.push(...p.warnings);
  const reopened = parts.reduce((a, p) => a + p.reopened, 0);
  if (reopened > 0)
    warnings.push(`${reopened} day(s) received records after being written (input out of day order)`);
  if (days.length === 0) warnings.push('the input covers no day: the dataset is empty');
  const span = [...days.map((x) => x.date), ...missingDays].sort();
  const manifest: DatasetManifest = {
    manifestVersion: MANIFEST_VERSION,
    aiplabVersion: VERSION,
    format: d.format,
    inputs,
    honeypots: d.honeypots,
    ...(Object.keys(d.reader).length > 0 ? { reader: d.reader } : {}),
    from: span[0] ?? null,
    to: span[span.length - 1] ?? null,
    days,
    missingDays,
    records: parts.reduce((a, p) => a + p.records, 0),
    attackFlows: days.reduce((a, x) => a + x.flows, 0),
    skipped: mergeSkips(parts),
    warnings,
    ...(merged.sensors ? { sensors: merged.sensors.sensors } : {}),
  };
  // Commit: day files first, then the manifest that names them, then the swap (AIPLAB_CRASH_AT: a test hook).
  for (const [k, x] of days.entries()) {
    await rename(merged.paths.get(x.date)!, join(next, x.file));
    if (k === 0) crashPoint('next-first-day');
  }
  const sensorDays = merged.sensors?.sensors.flatMap((s) => s.days) ?? [];
  if (merged.sensors) {
    for (const s of merged.sensors.sensors)
      await mkdir(join(next, SENSORS_FOLDER, s.dir), { recursive: true });
    for (const x of sensorDays) await rename(merged.sensors.paths.get(x.file)!, join(next, x.file));
  }
  // Cowrie --attack login-success: the rows removed from the last days, for a later append (login-filter.ts).
  if (parts.some((p) => p.loggedIn !== undefined))
    await commitLoginAside(asideOf(d.partDirs[0]!), next, inputs);
  await carryOver(out, next);
  await rm(scratch, { recursive: true, force: true });
  crashPoint('next-days');
  await recordDayTables(next, [...days, ...sensorDays]);
  await writeFileAtomic(join(next, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  crashPoint('next-complete');
  await replaceDatasetFolder(out, next);
  return manifest;
}

function optionalDay(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const d = parseDay(text);
  if (d === undefined) throw new UsageError(`${flag} must be a date YYYY-MM-DD, not '${text}'`);
  return d;
}

/**
 * The output folder must be new, empty, or an aiplab dataset (which is then replaced). A replacement an interrupted
 * ingest left half done is finished or undone first (recoverDatasetFolder). A new folder is not made here: the commit
 * renames the finished dataset to its name.
 */
export async function prepareDatasetFolder(out: string): Promise<void> {
  await recoverDatasetFolder(out);
  const names = await outputFolderEntries(out);
  if (names === undefined) return;
  // An older aiplab, killed, left its temp folder inside `out`: remove those of processes gone.
  for (const name of names) {
    const m = /^\.aiplab-tmp-(\d+)$/.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
      await rm(join(out, name), { recursive: true, force: true });
    }
  }
  const visible = names.filter((n) => !n.startsWith('.'));
  if (visible.length > 0 && !names.includes(MANIFEST_FILE)) {
    throw new UsageError(
      `${out} is not empty and holds no aiplab dataset (no ${MANIFEST_FILE}): refusing to write there`,
    );
  }
  if (names.includes(MANIFEST_FILE)) {
    try {
      JSON.parse(await readFile(join(out, MANIFEST_FILE), 'utf8'));
    } catch {
      throw new DataError('existing manifest is unreadable: refusing to overwrite the folder', {
        file: join(out, MANIFEST_FILE),
      });
    }
  }
}
