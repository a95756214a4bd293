import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { DataError } from '../util/errors.js';

/**
 * `aiplab-daily.json`, in the dataset folder: the input files aiplab daily has read into the dataset, by path relative
 * to the input folder, with the size, mtime and sha256 they had. It is written into the new dataset folder before the
 * swap (ingestAppend's companions), so it always describes the dataset beside it; it names the sha256 of that
 * manifest.json, so a dataset rewritten by other means (a full `aiplab ingest` into the folder) is noticed.
 */
export const DAILY_STATE_FILE = 'aiplab-daily.json';
const FORMAT = 'aiplab-daily-state';
const VERSION = 1;

/** One input file read into the dataset. */
export interface ReadFileRecord {
  /** The day its folder or name gives. */
  day: string;
  size: number;
  /** Modification time in ns, as text (it passes 2^53). */
  mtimeNs: string;
  /** Of the file as stored (compressed or not), as the manifest's inputs give it. */
  sha256: string;
}

export interface DailyState {
  format: typeof FORMAT;
  version: number;
  /** The input format the files were read as. */
  input: string;
  /** sha256 of the dataset's manifest.json this state goes with. */
  manifestSha256: string;
  /** Path relative to the input folder (`/`-separated) → the file as read. */
  files: Record<string, ReadFileRecord>;
}

export function newDailyState(input: string): DailyState {
  return { format: FORMAT, version: VERSION, input, manifestSha256: '', files: {} };
}

/** The state's file text: keys sorted, so the same state is the same bytes. */
export function dailyStateText(state: DailyState): string {
  const files = Object.fromEntries(
    Object.entries(state.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  return `${JSON.stringify({ ...state, files }, null, 1)}\n`;
}

/** The state in a dataset folder, or null when there is none; an unreadable one is a DataError naming it. */
export async function readDailyState(dir: string): Promise<DailyState | null> {
  const path = join(dir, DAILY_STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new DataError(`cannot read: ${code ?? String(error)}`, { file: path });
  }
  let state: DailyState;
  try {
    state = JSON.parse(text) as DailyState;
  } catch (error) {
    throw new DataError(`unreadable aiplab daily state: ${(error as Error).message}`, { file: path });
  }
  if (state?.format !== FORMAT || typeof state.files !== 'object' || state.files === null)
    throw new DataError(`not an aiplab daily state (no "format": "${FORMAT}")`, { file: path });
  if (state.version !== VERSION)
    throw new DataError(`aiplab daily state version ${state.version}; this aiplab reads ${VERSION}`, {
      file: path,
    });
  return state;
}

/** Size and mtime (ns, as text) of a file. */
export async function statFile(path: string): Promise<{ size: number; mtimeNs: string }> {
  try {
    const s = await stat(path, { bigint: true });
    return { size: Number(s.size), mtimeNs: String(s.mtimeNs) };
  } catch (error) {
    throw new DataError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: path,
    });
  }
}

/** sha256 of a file as stored, or (`inflate`) of its gzip content; streamed. */
export async function hashFile(path: string, inflate = false): Promise<string> {
  const hash = createHash('sha256');
  try {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    const source = inflate ? raw.pipe(createGunzip()) : raw;
    if (inflate) raw.on('error', (e) => source.destroy(e));
    for await (const chunk of source) hash.update(chunk as Buffer);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new DataError(
      inflate ? `cannot inflate: ${e.code ?? e.message}` : `cannot read: ${e.code ?? e.message}`,
      {
        file: path,
      },
    );
  }
  return hash.digest('hex');
}
