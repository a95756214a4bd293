import { copyFile, link, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { crashPoint, replaceDatasetFolder, scratchOf, startDatasetFolder } from '../days/dataset-replace.js';
import { recordDayTables, verifyManifestDataset } from '../days/dataset-verify.js';
import { type DatasetManifest, MANIFEST_FILE, MANIFEST_VERSION } from '../days/manifest.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { parseDay } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { sha256 } from '../util/sha256.js';
import { VERSION } from '../version.js';
import { carryOver, ingestOwns } from './dataset-carry-over.js';
import type { ReaderOptions } from './formats/input-format.js';
import { checkReaderOptions, getInputFormat } from './formats/registry.js';
import { readHoneypots } from './honeypots.js';
import { prepareDatasetFolder } from './ingest.js';
import type { InputFile } from './input-files.js';
import {
  asideOf,
  commitLoginAside,
  keepLoggedIn,
  type LoginAsideBase,
  loginAsideBase,
  NO_LOGIN,
} from './login-filter.js';
import { mergeParts, mergeSkips, readParts, readPlan, splitRuns } from './parallel-parts.js';
import type { PartOptions, PartResult } from './read-part.js';
import type { OnError } from './skips.js';

export interface IngestAppendOptions {
  /** Input format name (see the format registry); an existing dataset must have been read from the same format. */
  format: string;
  /** The new input files, in reading order (as expandInputs gives them): each is read once, whatever its name. */
  files: InputFile[];
  /** The dataset folder: an existing dataset (extended), or a new or empty folder (a dataset of `files` alone). */
  out: string;
  /** AIP honeypot list; required by zeek and argus. The manifest records the list given last. */
  honeypots?: string | undefined;
  /** `skip` or `fail`, as for ingest. @default 'skip' */
  onError?: OnError;
  /** Reader options (`tz`, `attack`); an existing dataset must have been read with the same ones. */
  reader?: ReaderOptions | undefined;
  /** Worker threads, as for ingest. @default as ingest chooses */
  workers?: number;
  /** Called as input bytes (as stored) are read. */
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Build the dataset from `files` alone, replacing what `out` holds instead of extending it. @default false */
  fresh?: boolean;
  /**
   * Files of the caller's to put into the new dataset folder with the commit, so that they change with the dataset,
   * atomically (`aiplab daily` keeps its record of the input files read this way): called once the input is read,
   * with the manifest about to be written and the sha256 of its text; returns file name → content. The names must be
   * plain file names that ingest does not write itself. A file of that name in the old folder is not carried over.
   */
  companions?: (
    manifest: DatasetManifest,
    manifestSha256: string,
  ) => Promise<Record<string, string | Uint8Array>> | Record<string, string | Uint8Array>;
}

export interface IngestAppendResult {
  out: string;
  manifest: DatasetManifest;
  /** Days that had no table before, ascending. */
  newDays: string[];
  /**
   * Days that had a table and received records from the new files, ascending, with the attack flows added: records
   * that spill across midnight into a day read earlier (or a late file of an old day) are summed into its table
   * (Cowrie `--attack login-success`: with the earlier flows a new login brought back).
   */
  extendedDays: { date: string; flows: number }[];
}

/**
 * Extends a dataset with new input files, incrementally (issue 13): only the new files are read (with ingest's own
 * readers, honeypot rule and workers: readParts), the old day tables are taken as they are, and a day both hold is
 * summed exactly as one ingest of all the files would sum it (mergeParts). The manifest's books are extended: its
 * inputs (old first), records, skip counts, days and missing days (a day the new files cover is no longer missing),
 * warnings. The new dataset is built beside `out` (old day tables hard-linked, or copied where links are refused) and
 * swapped in atomically (days/dataset-replace.ts), so a kill or an error leaves the old dataset or the new one, whole.
 * The old tables are checked against the manifest first (a changed one is a DataError naming it). Appending in steps
 * gives the day tables one ingest of all the files gives; the manifest differs only in its order of warnings.
 *
 * Cowrie `--attack login-success` keeps a day's IPs by every file's logins: the old dataset's rows the rule removed
 * from its last days (kept aside in it, login-filter.ts) are fed back with the new parts, so a login in a new file
 * restores that IP's earlier records of the day, and the new dataset keeps aside the removed rows of its own last
 * days. Appending file by file in day order then gives the folder one ingest gives (drop counts included); a new login
 * on an older day, whose removed rows are pruned, keeps only the new records and is named in a warning.
 *
 * Refused: a dataset of another format or other reader options (a UsageError), one with per-sensor tables (not
 * extended yet), and a new file with records whose content (sha256) a file already in the dataset has, which would
 * count its records twice (a DataError naming both); a file without records (header only) is read again freely.
 */
export async function ingestAppend(options: IngestAppendOptions): Promise<IngestAppendResult> {
  const format = getInputFormat(options.format);
  const onError = options.onError ?? 'skip';
  if (onError !== 'skip' && onError !== 'fail')
    throw new UsageError(`--on-error must be skip or fail, not '${onError}'`);
  if (options.files.length === 0) throw new UsageError('no input file to append');
  const reader = checkReaderOptions(format, options.reader);
  if (format.needsHoneypots && !options.honeypots)
    throw new UsageError(
      `${format.name} input needs --honeypots <csv>: attacks are flows to a listed honeypot`,
    );
  const seen = new Set<string>();
  for (const f of options.files) {
    if (seen.has(f.path)) throw new UsageError(`input file given twice: ${f.display}`);
    seen.add(f.path);
  }
  const { out } = options;
  await prepareDatasetFolder(out);
  const old = options.fresh ? null : await readOldManifest(out, format.name, reader);

  const warnings: string[] = [];
  const honeypots = options.honeypots ? await readHoneypots(options.honeypots) : null;
  if (honeypots) warnings.push(...honeypots.notes);
  if (honeypots && !format.needsHoneypots)
    warnings.push(`--honeypots is not used by ${format.name} input (every record is aimed at the honeypot)`);
  const honeypotEntry = honeypots
    ? { path: honeypots.path, sha256: honeypots.sha256, count: honeypots.count }
    : null;
  if (old?.honeypots && honeypotEntry && old.honeypots.sha256 !== honeypotEntry.sha256)
    warnings.push(
      `the honeypot list changed (sha256 ${old.honeypots.sha256.slice(0, 12)}… → ${honeypotEntry.sha256.slice(0, 12)}…, ${old.honeypots.count} → ${honeypotEntry.count} honeypots): days read before keep the old list's verdicts`,
    );

  const next = await startDatasetFolder(out);
  const scratch = scratchOf(next);
  try {
    // The old dataset as the first part: its day tables (linked, not moved: `out` stays whole until the swap) and
    // books. Its covered span is its from .. to, so its missing days stay missing unless new input covers them.
    const baseDir = join(scratch, 'base');
    await mkdir(baseDir, { recursive: true });
    const base: PartResult | null = old
      ? {
          entries: old.days,
          covered: [old.from, old.to].flatMap((d) => (d === null ? [] : [parseDay(d)!])),
          malformed: old.skipped.malformed,
          dropped: old.skipped.dropped,
          examples: old.skipped.examples,
          inputs: old.inputs,
          records: old.records,
          reopened: 0,
          warnings: [],
        }
      : null;
    for (const d of old?.days ?? []) await linkOrCopy(join(out, d.file), join(baseDir, d.file));

    const { onRawBytes, workers } = readPlan(options.files, options);
    const runs = splitRuns(options.files, Math.max(1, Math.min(workers, options.files.length)));
    const partOptions = runs.map(
      (files, k): PartOptions => ({
        format: format.name,
        files,
        honeypots,
        from: undefined,
        to: undefined,
        onError,
        reader,
        tmpDir: join(scratch, `part-${k}`),
      }),
    );
    for (const p of partOptions) await mkdir(p.tmpDir, { recursive: true });
    const read = await readParts(partOptions, onRawBytes, false);
    if (old) checkNotReadBefore(old, read);
    const readDirs = partOptions.map((p) => p.tmpDir);

    // Cowrie --attack login-success decides per day from every file's logins: the old dataset's rows kept aside (and
    // who logged in on the days touched) go in as one more part before the rule is applied (login-filter.ts).
    let aside: (LoginAsideBase & { dir: string }) | null = null;
    if (old && read.some((p) => p.loggedIn !== undefined)) {
      const dir = join(scratch, 'login-base');
      aside = { ...(await loginAsideBase(out, old, read, dir)), dir };
      warnings.push(...aside.warnings);
    }
    const fedDirs = aside ? [aside.dir, ...readDirs] : readDirs;
    const fed = keepLoggedIn(aside ? [aside.part, ...read] : read, fedDirs, aside?.asideFrom);
    // The old rows a new login restored (the others stay aside, or are pruned) join the new records: not input read,
    // so the reading books below (warnings, reopened days) are the new parts'.
    if (aside) fed[0] = { ...fed[0]!, entries: fed[0]!.entries.filter((e) => e.rows > 0) };
    const parts = aside ? fed.slice(1) : fed;

    const all = base ? [base, ...fed] : fed;
    const dirs = [...(base ? [baseDir] : []), ...fedDirs];
    const merged = mergeParts(all, dirs, scratch, undefined, undefined);
    const { days, missingDays } = merged;

    const oldDays = new Set((old?.days ?? []).map((d) => d.date));
    const added = new Map<string, number>();
    for (const p of fed)
      for (const e of p.entries)
        if (oldDays.has(e.date)) added.set(e.date, (added.get(e.date) ?? 0) + e.flows);
    const extendedDays = [...added]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, flows]) => ({ date, flows }));
    const newDays = days.map((d) => d.date).filter((d) => !oldDays.has(d));

    for (const p of parts) warnings.push(...p.warnings);
    const reopened = parts.reduce((a, p) => a + p.reopened, 0);
    if (reopened > 0)
      warnings.push(`${reopened} day(s) received records after being written (input out of day order)`);
    if (days.length === 0) warnings.push('the input covers no day: the dataset is empty');
    // The old warnings stay; a new one said before (the honeypot list's notes, read again each time) is not repeated.
    const oldWarnings = old?.warnings ?? [];
    const said = new Set(oldWarnings);
    const span = [...days.map((x) => x.date), ...missingDays].sort();
    const skipped = mergeSkips(all);
    // Every row kept aside restored: no drop left, as one ingest would count none.
    if (skipped.dropped[NO_LOGIN] === 0) delete skipped.dropped[NO_LOGIN];
    const manifest: DatasetManifest = {
      manifestVersion: MANIFEST_VERSION,
      aiplabVersion: VERSION,
      format: format.name,
      inputs: all.flatMap((p) => p.inputs),
      honeypots: honeypotEntry ?? old?.honeypots ?? null,
      ...(Object.keys(reader).length > 0 ? { reader } : {}),
      from: span[0] ?? null,
      to: span[span.length - 1] ?? null,
      days,
      missingDays,
      records: all.reduce((a, p) => a + p.records, 0),
      attackFlows: days.reduce((a, x) => a + x.flows, 0),
      skipped,
      warnings: [...oldWarnings, ...[...new Set(warnings)].filter((w) => !said.has(w))],
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    const extra = options.companions ? await options.companions(manifest, sha256(manifestText)) : {};
    for (const name of Object.keys(extra))
      if (name === '' || /[/\\]/.test(name) || name.startsWith('.aiplab-') || ingestOwns(name))
        throw new UsageError(`a companion file must be a plain name ingest does not write, not '${name}'`);

    // Commit, in ingest's order: day tables, what else the folder holds, the record of hashes, the manifest, the swap.
    for (const [k, x] of days.entries()) {
      await rename(merged.paths.get(x.date)!, join(next, x.file));
      if (k === 0) crashPoint('next-first-day');
    }
    if (fed.some((p) => p.loggedIn !== undefined))
      await commitLoginAside(asideOf(fedDirs[0]!), next, manifest.inputs);
    await carryOver(out, next, new Set(Object.keys(extra)));
    await rm(scratch, { recursive: true, force: true });
    crashPoint('next-days');
    for (const [name, data] of Object.entries(extra)) await writeFileAtomic(join(next, name), data);
    await recordDayTables(next, days);
    await writeFileAtomic(join(next, MANIFEST_FILE), manifestText);
    crashPoint('next-complete');
    await replaceDatasetFolder(out, next);
    // The old folder's removal changed the link counts, so the ctimes, of the day tables linked from it: record them
    // again, or the next open would re-hash every table.
    await recordDayTables(out, days);
    return { out, manifest, newDays, extendedDays };
  } finally {
    await rm(next, { recursive: true, force: true });
  }
}

/** The manifest of the dataset in `out`, checked to be extendable and its day tables unchanged; null when none. */
async function readOldManifest(
  out: string,
  format: string,
  reader: ReaderOptions,
): Promise<DatasetManifest | null> {
  const path = join(out, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new DataError(
      `cannot read the manifest: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: path,
      },
    );
  }
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(text) as DatasetManifest;
  } catch (error) {
    throw new DataError(`unreadable manifest: ${(error as Error).message}`, { file: path });
  }
  if (manifest.manifestVersion !== MANIFEST_VERSION)
    throw new DataError(
      `manifest version ${manifest.manifestVersion}; this aiplab extends version ${MANIFEST_VERSION}: re-ingest`,
      { file: path },
    );
  if (manifest.format !== format)
    throw new UsageError(
      `${out} holds a dataset of ${manifest.format} input, not ${format}: cannot extend it`,
    );
  const was = JSON.stringify(manifest.reader ?? {});
  if (was !== JSON.stringify(reader))
    throw new UsageError(
      `${out} was read with the reader options ${was}, not ${JSON.stringify(reader)} (--tz, --attack): cannot extend it`,
    );
  if ((manifest.sensors ?? []).length > 0)
    throw new UsageError(
      `${out} keeps per-sensor day tables, which cannot be extended yet: re-ingest it whole`,
    );
  // A day table edited since its ingest would be extended with a wrong base: stop, naming it.
  await verifyManifestDataset(out, manifest);
  return manifest;
}

/**
 * A new file with the content of a file the dataset already holds would count its records twice. A file that gave no
 * record (nor a malformed line) cannot: a header-only file (an AIP day without attacks, nfdump's "No matching flows")
 * is byte-identical day after day, and each such day must still be read. Same content, format and reader options
 * read the same, so the new file's count stands for the old one's.
 */
function checkNotReadBefore(old: DatasetManifest, parts: PartResult[]): void {
  const before = new Map<string, string>();
  for (const i of old.inputs) if (i.bytes > 0) before.set(`${i.bytes}:${i.sha256}`, i.path);
  for (const p of parts)
    for (const [k, i] of p.inputs.entries()) {
      const was = before.get(`${i.bytes}:${i.sha256}`);
      if (was !== undefined && p.recordless?.[k] !== true)
        throw new DataError(
          `has the content of ${was}, already in the dataset (sha256 ${i.sha256.slice(0, 12)}…): appending it would count its records twice`,
          { file: i.path },
        );
    }
}

/** A hard link of `from` at `to`, or a copy where the file system refuses links. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DataError('day table named by the manifest is missing', { file: from });
    await copyFile(from, to);
  }
}
