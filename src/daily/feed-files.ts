import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DataError } from '../util/errors.js';

/**
 * The stable "latest" name of a dated list file, in the output root: the file's name without its date
 * (`Alpha/Alpha-2026-12-06.txt` → `Alpha.txt`, `Alpha/AIP-Alpha-2026-12-06.csv.gz` → `AIP-Alpha.csv.gz`), for a
 * firewall to fetch every day. Undefined when the name holds no date.
 */
export function latestName(path: string, date: string): string | undefined {
  const name = basename(path);
  const at = name.indexOf(date);
  if (at < 0) return undefined;
  const cut = at > 0 && '-_.'.includes(name[at - 1]!) ? at - 1 : at;
  const latest = name.slice(0, cut) + name.slice(at + date.length);
  return latest === '' || latest.startsWith('.') ? undefined : latest;
}

/**
 * Writes `data` to `path` atomically unless the file already holds exactly these bytes (then it is left alone, its
 * mtime too, so a run that changes nothing rewrites nothing). Returns whether it wrote.
 */
export async function writeIfChanged(path: string, data: string | Uint8Array): Promise<boolean> {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const old = await readFile(path);
    if (Buffer.compare(old, bytes) === 0) return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new DataError(`cannot read: ${code ?? String(error)}`, { file: path });
  }
  await writeFileAtomic(path, bytes);
  return true;
}

/** `<out>/.aiplab-daily.json`: what each model's published feed is (the previous feed --max-change compares with). */
export const FEED_RECORD_FILE = '.aiplab-daily.json';
const FORMAT = 'aiplab-daily-feed';
const VERSION = 1;

export interface PublishedList {
  /** The day the published list is for. */
  date: string;
  entries: number;
  /** Its latest files, relative to the output root. */
  latest: string[];
}

export interface FeedRecord {
  format: typeof FORMAT;
  version: number;
  lists: Record<string, PublishedList>;
}

/** The feed record of an output root (an empty one when there is none yet). */
export async function readFeedRecord(out: string): Promise<FeedRecord> {
  const path = join(out, FEED_RECORD_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { format: FORMAT, version: VERSION, lists: {} };
    throw new DataError(`cannot read: ${code ?? String(error)}`, { file: path });
  }
  try {
    const record = JSON.parse(text) as FeedRecord;
    if (record?.format === FORMAT && record.version === VERSION && typeof record.lists === 'object')
      return record;
  } catch {
    // reported below
  }
  throw new DataError(`not an aiplab daily feed record: remove it to start the feed anew`, { file: path });
}

export function feedRecordText(record: FeedRecord): string {
  const lists = Object.fromEntries(
    Object.entries(record.lists).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return `${JSON.stringify({ ...record, lists }, null, 1)}\n`;
}

/** The day of the newest list a feed record names, if any. */
export function newestFeedDate(record: FeedRecord): string | undefined {
  let newest: string | undefined;
  for (const l of Object.values(record.lists)) if (newest === undefined || l.date > newest) newest = l.date;
  return newest;
}

/**
 * Whether a list of `entries` IPs is held back against the published one of `previous` (--max-change `factor`): it
 * is when it falls outside [previous / factor, previous × factor]. An empty or missing previous feed holds nothing
 * back (there is nothing to compare with).
 */
export function heldBack(entries: number, previous: number | undefined, factor: number): boolean {
  if (previous === undefined || previous === 0) return false;
  return entries > previous * factor || entries < previous / factor;
}
