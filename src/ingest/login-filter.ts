import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DayTable, dayTableFileName, totalFlows } from '../days/day-table.js';
import { dayTableToGzip, parseDayTableCsv } from '../days/day-table-csv.js';
import { secondsToMicros } from '../days/day-table-domain.js';
import type { DatasetManifest, DayEntry, InputFileEntry } from '../days/manifest.js';
import { pickRows } from '../days/sum-day-tables.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { dayOfEpochSeconds, formatDay, parseDay } from '../util/dates.js';
import { sha256 } from '../util/sha256.js';
import type { AttackTableBuilder } from './attack-table-builder.js';
import { COLUMN_NAMES, DayAggregator, OK } from './day-aggregator.js';
import { IpInterner } from './ip-interner.js';
import type { PartResult } from './read-part.js';
import { END_DAY, FIRST_DAY, sumTooLarge } from './record-domains.js';

/**
 * Cowrie's `--attack login-success` rule: day D's table holds only the IPs with a `cowrie.login.success` event on D,
 * each with all its records of D (every session, logged in or not). A part of an ingest cannot apply it alone: a
 * day's records can be read by several parts (worker threads, partial ingests; Cowrie rotates its log at the
 * honeypot's local midnight, so a file spills into the UTC days beside it). So each part writes every IP's row and
 * notes who logged in when (noteLogin, PartResult.loggedIn); once the parts of the whole ingest are read,
 * keepLoggedIn unions those notes per day and removes the other rows from every part's tables, before the parts are
 * summed. Removing rows per part with the union commutes with summing them, so the dataset does not depend on how
 * the input was split. An append (ingestAppend) reads only new files: the rows removed from the dataset's last days
 * are kept aside in the dataset for it (LOGIN_ASIDE_FOLDER, below), so that appending gives what one ingest gives.
 */

/** The drop reason of the records of an IP on a day it did not log in (counted in records, i.e. Cowrie events). */
export const NO_LOGIN = 'no cowrie.login.success that day';

/** Per UTC day number, the canonical texts of the IPs that logged in. */
export type LoginDays = Map<number, Set<string>>;

/** The collector's login notes, made (empty) on first use: a part that read under the rule always reports them. */
export function loginDaysOf(collector: AttackTableBuilder): LoginDays {
  if (collector.loggedIn === undefined) collector.loggedIn = new Map();
  return collector.loggedIn;
}

/**
 * Notes a `cowrie.login.success` of `ip` at `ts` (epoch seconds) that the collector has just been given, as the day
 * and canonical text its row has. A time or address the collector refused, or a day outside --from/--to, makes no
 * row, so it is not noted.
 */
export function noteLogin(collector: AttackTableBuilder, logins: LoginDays, ts: number, ip: string): void {
  const day = dayOfEpochSeconds(ts);
  if (!(day >= FIRST_DAY && day < END_DAY) || !collector.inRange(day)) return;
  const id = collector.interner.internString(ip);
  const canonical = id < 0 ? null : collector.canonicalOf(id);
  if (canonical === null) return;
  let ips = logins.get(day);
  if (ips === undefined) {
    ips = new Set();
    logins.set(day, ips);
  }
  ips.add(canonical);
}

/** The notes as PartResult.loggedIn: date → IPs, both sorted (plain JSON, for worker messages and partial files). */
export function loginDaysRecord(logins: LoginDays): Record<string, string[]> {
  return Object.fromEntries(
    [...logins.keys()].sort((a, b) => a - b).map((day) => [formatDay(day), [...logins.get(day)!].sort()]),
  );
}

/**
 * Applies the login-success rule to the parts of a whole ingest (`partDirs[k]`: where part k's day tables are): each
 * day table keeps the rows of the IPs that logged in that day in any part; the records of the rows removed (their
 * packets: one per Cowrie event) are counted as the drop NO_LOGIN of their part. Tables are rewritten in place, so the
 * folders must be the ingest's own scratch copies. When no part carries login notes (another format or rule), the
 * parts are returned as they are and no table is read.
 *
 * The rows removed from the days from `asideFrom` on (default: the last LOGIN_ASIDE_DAYS days any part has a table
 * for) are summed per day into the folder asideOf(partDirs[0]), with its index ASIDE_INDEX: the dataset keeps them
 * (commitLoginAside) for a later append, whose next file may log one of those IPs in on such a day.
 */
export function keepLoggedIn(parts: PartResult[], partDirs: string[], asideFrom?: number): PartResult[] {
  if (!parts.some((p) => p.loggedIn !== undefined)) return parts;
  const loggedIn = new Map<string, Set<string>>();
  let last = Number.NEGATIVE_INFINITY;
  for (const p of parts) {
    for (const [date, ips] of Object.entries(p.loggedIn ?? {})) {
      const set = loggedIn.get(date) ?? new Set<string>();
      for (const ip of ips) set.add(ip);
      loggedIn.set(date, set);
    }
    for (const e of p.entries) last = Math.max(last, parseDay(e.date)!);
  }
  const from = asideFrom ?? last - (LOGIN_ASIDE_DAYS - 1);
  const aside = new Map<string, DayTable[]>();
  const filtered = parts.map((part, k) => {
    let dropped = 0;
    const entries = part.entries.map((entry): DayEntry => {
      if (entry.rows === 0) return entry;
      const path = join(partDirs[k]!, entry.file);
      const { table } = parseDayTableCsv(gunzipSync(readFileSync(path)).toString('utf8'), entry.date, path);
      const keep = loggedIn.get(entry.date) ?? new Set<string>();
      const kept: number[] = [];
      const removed: number[] = [];
      for (let i = 0; i < table.ip.length; i++) {
        if (keep.has(table.ip[i]!)) kept.push(i);
        else {
          dropped += table.packets[i]!;
          removed.push(i);
        }
      }
      if (removed.length === 0) return entry;
      if (parseDay(entry.date)! >= from) {
        const list = aside.get(entry.date) ?? [];
        list.push(pickRows(table, removed));
        aside.set(entry.date, list);
      }
      const filtered = pickRows(table, kept);
      const gz = dayTableToGzip(filtered);
      writeFileSync(path, gz);
      return { ...entry, rows: filtered.ip.length, flows: totalFlows(filtered), sha256: sha256(gz) };
    });
    if (dropped === 0) return { ...part, entries };
    const drops = { ...part.dropped, [NO_LOGIN]: (part.dropped[NO_LOGIN] ?? 0) + dropped };
    return {
      ...part,
      entries,
      dropped: Object.fromEntries(Object.entries(drops).sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  });
  writeAside(asideOf(partDirs[0]!), from, aside);
  return filtered;
}

// ---------------------------------------------------------------------------------------------------------------
// The rows kept aside for appends (ingestAppend, `aiplab daily`).
//
// An append reads only the new files, but a login in them restores the rows an IP had, on that day, in the files read
// before. So a login-success dataset keeps, in its hidden folder LOGIN_ASIDE_FOLDER, the rows the rule removed from its
// last LOGIN_ASIDE_DAYS days (the last day it has a table for, and the day before: where the next file of a log
// rotated once a day can still put records), summed per day as day tables, with an index (AsideIndex). Who logged in
// on a day needs no record: it is the IPs of the day's table. The next append feeds these rows back to keepLoggedIn as
// a part whose records were counted as dropped already (loginAsideBase), and keeps aside the removed rows of its own
// last days: appending file by file gives the day tables, drop counts and folder one ingest of all the files gives.

/** The hidden folder of a login-success dataset holding the rows removed from its last days. */
export const LOGIN_ASIDE_FOLDER = '.aiplab-login-aside';
/** How many of the last days of a dataset keep their removed rows. */
export const LOGIN_ASIDE_DAYS = 2;
/** The index in the folder (and, without inputsSha256, in a scratch folder keepLoggedIn writes). */
const ASIDE_INDEX = 'index.json';
const ASIDE_VERSION = 1;

interface AsideIndex {
  version: number;
  /** The first day whose removed rows are kept (the days before were pruned); null: none, the dataset had no day. */
  from: string | null;
  /** The sha256 of the JSON of the dataset manifest's `inputs`: the index belongs to that dataset. */
  inputsSha256?: string;
  /** The days from `from` on with removed rows: their tables, and the records (packets) in them. */
  days: (DayEntry & { records: number })[];
}

/** Where keepLoggedIn writes the kept-aside rows of the parts whose first folder is `partDir`. */
export function asideOf(partDir: string): string {
  return join(partDir, 'login-aside');
}

/** Sums the removed rows of each day kept aside and writes them, with the index, to `dir`. */
function writeAside(dir: string, from: number, aside: Map<string, DayTable[]>): void {
  mkdirSync(dir, { recursive: true });
  const days: AsideIndex['days'] = [];
  for (const date of [...aside.keys()].sort()) {
    const table = sumRows(aside.get(date)!, date);
    const gz = dayTableToGzip(table);
    const file = dayTableFileName(date);
    writeFileSync(join(dir, file), gz);
    const records = table.packets.reduce((a, x) => a + x, 0);
    days.push({ date, file, rows: table.ip.length, flows: totalFlows(table), sha256: sha256(gz), records });
  }
  const index: AsideIndex = {
    version: ASIDE_VERSION,
    from: Number.isFinite(from) ? formatDay(from) : null,
    days,
  };
  writeFileSync(join(dir, ASIDE_INDEX), JSON.stringify(index));
}

/** The sum of one day's removed rows from several parts (exact, as mergeParts sums day tables). */
function sumRows(tables: DayTable[], date: string): DayTable {
  if (tables.length === 1) return tables[0]!;
  const interner = new IpInterner();
  const sum = new DayAggregator(parseDay(date)!);
  for (const t of tables)
    for (let i = 0; i < t.ip.length; i++) {
      const over = sum.add(
        interner.internString(t.ip[i]!),
        t.flows[i]!,
        secondsToMicros(t.duration[i]!),
        t.packets[i]!,
        t.bytes[i]!,
      );
      if (over !== OK) throw sumTooLarge(COLUMN_NAMES[over]!, t.ip[i]!, date, { field: COLUMN_NAMES[over] });
    }
  return sum.toSortedTable(
    date,
    (id) => interner.text(id),
    (id) => interner.ipv4(id),
  );
}

/**
 * Puts the rows keepLoggedIn kept aside (in `scratchAside`: asideOf the first part's folder) into the new dataset
 * folder `next`, as LOGIN_ASIDE_FOLDER, its index naming the dataset's `inputs`. Nothing when keepLoggedIn wrote none
 * (another format or rule). Called before the manifest is written, so the folder changes with the dataset.
 */
export async function commitLoginAside(
  scratchAside: string,
  next: string,
  inputs: InputFileEntry[],
): Promise<void> {
  let index: AsideIndex;
  try {
    index = JSON.parse(await readFile(join(scratchAside, ASIDE_INDEX), 'utf8')) as AsideIndex;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const dir = join(next, LOGIN_ASIDE_FOLDER);
  await mkdir(dir);
  for (const d of index.days) await rename(join(scratchAside, d.file), join(dir, d.file));
  const text = `${JSON.stringify({ ...index, inputsSha256: inputsSha256(inputs) }, null, 2)}\n`;
  await writeFileAtomic(join(dir, ASIDE_INDEX), text);
}

function inputsSha256(inputs: InputFileEntry[]): string {
  return sha256(JSON.stringify(inputs));
}

/** What an append feeds back to keepLoggedIn from the old dataset (loginAsideBase). */
export interface LoginAsideBase {
  /**
   * The old dataset's kept-aside rows as a part (its tables copied into `dir`), their records counted as dropped
   * negatively (the old manifest counts them: what stays removed is counted again, what a new login restores is
   * taken off), and, as its login notes, who logged in on each old day the new parts touch (the IPs of its table).
   */
  part: PartResult;
  /** Where keepLoggedIn keeps aside the rows of the new dataset's last days: from this day on. */
  asideFrom: number;
  warnings: string[];
}

/**
 * The base part of an append to a login-success dataset in `out` (its manifest `old`, checked) of the parts `parts`
 * (read, not filtered yet): see LoginAsideBase. A day the parts touch whose removed rows were pruned (or a dataset
 * without its folder of rows kept aside: from an older aiplab, or it does not match the manifest) is extended with
 * what the old table holds, exact but for an IP that logs in there in the new files and had records there in the old
 * ones: those are lost, and a warning names the day and how many IPs log in afresh.
 */
export async function loginAsideBase(
  out: string,
  old: DatasetManifest,
  parts: PartResult[],
  dir: string,
): Promise<LoginAsideBase> {
  await mkdir(dir, { recursive: true });
  const index = await readAside(out, old);
  const keptFrom = index === null || index.from === null ? Number.POSITIVE_INFINITY : parseDay(index.from)!;
  const entries: DayEntry[] = [];
  let records = 0;
  for (const d of index?.days ?? []) {
    // Copied, not linked: keepLoggedIn rewrites the tables of its parts in place.
    await copyFile(join(out, LOGIN_ASIDE_FOLDER, d.file), join(dir, d.file));
    entries.push({ date: d.date, file: d.file, rows: d.rows, flows: d.flows, sha256: d.sha256 });
    records += d.records;
  }
  const oldDays = new Map(old.days.map((d) => [d.date, d]));
  let last = old.days.length > 0 ? parseDay(old.days[old.days.length - 1]!.date)! : Number.NEGATIVE_INFINITY;
  const touched = new Set<string>();
  const newLogins = new Map<string, Set<string>>();
  for (const p of parts) {
    for (const e of p.entries) {
      last = Math.max(last, parseDay(e.date)!);
      if (e.rows > 0 && oldDays.has(e.date)) touched.add(e.date);
    }
    for (const [date, ips] of Object.entries(p.loggedIn ?? {})) {
      const set = newLogins.get(date) ?? new Set<string>();
      for (const ip of ips) set.add(ip);
      newLogins.set(date, set);
    }
  }
  const loggedIn: Record<string, string[]> = {};
  const warnings: string[] = [];
  for (const date of [...touched].sort()) {
    const path = join(out, oldDays.get(date)!.file);
    const { table } = parseDayTableCsv(gunzipSync(await readFile(path)).toString('utf8'), date, path);
    loggedIn[date] = table.ip;
    if (parseDay(date)! >= keptFrom) continue;
    const had = new Set(table.ip);
    const afresh = [...(newLogins.get(date) ?? [])].filter((ip) => !had.has(ip)).length;
    if (afresh > 0)
      warnings.push(
        `${date}: ${afresh} IP(s) log in in the new files on a day read before whose removed rows are no longer kept (only the last ${LOGIN_ASIDE_DAYS} days' are): their records of that day in the files read before, if any, are missing from its table (--attack login-success); ingest all the files at once for the exact table`,
      );
  }
  const part: PartResult = {
    entries,
    covered: [],
    malformed: {},
    dropped: records > 0 ? { [NO_LOGIN]: -records } : {},
    examples: {},
    inputs: [],
    records: 0,
    reopened: 0,
    warnings: [],
    loggedIn,
  };
  return { part, asideFrom: last - (LOGIN_ASIDE_DAYS - 1), warnings };
}

/** The old dataset's index of rows kept aside, its tables checked; null when there is none or it does not match. */
async function readAside(out: string, old: DatasetManifest): Promise<AsideIndex | null> {
  const dir = join(out, LOGIN_ASIDE_FOLDER);
  let index: AsideIndex;
  try {
    index = JSON.parse(await readFile(join(dir, ASIDE_INDEX), 'utf8')) as AsideIndex;
  } catch {
    return null;
  }
  if (index.version !== ASIDE_VERSION || index.inputsSha256 !== inputsSha256(old.inputs)) return null;
  for (const d of index.days) {
    const gz = await readFile(join(dir, d.file)).catch(() => null);
    if (gz === null || sha256(gz) !== d.sha256) return null;
  }
  return index;
}
