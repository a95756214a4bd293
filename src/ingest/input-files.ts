import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PassThrough } from 'node:stream';
import { createGunzip, gunzip } from 'node:zlib';
import { DataError } from '../util/errors.js';

/** One file to read, with the day its Zeek/Cowrie folder or name says it holds (if any). */
export interface InputFile {
  path: string;
  /** Path for reports: as given, or `<given folder>/<relative path>`. */
  display: string;
  /** `YYYY-MM-DD` from a `<root>/YYYY-MM-DD/` folder or a `name.YYYY-MM-DD` suffix: the input covers that day. */
  coversDay: string | undefined;
  bytes: number;
}

const DAY_IN_NAME_RE = /(?:^|[^0-9])(\d{4}-\d{2}-\d{2})(?:\.[a-z]+)*$/;
const DAY_FOLDER_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Expands the inputs given on the command line: a file is taken as it is, whatever its name; a folder is walked
 * recursively and only the files `accept` recognises are taken (Zeek's `<root>/YYYY-MM-DD/conn.*.log.gz` layout,
 * Cowrie's `cowrie.json.YYYY-MM-DD`, ...). Result sorted by path so every run reads in the same order.
 */
export async function expandInputs(
  inputs: readonly string[],
  accept: (name: string) => boolean,
): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const given of inputs) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(given);
    } catch (error) {
      throw new DataError(`cannot read input: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        file: given,
      });
    }
    if (info.isDirectory()) {
      const found: InputFile[] = [];
      await walk(given, given, accept, found);
      found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      out.push(...found);
    } else {
      out.push({
        path: given,
        display: given,
        coversDay: dayFromPath(given),
        bytes: Number(info.size),
      });
    }
  }
  return out;
}

const MAX_DEPTH = 16;

async function walk(
  root: string,
  dir: string,
  accept: (name: string) => boolean,
  out: InputFile[],
  depth = 0,
): Promise<void> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError(`cannot read folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: dir,
    });
  }
  // Entries are stat'ed concurrently (one by one, the round trips to the thread pool took ~0.1 s for a month of
  // hourly logs); folders are then walked one after the other, in entry order, so a link cycle stops at the first
  // path that is too deep. `out` is sorted by the caller.
  const folders = await Promise.all(
    entries.map(async (entry) => {
      const path = join(dir, entry.name);
      // Symbolic links are followed (day folders are often linked in from an archive).
      const info = entry.isSymbolicLink() ? await stat(path).catch(() => null) : null;
      if (info ? info.isDirectory() : entry.isDirectory()) return path;
      if ((info ? info.isFile() : entry.isFile()) && accept(entry.name)) {
        const size = info ? info.size : (await stat(path)).size;
        out.push({
          path,
          display: join(root, relative(root, path)),
          coversDay: dayFromPath(path),
          bytes: Number(size),
        });
      }
      return null;
    }),
  );
  for (const path of folders) {
    if (path === null) continue;
    if (depth >= MAX_DEPTH)
      throw new DataError(`folders nested deeper than ${MAX_DEPTH} (a link cycle?)`, { file: path });
    await walk(root, path, accept, out, depth + 1);
  }
}

/** The day a file's folder (`.../YYYY-MM-DD/conn...`) or name (`cowrie.json.YYYY-MM-DD.gz`) names. */
export function dayFromPath(path: string): string | undefined {
  const parts = path.split(/[\\/]/);
  const name = parts[parts.length - 1] ?? '';
  const folder = parts[parts.length - 2] ?? '';
  if (DAY_FOLDER_RE.test(folder)) return folder;
  const m = DAY_IN_NAME_RE.exec(name);
  return m ? m[1] : undefined;
}

export interface ReadStats {
  bytes: number;
  sha256: string;
}

interface OpenedSource {
  /** The whole content, already inflated (files up to WHOLE_FILE_MAX), or null when it is streamed. */
  whole: Buffer | null;
  source: (NodeJS.ReadableStream & { destroy(error?: Error): void }) | null;
  gzip: boolean;
  stats: ReadStats;
}

/** Inflated bytes a prefetched file may hold in memory while the file before it is parsed. */
const READ_AHEAD = 1 << 23;
/** Files up to this size (as stored) are read and inflated in one piece; larger ones are streamed. */
const WHOLE_FILE_MAX = 16 << 20;
/** Inflated size above which a file read in one piece is streamed instead (bounds memory per file). */
const WHOLE_INFLATED_MAX = 192 << 20;

/**
 * Reads a file for `streamFile`. A file of up to WHOLE_FILE_MAX (hourly Zeek logs, day files) is read in one call
 * and inflated in one job on libuv's thread pool, sized by the gzip trailer so the output is one buffer: a stream
 * of 256 KB chunks cost as much main-thread time in stream bookkeeping and GC as the inflate itself. A larger file,
 * or one whose one-piece inflate fails (corrupt, truncated, bigger than WHOLE_INFLATED_MAX), is streamed, so its
 * lines before the damage are read and the error is the streaming one, as before.
 */
async function openSource(path: string, onRawBytes?: (n: number) => void): Promise<OpenedSource> {
  let stored: Buffer | null = null;
  let gzip = false;
  try {
    const fd = openSync(path, 'r');
    try {
      const info = fstatSync(fd);
      if (info.isFile() && info.size <= WHOLE_FILE_MAX) {
        // Read with blocking calls (~0.1 ms from the page cache; the thread-pool round trips of async reads cost the
        // thread more), into a reused buffer: a fresh one per file cost ~1 ms a MB in page faults.
        stored = readWhole(fd, info.size);
        gzip = stored.length >= 2 && stored[0] === 0x1f && stored[1] === 0x8b;
      } else {
        const head = Buffer.alloc(2);
        gzip = readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
      }
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw new DataError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: path,
    });
  }
  if (stored !== null) {
    const stats = { bytes: stored.length, sha256: createHash('sha256').update(stored).digest('hex') };
    // Plain text is handed on, so it gets a buffer of its own; the gzip bytes go back to the pool once inflated.
    const whole = gzip ? await inflateWhole(stored) : Buffer.from(stored);
    giveBack(stored);
    if (whole !== null) {
      onRawBytes?.(stats.bytes);
      return { whole, source: null, gzip, stats };
    }
  }
  return openStream(path, gzip, onRawBytes);
}

/** Free buffers for files read whole (a file being inflated holds one; the prefetched next file another). */
const pool: Buffer[] = [];

/** The first `size` bytes of an open file, in a buffer from the pool (see giveBack). */
function readWhole(fd: number, size: number): Buffer {
  const k = pool.findIndex((b) => b.length >= size);
  const buf = k >= 0 ? pool.splice(k, 1)[0]! : Buffer.allocUnsafeSlow(Math.max(size, 1 << 20));
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off);
}

function giveBack(view: Buffer): void {
  if (pool.length < 4)
    pool.push(Buffer.from(view.buffer, view.byteOffset, view.buffer.byteLength - view.byteOffset));
}

/** The inflated content of a gzip file in one buffer, or null when it cannot be had in one piece. */
function inflateWhole(data: Buffer): Promise<Buffer | null> {
  // ISIZE, the trailer's inflated size (mod 2^32, of the last member): right for a plain one-member file.
  const isize = data.length >= 18 ? data.readUInt32LE(data.length - 4) : 0;
  const chunkSize = Math.min(Math.max(isize + 1, 1 << 16), WHOLE_INFLATED_MAX + 1);
  return new Promise((resolve) => {
    gunzip(data, { chunkSize, maxOutputLength: WHOLE_INFLATED_MAX }, (error, out) =>
      resolve(error ? null : out),
    );
  });
}

function openStream(path: string, gzip: boolean, onRawBytes?: (n: number) => void): OpenedSource {
  const hash = createHash('sha256');
  const stats: ReadStats = { bytes: 0, sha256: '' };
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  raw.on('data', (c) => {
    const b = c as Buffer;
    hash.update(b);
    stats.bytes += b.length;
    onRawBytes?.(b.length);
  });
  raw.on('end', () => {
    stats.sha256 = hash.digest('hex');
  });
  // The hash listener above sets `raw` flowing, so it is always piped into a buffering stream: data that arrives
  // before the iteration below starts (a prefetched file) waits there instead of being lost.
  const source = raw.pipe(
    gzip
      ? createGunzip({ chunkSize: 1 << 18, readableHighWaterMark: READ_AHEAD } as object)
      : new PassThrough({ readableHighWaterMark: READ_AHEAD }),
  );
  raw.on('error', (e) => source.destroy(e));
  // Errors surface through the iteration below; this keeps an error of a prefetched file from going unhandled.
  source.on('error', () => {});
  return { whole: null, source, gzip, stats };
}

const prefetched = new Map<string, Promise<OpenedSource>>();

/**
 * Starts reading and inflating a file that will be streamed next, so its content is ready when the file before it
 * is done (hourly Zeek logs are small: without this the parser waits for every file's inflate).
 */
export function prefetchFile(path: string, onRawBytes?: (n: number) => void): void {
  if (prefetched.has(path)) return;
  const opened = openSource(path, onRawBytes);
  opened.catch(() => {}); // reported when the file is streamed
  prefetched.set(path, opened);
}

/** Drops prefetched files that will not be read (after an error). */
export function cancelPrefetch(): void {
  for (const opened of prefetched.values()) opened.then((o) => o.source?.destroy()).catch(() => {});
  prefetched.clear();
}

/**
 * Streams a file's content in chunks (a small file as one chunk), inflating it when it starts with the gzip magic
 * (whatever its name). Inflate runs on libuv's thread pool, so it overlaps with the parsing done by `onChunk` on the
 * calling thread. The sha256 is of the file as stored. Truncated or corrupt gzip and unreadable files become
 * DataErrors naming the file.
 */
export async function streamFile(
  path: string,
  onChunk: (chunk: Buffer) => void,
  onRawBytes?: (n: number) => void,
): Promise<ReadStats> {
  const pending = prefetched.get(path);
  prefetched.delete(path);
  const { whole, source, gzip, stats } = await (pending ?? openSource(path, onRawBytes));
  if (whole !== null) {
    if (whole.length > 0) onChunk(whole);
    return stats;
  }
  try {
    for await (const chunk of source!) onChunk(chunk as Buffer);
  } catch (error) {
    if (error instanceof DataError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (
      gzip &&
      (e.code?.startsWith('Z_') || /unexpected end of file|incorrect header|invalid/i.test(e.message))
    ) {
      throw new DataError(`corrupt or truncated gzip (${e.message})`, {
        file: path,
      });
    }
    if (e.code) throw new DataError(`cannot read: ${e.code}`, { file: path });
    throw error;
  }
  return stats;
}
