import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  nextFolderOf,
  recoverDatasetFolder,
  replaceDatasetFolder,
  scratchOf,
  startDatasetFolder,
} from '../days/dataset-replace.js';
import type { DatasetManifest } from '../days/manifest.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { isDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { outputFolderEntries } from '../util/fs-checks.js';
import { VERSION } from '../version.js';
import type { ReaderOptions } from './formats/input-format.js';
import { checkReaderOptions, getInputFormat } from './formats/registry.js';
import { readHoneypots } from './honeypots.js';
import { commitDataset, type IngestOptions, prepareDatasetFolder } from './ingest.js';
import { expandInputs, type InputFile } from './input-files.js';
import { keepLoggedIn } from './login-filter.js';
import { readPartInWorker, readPlan, splitRuns } from './parallel-parts.js';
import { type PartOptions, type PartResult, readPart } from './read-part.js';
import { checkPerSensor } from './sensor-tables.js';

/** The file that makes a folder a partial ingest (beside its `part-<k>/` folders of day tables). */
export const INGEST_PARTIAL_FILE = 'ingest-partial.json';
const FORMAT = 'aiplab-ingest-partial';
const VERSION_OF_FORMAT = 1;

/** One part a partial ingest read: a contiguous run of input files, and what reading them gave. */
export interface IngestPartialPart {
  /** Index (in IngestPartial.inputFiles) of its first file. */
  firstFile: number;
  files: number;
  /** Its folder of day tables, relative to the partial. */
  dir: string;
  result: PartResult;
}

/** `ingest-partial.json`: what a partial ingest read and what a merge needs to write the whole dataset. */
export interface IngestPartial {
  format: typeof FORMAT;
  version: number;
  aiplab: string;
  inputFormat: string;
  honeypots: DatasetManifest['honeypots'];
  onError: string;
  /** Reader options (`--tz`, `--attack`); absent in partials of older aiplab versions, which took none. */
  reader?: ReaderOptions;
  /** `--per-sensor`: its parts wrote per-sensor day tables too (absent when not). */
  perSensor?: true;
  /** The day files/folders it read: `--from` .. `--to` (null: open). */
  range: { from: string | null; to: string | null };
  /** Every input file the inputs expand to, in reading order (a merge checks each is read by exactly one partial). */
  inputFiles: { path: string; bytes: number; day: string | null }[];
  /** The ingest's own warnings (the parts' are in their results). */
  warnings: string[];
  parts: IngestPartialPart[];
}

/** Contiguous runs of indices: [0, 1, 2, 5, 6] → [[0, 1, 2], [5, 6]]. */
function contiguousRuns(indices: number[]): number[][] {
  const runs: number[][] = [];
  for (const i of indices) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] === i - 1) last.push(i);
    else runs.push([i]);
  }
  return runs;
}

/**
 * A partial ingest (`aiplab ingest … --from D --to D --partial`), for N ingests of disjoint day ranges on N
 * machines: it reads only the input files of the days `from` .. `to` (a Zeek day folder, a daily Cowrie or AIP file:
 * the day its folder or name gives), keeps every record of them whatever its UTC day (a record that spills into a
 * neighbour's day is kept as a part of that day for the merge to add, as a parallel ingest adds its workers' days),
 * and writes its day tables and books into `out` (`part-<k>/`, ingest-partial.json). `aiplab merge` of partials that
 * read every input file once writes the dataset folder one ingest of the same inputs (without --from/--to) makes,
 * byte for byte. An input file that names no day cannot be split so, and is a usage error.
 */
export async function ingestPartial(
  options: IngestOptions,
): Promise<{ out: string; partial: IngestPartial }> {
  const format = getInputFormat(options.format);
  const onError = options.onError ?? 'skip';
  if (onError !== 'skip' && onError !== 'fail')
    throw new UsageError(`--on-error must be skip or fail, not '${onError}'`);
  if (options.inputs.length === 0) throw new UsageError('no input given');
  for (const [flag, day] of [
    ['--from', options.from],
    ['--to', options.to],
  ] as const)
    if (day !== undefined && !isDay(day))
      throw new UsageError(`${flag} must be a date YYYY-MM-DD, not '${day}'`);
  const reader = checkReaderOptions(format, options.reader);
  checkPerSensor(format.name, options.perSensor);
  const from = options.from ?? null;
  const to = options.to ?? null;
  if (from !== null && to !== null && from > to) throw new UsageError('--from is after --to');
  if (format.needsHoneypots && !options.honeypots)
    throw new UsageError(
      `${format.name} input needs --honeypots <csv>: attacks are flows to a listed honeypot`,
    );
  const warnings: string[] = [];
  const honeypots = options.honeypots ? await readHoneypots(options.honeypots) : null;
  if (honeypots) warnings.push(...honeypots.notes);
  if (honeypots && !format.needsHoneypots)
    warnings.push(`--honeypots is not used by ${format.name} input (every record is aimed at the honeypot)`);
  const files = await expandInputs(options.inputs, format.accept);
  if (files.length === 0)
    throw new DataError(`no ${format.name} input files found`, { file: options.inputs.join(' ') });
  const dayless = files.find((f) => f.coversDay === undefined);
  if (dayless)
    throw new UsageError(
      `--partial splits the input by day, and ${dayless.display} names no day (neither a YYYY-MM-DD folder nor a .YYYY-MM-DD name): ingest such input whole`,
    );
  const mine = files
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => (from === null || f.coversDay! >= from) && (to === null || f.coversDay! <= to))
    .map(({ i }) => i);

  await prepareOutPartial(options.out);
  // Built beside `out` and swapped in as a dataset is (days/dataset-replace.ts): a kill leaves the old or the new one.
  const tmp = nextFolderOf(options.out);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    const mineFiles = mine.map((i) => files[i]!);
    const { onRawBytes, workers } = readPlan(mineFiles, options);
    // Each contiguous run of its files (in input order) is read as parts of its own, so a merge can put every
    // part in input order whatever the partials' day ranges cut.
    const planned: { firstFile: number; files: InputFile[] }[] = [];
    for (const run of contiguousRuns(mine)) {
      let first = run[0]!;
      for (const sub of splitRuns(
        run.map((i) => files[i]!),
        Math.max(1, Math.min(workers, run.length)),
      )) {
        planned.push({ firstFile: first, files: sub });
        first += sub.length;
      }
    }
    const partOptions = (k: number): PartOptions => ({
      format: format.name,
      files: planned[k]!.files,
      honeypots,
      from: undefined,
      to: undefined,
      onError,
      reader,
      tmpDir: join(tmp, `part-${k}`),
      ...(options.perSensor ? { perSensor: true } : {}),
    });
    for (let k = 0; k < planned.length; k++) await mkdir(partOptions(k).tmpDir, { recursive: true });
    const results =
      planned.length <= 1
        ? await Promise.all(planned.map((_, k) => readPart(partOptions(k), onRawBytes)))
        : await Promise.all(planned.map((_, k) => readPartInWorker(partOptions(k), onRawBytes)));
    const partial: IngestPartial = {
      format: FORMAT,
      version: VERSION_OF_FORMAT,
      aiplab: VERSION,
      inputFormat: format.name,
      honeypots: honeypots
        ? { path: honeypots.path, sha256: honeypots.sha256, count: honeypots.count }
        : null,
      onError,
      reader,
      ...(options.perSensor ? { perSensor: true as const } : {}),
      range: { from, to },
      inputFiles: files.map((f) => ({ path: f.display, bytes: f.bytes, day: f.coversDay ?? null })),
      warnings,
      parts: planned.map((p, k) => ({
        firstFile: p.firstFile,
        files: p.files.length,
        dir: `part-${k}`,
        result: results[k]!,
      })),
    };
    await writeFileAtomic(join(tmp, INGEST_PARTIAL_FILE), `${JSON.stringify(partial)}\n`);
    await replaceDatasetFolder(options.out, tmp);
    return { out: options.out, partial };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * A partial's folder must be new, empty, or an earlier partial (which is then replaced). A replacement a killed run
 * left half done is finished or undone first, as for a dataset.
 */
async function prepareOutPartial(out: string): Promise<void> {
  await recoverDatasetFolder(out, INGEST_PARTIAL_FILE);
  const names = await outputFolderEntries(out);
  if (names === undefined) return;
  if (names.length > 0 && !names.includes(INGEST_PARTIAL_FILE))
    throw new UsageError(
      `${out} is not empty and holds no partial ingest (no ${INGEST_PARTIAL_FILE}): refusing to write there`,
    );
}

/** Reads a partial ingest folder's ingest-partial.json; anything else is a data error naming it. */
export async function readIngestPartial(dir: string): Promise<IngestPartial> {
  const path = join(dir, INGEST_PARTIAL_FILE);
  let data: IngestPartial;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as IngestPartial;
  } catch (error) {
    throw new DataError(`not a readable partial ingest: ${(error as Error).message.split('\n')[0]}`, {
      file: path,
    });
  }
  if (data?.format !== FORMAT)
    throw new DataError(`not a partial ingest (no "format": "${FORMAT}")`, { file: path });
  if (data.version !== VERSION_OF_FORMAT)
    throw new DataError(
      `partial ingest format version ${data.version}; this aiplab reads ${VERSION_OF_FORMAT}`,
      {
        file: path,
      },
    );
  return data;
}

/** A run of days as text: `2024-01-05` or `2024-01-05 .. 2024-01-09`. */
function daysText(days: string[]): string {
  const sorted = [...new Set(days)].sort();
  return sorted.length <= 1 ? (sorted[0] ?? '') : `${sorted[0]} .. ${sorted[sorted.length - 1]}`;
}

/**
 * Merges partial ingests (folders written by ingestPartial) into the dataset folder `out` one ingest of the same
 * inputs would have written: checks they read the same inputs (same format, honeypot list and files) and that every
 * input file was read by exactly one of them (errors name the days missing or read twice), then joins their parts
 * in input order with ingest's own writer (commitDataset). The manifest is byte-identical to one ingest's (so is the
 * dataset's fingerprint): it does not record the merge.
 */
export async function mergeIngestPartials(dirs: string[], out: string): Promise<DatasetManifest> {
  if (dirs.length === 0) throw new UsageError('merge: no partial given');
  const partials = await Promise.all(dirs.map(async (dir) => ({ dir, p: await readIngestPartial(dir) })));
  const head = partials[0]!;
  const files = JSON.stringify(head.p.inputFiles);
  for (const { dir, p } of partials.slice(1)) {
    const differs = (what: string) =>
      new UsageError(`merge: ${dir} and ${head.dir} are partials of different ingests: ${what} differ`);
    if (p.aiplab !== head.p.aiplab) throw differs(`the aiplab versions (${p.aiplab}, ${head.p.aiplab})`);
    if (p.inputFormat !== head.p.inputFormat)
      throw differs(`the input formats (${p.inputFormat}, ${head.p.inputFormat})`);
    if (JSON.stringify(p.honeypots) !== JSON.stringify(head.p.honeypots)) throw differs('the honeypot lists');
    if (p.onError !== head.p.onError) throw differs('--on-error');
    if (JSON.stringify(p.reader ?? {}) !== JSON.stringify(head.p.reader ?? {}))
      throw differs('the reader options (--tz, --attack)');
    if (p.perSensor !== head.p.perSensor) throw differs('--per-sensor');
    if (JSON.stringify(p.inputFiles) !== files) throw differs('the input files');
  }
  const readBy: (number | undefined)[] = head.p.inputFiles.map(() => undefined);
  const twice: string[] = [];
  const parts: { firstFile: number; result: PartResult; dir: string }[] = [];
  partials.forEach(({ dir, p }, k) => {
    for (const part of p.parts) {
      for (let i = part.firstFile; i < part.firstFile + part.files; i++) {
        const other = readBy[i];
        if (other !== undefined && other !== k)
          twice.push(`${head.p.inputFiles[i]!.day} (${partials[other]!.dir} and ${dir})`);
        readBy[i] = k;
      }
      parts.push({ firstFile: part.firstFile, result: part.result, dir: join(dir, part.dir) });
    }
  });
  if (twice.length > 0)
    throw new UsageError(
      `merge: the files of ${daysText(twice.map((t) => t.slice(0, 10)))} were read by two partials ${twice[0]!.slice(11)}: their --from/--to overlap`,
    );
  const unread = head.p.inputFiles.filter((_, i) => readBy[i] === undefined);
  if (unread.length > 0)
    throw new UsageError(
      `merge: no partial read the input files of ${daysText(unread.map((f) => f.day ?? ''))} (${unread.length} file${unread.length === 1 ? '' : 's'}): ingest those days too`,
    );
  parts.sort((a, b) => a.firstFile - b.firstFile);
  await prepareDatasetFolder(out);
  // The new dataset is built beside `out` and swapped in atomically, as ingest does (commitDataset).
  const next = await startDatasetFolder(out);
  try {
    // The parts' day tables are copied into the new folder first: commit moves them, and the partials stay as they were.
    const partDirs: string[] = [];
    for (const [k, p] of parts.entries()) {
      const dir = join(scratchOf(next), `part-${k}`);
      await mkdir(dir);
      for (const e of p.result.entries) await copyFile(join(p.dir, e.file), join(dir, e.file));
      for (const e of (p.result.sensors ?? []).flatMap((s) => s.entries)) {
        await mkdir(dirname(join(dir, e.file)), { recursive: true });
        await copyFile(join(p.dir, e.file), join(dir, e.file));
      }
      partDirs.push(dir);
    }
    return await commitDataset(out, next, {
      format: head.p.inputFormat,
      honeypots: head.p.honeypots,
      reader: head.p.reader ?? {},
      from: undefined,
      to: undefined,
      // A partial keeps every IP's rows: the rule of the whole day applies to the whole ingest's parts (on the copies).
      parts: keepLoggedIn(
        parts.map((p) => p.result),
        partDirs,
      ),
      partDirs,
      warnings: head.p.warnings,
    });
  } finally {
    await rm(next, { recursive: true, force: true });
  }
}
