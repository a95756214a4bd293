import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { dailyBlocklists } from '../blocklist/daily-blocklists.js';
import { getListFormat } from '../blocklist/formats/registry.js';
import { readAllowlist } from '../blocklist/read-allowlist.js';
import { recoverDatasetFolder } from '../days/dataset-replace.js';
import { MANIFEST_FILE } from '../days/manifest.js';
import type { ReaderOptions } from '../ingest/formats/input-format.js';
import { checkReaderOptions, getInputFormat } from '../ingest/formats/registry.js';
import { ingestAppend } from '../ingest/ingest-append.js';
import { expandInputs, type InputFile } from '../ingest/input-files.js';
import { createModel } from '../models/index.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { addDays } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-path.js';
import { sha256 } from '../util/sha256.js';
import { withDatasetLock } from './daily-lock.js';
import {
  DAILY_STATE_FILE,
  type DailyState,
  dailyStateText,
  hashFile,
  newDailyState,
  type ReadFileRecord,
  readDailyState,
  statFile,
} from './daily-state.js';
import {
  FEED_RECORD_FILE,
  type FeedRecord,
  feedRecordText,
  heldBack,
  latestName,
  newestFeedDate,
  readFeedRecord,
  writeIfChanged,
} from './feed-files.js';
import { closingRuleOf, completeInput } from './input-days.js';

export interface DailyFeedOptions {
  /** Input format name (zeek, cowrie, argus, aip, …). */
  format: string;
  /** The log folder (Zeek's `<root>` of `YYYY-MM-DD/` folders, Cowrie's `var/log/cowrie`, …). */
  input: string;
  /** AIP honeypot list (zeek, argus). */
  honeypots?: string | undefined;
  /** The dataset folder aiplab daily keeps (made on the first run). */
  data: string;
  /** The output root of the lists. */
  out: string;
  /** Model names, or 'all'. */
  models: string[] | 'all';
  /** List formats, each list written in every one. @default ['txt'] */
  formats?: string[];
  /** Extra columns of the csv format (country, asn, as_name, first_seen, last_seen, days_seen). */
  columns?: string | readonly string[] | undefined;
  /** Cut every list to its top K instead of the model's own rule. */
  budget?: number | undefined;
  /** AIP `do_not_block_these_ips.csv`: never listed (besides the built-in bogon ranges, always removed). */
  allowlist?: string | undefined;
  /** A list whose size leaves [previous / F, previous × F] is held back (the previous feed stays). @default 2 */
  maxChange?: number;
  /** Publish lists that --max-change would hold back. @default false */
  force?: boolean;
  /** The time of the run: the lists are for its UTC date T, from the days before T. @default the clock */
  now?: Date;
  /** Rebuild the dataset from every complete input file instead of extending it (after an input file changed). @default false */
  rebuild?: boolean;
  /** Reader options (`tz`, `attack`), fixed for the life of the dataset. */
  reader?: ReaderOptions | undefined;
  /** Seed for models that draw random numbers. @default 0 */
  seed?: number;
  /** Called as input bytes are read. */
  onProgress?: (bytesRead: number, bytesTotal: number) => void;
  /** Receives warnings (the dataset's, the models'). */
  warn?: (message: string) => void;
}

export interface DailyFeedList {
  model: string;
  entries: number;
  removedByAllowlist: number;
  removedAsBogons: number;
  /** The published list before this run (from the feed record), if any. */
  previous: { date: string; entries: number } | undefined;
  /** Held back by --max-change: nothing of it was written. */
  held: boolean;
  /** The dated files and the latest files, absolute paths. */
  files: string[];
  latest: string[];
  /** How many of those files this run wrote (0: they held these bytes already). */
  written: number;
}

export interface DailyFeedResult {
  /** The day the lists are for (UTC date of --now). */
  date: string;
  /** Input files read into the dataset by this run (paths relative to the input folder). */
  read: string[];
  /** Days the dataset gained, and days it had that got records (spill across midnight, a late file). */
  newDays: string[];
  extendedDays: { date: string; flows: number }[];
  /** Files that name no day (live logs) or belong to a day not complete yet: not read this run. */
  waiting: { live: number; open: number };
  lists: DailyFeedList[];
  /** Lists --max-change held back. */
  held: DailyFeedList[];
}

/** The day of a time, as the feed counts days: its UTC date. */
export function feedDay(now: Date): string {
  if (Number.isNaN(now.getTime())) throw new UsageError('--now is not a time');
  return now.toISOString().slice(0, 10);
}

/** A complete input file, with the key the state knows it by and its stat. */
interface Candidate {
  file: InputFile;
  key: string;
  size: number;
  mtimeNs: string;
}

/**
 * `aiplab daily` (issue 13, docs/daily-feed.md): the operator's job, run once a day after the logs rotate. It reads
 * the input files of complete days it has not read yet into the dataset (ingestAppend: incremental, atomic; its
 * record of the files read, aiplab-daily.json, goes with the dataset), then writes each model's list for today T (the
 * UTC date of `now`, from the days before T) in every format, under a dated name and a stable latest one, writing only
 * files whose bytes change. Bogon ranges are never listed. It stops with a DataError, the lists untouched, when the
 * input of T − 1 is missing or not complete; a list whose size leaves the --max-change band is held back (in
 * `held`: the caller reports it). An input file read before that changed is a DataError naming it (`rebuild` re-reads
 * every complete day).
 */
export async function dailyFeed(options: DailyFeedOptions): Promise<DailyFeedResult> {
  const format = getInputFormat(options.format);
  const reader = checkReaderOptions(format, options.reader);
  const today = feedDay(options.now ?? new Date());
  const yesterday = addDays(today, -1);
  const maxChange = options.maxChange ?? 2;
  if (!(Number.isFinite(maxChange) && maxChange >= 1))
    throw new UsageError(`--max-change must be a number >= 1, not '${options.maxChange}'`);
  const budget = options.budget;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1))
    throw new UsageError(`--budget must be a whole number >= 1, not '${budget}'`);
  const formats = [...new Set(options.formats ?? ['txt'])];
  if (formats.length === 0) throw new UsageError('--format: name at least one list format');
  for (const f of formats) getListFormat(f);
  // Unknown models and a bad allowlist fail now, before the input is read.
  const models = options.models === 'all' ? 'all' : [...new Set(options.models)];
  if (models !== 'all') for (const name of models) createModel(name);
  if (options.allowlist) await readAllowlist(options.allowlist);
  if (format.needsHoneypots && !options.honeypots)
    throw new UsageError(
      `${format.name} input needs --honeypots <csv>: attacks are flows to a listed honeypot`,
    );
  const info = await stat(options.input).catch((error: NodeJS.ErrnoException) => {
    throw new DataError(`cannot read the input folder: ${error.code ?? String(error)}`, {
      file: options.input,
    });
  });
  if (!info.isDirectory())
    throw new UsageError(`--input ${format.name} ${options.input}: give the log folder, not a file`);
  await checkOutputFolder(options.data, { flag: '--data', purpose: 'the dataset', viaSibling: true });
  await checkOutputFolder(options.out, { purpose: 'the lists' });
  const inside = relative(resolve(options.data), resolve(options.out));
  if (inside === '' || (!inside.startsWith('..') && !isAbsolute(inside)))
    throw new UsageError(
      '--out must not be inside --data: the dataset folder is replaced as a whole each day',
    );

  return withDatasetLock(options.data, async () => {
    const ingested = await extendDataset(options, format.name, reader, today);
    const record = await readFeedRecord(options.out);
    const status = ingested.days.get(yesterday);
    if (status !== true) {
      const feed = newestFeedDate(record);
      const stays = feed === undefined ? 'no feed is written' : `the feed of ${feed} stays`;
      throw new DataError(
        status === undefined
          ? `input for ${yesterday} is missing (no file or folder of that day in ${options.input}): ${stays}`
          : `input for ${yesterday} is incomplete (no later day yet, nor a live log): ${stays}`,
      );
    }
    const lists = await publish(options, today, formats, record, maxChange);
    return {
      date: today,
      read: ingested.read,
      newDays: ingested.newDays,
      extendedDays: ingested.extendedDays,
      waiting: ingested.waiting,
      lists,
      held: lists.filter((l) => l.held),
    };
  });
}

/** Reads the complete input files not read yet into the dataset; returns what it read and the input's days. */
async function extendDataset(
  options: DailyFeedOptions,
  format: string,
  reader: ReaderOptions,
  today: string,
) {
  const root = options.input;
  const files = await expandInputs([root], getInputFormat(format).accept);
  const input = completeInput(files, today, closingRuleOf(format));
  const keyOf = (f: InputFile) => relative(root, f.path).split(sep).join('/');

  const fresh = Boolean(options.rebuild);
  // A swap a killed run left half done is finished (or undone) first, so the state read is the dataset's.
  await recoverDatasetFolder(options.data);
  const state = fresh ? newDailyState(format) : await checkedState(options.data, format, reader);
  const candidates: Candidate[] = [];
  for (const file of input.complete)
    candidates.push({ file, key: keyOf(file), ...(await statFile(file.path)) });
  const present = new Set(candidates.map((c) => c.key));
  const files2 = { ...state.files };
  let stateChanged = false;
  const fresher: Candidate[] = [];
  for (const c of candidates) {
    const known = state.files[c.key];
    if (known) {
      if (known.size === c.size && known.mtimeNs === c.mtimeNs) continue;
      const now = await hashFile(c.file.path);
      if (now !== known.sha256)
        throw new DataError(
          `input file changed since aiplab daily read it (sha256 ${now.slice(0, 12)}…, was ${known.sha256.slice(0, 12)}…; day ${known.day}): daily reads a file once; pass --rebuild to re-read every complete day`,
          { file: c.file.display },
        );
      files2[c.key] = { ...known, size: c.size, mtimeNs: c.mtimeNs };
      stateChanged = true;
      continue;
    }
    // `x` and `x.gz` are one file, before and after compression: the one read counts; of two unread, the plain one.
    const twin = c.key.endsWith('.gz') ? c.key.slice(0, -3) : `${c.key}.gz`;
    const read = state.files[twin];
    if (read) {
      if (present.has(twin)) continue;
      if (c.key.endsWith('.gz') && (await hashFile(c.file.path, true)) === read.sha256) {
        delete files2[twin];
        files2[c.key] = {
          day: read.day,
          size: c.size,
          mtimeNs: c.mtimeNs,
          sha256: await hashFile(c.file.path),
        };
        stateChanged = true;
        continue;
      }
      throw new DataError(
        `input file replaces ${twin}, read before, with other content: pass --rebuild to re-read every complete day`,
        { file: c.file.display },
      );
    }
    if (c.key.endsWith('.gz') && present.has(twin)) continue;
    fresher.push(c);
  }

  let read: string[] = [];
  let newDays: string[] = [];
  let extendedDays: { date: string; flows: number }[] = [];
  if (fresh && fresher.length === 0)
    throw new DataError('no complete day in the input to rebuild the dataset from', { file: root });
  if (fresher.length > 0) {
    const result = await ingestAppend({
      format,
      files: fresher.map((c) => c.file),
      out: options.data,
      honeypots: options.honeypots,
      reader,
      fresh,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      companions: async (manifest, manifestSha256) => {
        const shaOf = new Map(manifest.inputs.map((i) => [i.path, i.sha256]));
        for (const c of fresher) {
          // A file that grew or changed while it was read would be recorded with content it does not have.
          const after = await statFile(c.file.path);
          if (after.size !== c.size || after.mtimeNs !== c.mtimeNs)
            throw new DataError(
              'input file changed while it was read (still being written?): nothing was ingested; run again later',
              { file: c.file.display },
            );
          files2[c.key] = {
            day: c.file.coversDay!,
            size: c.size,
            mtimeNs: c.mtimeNs,
            sha256: shaOf.get(c.file.display)!,
          } satisfies ReadFileRecord;
        }
        return { [DAILY_STATE_FILE]: dailyStateText({ ...state, files: files2, manifestSha256 }) };
      },
    });
    read = fresher.map((c) => c.key);
    newDays = result.newDays;
    extendedDays = result.extendedDays;
  } else if (stateChanged) {
    // Only stats changed (a file touched, or compressed after it was read): the dataset stays, its record follows.
    await writeFileAtomic(join(options.data, DAILY_STATE_FILE), dailyStateText({ ...state, files: files2 }));
  }
  return {
    read,
    newDays,
    extendedDays,
    days: input.days,
    waiting: { live: input.live.length, open: input.open.length },
  };
}

/**
 * The state of the dataset folder, checked to belong to its manifest and to have been read with the reader options
 * asked for now (checked up front: a run with nothing new to read would otherwise ignore a changed --tz/--attack);
 * a new folder: an empty state.
 */
async function checkedState(data: string, format: string, reader: ReaderOptions): Promise<DailyState> {
  const state = await readDailyState(data);
  let manifestText: string | undefined;
  try {
    manifestText = await readFile(join(data, MANIFEST_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      throw new DataError(`cannot read: ${code ?? String(error)}`, { file: join(data, MANIFEST_FILE) });
  }
  if (state === null) {
    if (manifestText !== undefined)
      throw new UsageError(
        `${data} holds a dataset aiplab daily did not make (no ${DAILY_STATE_FILE}): give daily a folder of its own (it reads every complete day of the input)`,
      );
    return newDailyState(format);
  }
  if (manifestText === undefined)
    throw new DataError(
      `${DAILY_STATE_FILE} without a ${MANIFEST_FILE}: pass --rebuild to re-read the input`,
      {
        file: data,
      },
    );
  if (state.input !== format) throw new UsageError(`${data} is fed from ${state.input} input, not ${format}`);
  if (sha256(manifestText) !== state.manifestSha256)
    throw new DataError(
      `the dataset changed since aiplab daily last wrote it (its ${MANIFEST_FILE} is not the one ${DAILY_STATE_FILE} records: re-ingested, or accepted with --trust-changes?): pass --rebuild to re-read every complete day`,
      { file: data },
    );
  let was: unknown;
  try {
    was = (JSON.parse(manifestText) as { reader?: unknown }).reader ?? {};
  } catch (error) {
    throw new DataError(`unreadable manifest: ${(error as Error).message}`, {
      file: join(data, MANIFEST_FILE),
    });
  }
  if (JSON.stringify(was) !== JSON.stringify(reader))
    throw new UsageError(
      `${data} was read with the reader options ${JSON.stringify(was)}, not ${JSON.stringify(reader)} (--tz, --attack): give the options it was read with, or pass --rebuild to re-read every complete day with the new ones`,
    );
  return state;
}

/**
 * Builds today's lists in memory (any error: nothing written), holds back those --max-change refuses, then writes the
 * others: dated files, then latest files, then the feed record, each only where its bytes change.
 */
async function publish(
  options: DailyFeedOptions,
  today: string,
  formats: string[],
  record: FeedRecord,
  maxChange: number,
): Promise<DailyFeedList[]> {
  const built = await dailyBlocklists({
    data: options.data,
    date: today,
    models: options.models === 'all' ? 'all' : [...new Set(options.models)],
    allowlist: options.allowlist,
    budget: options.budget,
    formats,
    columns: options.columns,
    bogonFilter: true,
    write: false,
    out: options.out,
    seed: options.seed ?? 0,
    warn: options.warn ?? (() => {}),
  });
  const lists: DailyFeedList[] = [];
  const writes: { path: string; data: string | Uint8Array }[] = [];
  const latestWrites: { path: string; data: string | Uint8Array }[] = [];
  const next: FeedRecord = { ...record, lists: { ...record.lists } };
  for (const l of built.lists) {
    const was = record.lists[l.model];
    const previous = was ? { date: was.date, entries: was.entries } : undefined;
    const held = !options.force && heldBack(l.entries, previous?.entries, maxChange);
    const files: string[] = [];
    const latest: string[] = [];
    for (const f of l.rendered ?? []) {
      const path = join(options.out, f.path);
      files.push(path);
      if (!held) writes.push({ path, data: f.data });
      const name = latestName(f.path, today);
      if (name === undefined) continue;
      if (latestWrites.some((w) => w.path === join(options.out, name)))
        throw new UsageError(`two list formats write the latest file ${name}: give one of them`);
      latest.push(join(options.out, name));
      if (!held) latestWrites.push({ path: join(options.out, name), data: f.data });
    }
    if (!held)
      next.lists[l.model] = {
        date: today,
        entries: l.entries,
        latest: latest.map((p) => relative(options.out, p).split(sep).join('/')),
      };
    lists.push({
      model: l.model,
      entries: l.entries,
      removedByAllowlist: l.removedByAllowlist,
      removedAsBogons: l.removedAsBogons,
      previous,
      held,
      files,
      latest,
      written: 0,
    });
  }
  const wrote = new Set<string>();
  for (const w of [...writes, ...latestWrites]) if (await writeIfChanged(w.path, w.data)) wrote.add(w.path);
  await writeIfChanged(join(options.out, FEED_RECORD_FILE), feedRecordText(next));
  for (const l of lists) l.written = [...l.files, ...l.latest].filter((p) => wrote.has(p)).length;
  return lists;
}
