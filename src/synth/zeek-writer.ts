import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip, type Gzip } from 'node:zlib';
import type { ConnFields } from './flows.js';
import type { Rng } from './rng.js';

export const ZEEK_CONN_FIELDS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'local_orig',
  'local_resp',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
] as const;

export const ZEEK_CONN_TYPES = [
  'time',
  'string',
  'addr',
  'port',
  'addr',
  'port',
  'enum',
  'string',
  'interval',
  'count',
  'count',
  'string',
  'bool',
  'bool',
  'count',
  'string',
  'count',
  'count',
  'count',
  'count',
  'set[string]',
] as const;

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Zeek's `#open`/`#close` stamp: `YYYY-MM-DD-HH-MM-SS`. */
export function zeekStamp(date: string, hour: number): string {
  return `${date}-${two(hour)}-00-00`;
}

/** The archive name zeekctl gives an hourly rotated conn log: `conn.13:00:00-14:00:00.log.gz` (23 → `00:00:00`). */
export function zeekHourFileName(hour: number): string {
  return `conn.${two(hour)}:00:00-${two((hour + 1) % 24)}:00:00.log.gz`;
}

/** The header Zeek writes at the top of a TSV conn log. */
export function zeekHeader(openStamp: string): string {
  return [
    '#separator \\x09',
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    `#open\t${openStamp}`,
    `#fields\t${ZEEK_CONN_FIELDS.join('\t')}`,
    `#types\t${ZEEK_CONN_TYPES.join('\t')}`,
    '',
  ].join('\n');
}

export function zeekFooter(closeStamp: string): string {
  return `#close\t${closeStamp}\n`;
}

/** Bytes of text handed to gzip at a time. */
export const CHUNK_BYTES = 1 << 18;
/** Chunks a file may have queued for compression before `write` waits, and the level it waits down to. */
const MAX_QUEUED = 24;
const RESUME_QUEUED = 8;

/**
 * One gzip-compressed log file written through a temporary sibling and renamed when complete. Compression runs on
 * libuv's thread pool while the caller keeps generating: `write` queues the chunk and waits only when MAX_QUEUED
 * chunks are pending, until RESUME_QUEUED are left (waiting for 'drain' would wait for an empty queue, and then
 * generation and compression would take turns instead of overlapping).
 */
export class GzipFileWriter {
  private readonly gz: Gzip;
  private readonly tmp: string;
  private queued = 0;
  private wake: (() => void) | undefined;
  readonly done: Promise<void>;

  constructor(
    readonly path: string,
    level: number,
  ) {
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    // A large output buffer: zlib returns to the main thread each time it fills one, and only then continues.
    this.gz = createGzip({ level, chunkSize: 1 << 20 });
    const tmp = this.tmp;
    this.done = pipeline(this.gz, createWriteStream(tmp)).then(
      () => rename(tmp, path),
      async (error: unknown) => {
        await rm(tmp, { force: true });
        throw error;
      },
    );
    // Errors surface when `done` is awaited; this only keeps Node from reporting them as unhandled meanwhile.
    this.done.catch(() => {});
  }

  async write(text: string | Uint8Array): Promise<void> {
    // Yield to the event loop so zlib's completion callbacks run and its next piece of work starts promptly; a
    // caller generating text synchronously would otherwise leave the thread pool idle.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.queued++;
    this.gz.write(text, () => {
      this.queued--;
      if (this.wake !== undefined && this.queued <= RESUME_QUEUED) {
        const wake = this.wake;
        this.wake = undefined;
        wake();
      }
    });
    if (this.queued > MAX_QUEUED) {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.wake = resolve;
        }),
        this.done,
      ]);
    }
  }

  /** Ends the stream; await `done` for the rename. */
  end(text: string): void {
    this.gz.end(text);
  }

  /** Abandons the file (its temporary is removed). */
  async abort(): Promise<void> {
    this.gz.destroy();
    await this.done.catch(() => {});
    await rm(this.tmp, { force: true });
  }
}

const TAB = 9;
const NEWLINE = 10;
const DASH = 45;
const DOT = 46;
const ZERO = 48;
const B62 = Uint8Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', (c) =>
  c.charCodeAt(0),
);

/**
 * ASCII text built straight into a byte buffer (no per-record strings, which would cost more in garbage collection
 * than in formatting). `take` hands the filled bytes over and starts a fresh buffer: gzip may still be reading the
 * old one.
 */
export class AsciiChunk {
  private buf: Buffer;
  pos = 0;

  constructor(private readonly size: number = CHUNK_BYTES) {
    this.buf = Buffer.allocUnsafe(size + 4096);
  }

  get full(): boolean {
    return this.pos >= this.size;
  }

  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.size + 4096);
    this.pos = 0;
    return out;
  }

  /** An ASCII string (callers never pass more than a few hundred characters before checking `full`). */
  str(s: string): void {
    if (this.pos + s.length > this.buf.length) this.grow(s.length);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  ch(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A non-negative integer in decimal. */
  uint(n: number): void {
    const b = this.buf;
    if (n < 10) {
      b[this.pos++] = ZERO + n;
      return;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    if (n < 0x7fffffff) {
      while (n > 0) {
        const q = (n / 10) | 0;
        b[--p] = ZERO + n - q * 10;
        n = q;
      }
    } else {
      while (n > 0) {
        const q = Math.floor(n / 10);
        b[--p] = ZERO + n - q * 10;
        n = q;
      }
    }
  }

  /** Exactly six digits (the microseconds of a Zeek time or interval). */
  six(n: number): void {
    const b = this.buf;
    let p = this.pos + 6;
    this.pos = p;
    for (let i = 0; i < 6; i++) {
      const q = (n / 10) | 0;
      b[--p] = ZERO + n - q * 10;
      n = q;
    }
  }

  private grow(extra: number): void {
    const next = Buffer.allocUnsafe(this.buf.length + extra + 4096);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}

/** Microseconds as Zeek writes times and intervals: seconds, a dot, six digits. */
function appendMicros(c: AsciiChunk, us: number): void {
  const sec = Math.floor(us / 1_000_000);
  c.uint(sec);
  c.ch(DOT);
  c.six(us - sec * 1_000_000);
}

/** Appends one TSV conn record: `ts` = epochSeconds + microsOfSecond, a fresh uid from `uids`, then `f`. */
export function appendConnLine(
  c: AsciiChunk,
  epochSeconds: number,
  micros: number,
  uids: Rng,
  orig: string,
  resp: string,
  f: ConnFields,
): void {
  c.uint(epochSeconds);
  c.ch(DOT);
  c.six(micros);
  c.ch(TAB);
  // uid: 'C' and 17 base-62 characters, like Zeek's.
  c.ch(67);
  for (let i = 0; i < 3; i++) {
    let x = uids.u32();
    for (let k = 0; k < 5; k++) {
      const q = Math.floor(x / 62);
      c.ch(B62[x - q * 62]!);
      x = q;
    }
  }
  let x = uids.u32();
  for (let k = 0; k < 2; k++) {
    const q = Math.floor(x / 62);
    c.ch(B62[x - q * 62]!);
    x = q;
  }
  c.ch(TAB);
  c.str(orig);
  c.ch(TAB);
  c.uint(f.origPort);
  c.ch(TAB);
  c.str(resp);
  c.ch(TAB);
  c.uint(f.respPort);
  c.ch(TAB);
  c.str(f.proto);
  c.ch(TAB);
  c.str(f.service);
  c.ch(TAB);
  if (f.durationUs < 0) c.ch(DASH);
  else appendMicros(c, f.durationUs);
  c.ch(TAB);
  if (f.origBytes < 0) c.ch(DASH);
  else c.uint(f.origBytes);
  c.ch(TAB);
  if (f.respBytes < 0) c.ch(DASH);
  else c.uint(f.respBytes);
  c.ch(TAB);
  c.str(f.state);
  c.ch(TAB);
  c.str(f.localOrig);
  c.ch(TAB);
  c.str(f.localResp);
  c.ch(TAB);
  c.ch(ZERO);
  c.ch(TAB);
  c.str(f.history);
  c.ch(TAB);
  c.uint(f.origPkts);
  c.ch(TAB);
  c.uint(f.origIpBytes);
  c.ch(TAB);
  c.uint(f.respPkts);
  c.ch(TAB);
  c.uint(f.respIpBytes);
  c.ch(TAB);
  c.str('(empty)');
  c.ch(NEWLINE);
}
