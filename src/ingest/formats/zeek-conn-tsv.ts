import { DataError } from '../../util/errors.js';
import type { AttackCollector } from '../attack-collector.js';
import { epochSecondsBytes, parseDecimalBytes } from '../parse-number.js';
import type { SkipCounter } from '../skips.js';

const HASH = 35; // '#'
const NOT_PLAIN = -1;
const INCOMPLETE = -2;
const DASH = 45; // '-'
const NEEDED = ['ts', 'id.orig_h', 'id.resp_h', 'duration', 'orig_pkts', 'orig_ip_bytes'] as const;
const REQUIRED = new Set(['ts', 'id.orig_h', 'id.resp_h']);

/**
 * The Zeek conn.log TSV reader. It scans bytes and decodes only the six fields AIP uses, located by the `#fields`
 * header (any column order, re-read if a file holds several header blocks). `-` (unset) counts as 0 for duration,
 * packets and bytes; a missing optional column too, with a warning. Written by hand because splitting lines into
 * strings costs ~4x the inflate time (see README, "Speed").
 */
export class ZeekTsvReader {
  private sep = 9;
  private col = new Int32Array(NEEDED.length).fill(-1);
  private maxCol = -1;
  private hasFields = false;
  readonly warnings: string[] = [];

  constructor(
    private readonly file: string,
    private readonly collector: AttackCollector,
    private readonly skips: SkipCounter,
  ) {}

  private carry: Buffer | null = null;
  /** Lines seen by push(). */
  lines = 0;

  /**
   * Reads a chunk of the file: splits lines and finds fields in one pass over the bytes (a plain data line's bytes
   * are scanned once, up to its last needed field; its end is found by the native indexOf). Header lines, blank or
   * odd lines and lines cut by the chunk's end take the general path through `line`.
   */
  push(chunk: Buffer): void {
    let pos = 0;
    const n = chunk.length;
    if (this.carry !== null) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      const line = Buffer.concat([this.carry, chunk.subarray(0, nl)]);
      this.carry = null;
      this.line(line, 0, withoutCr(line, 0, line.length), ++this.lines);
      pos = nl + 1;
    }
    while (pos < n) {
      if (this.hasFields) {
        const next = this.fastRecord(chunk, pos, n);
        if (next >= 0) {
          pos = next;
          continue;
        }
        if (next === INCOMPLETE) break;
      }
      const nl = chunk.indexOf(10, pos);
      if (nl < 0) break;
      this.line(chunk, pos, withoutCr(chunk, pos, nl), ++this.lines);
      pos = nl + 1;
    }
    if (pos < n) this.carry = Buffer.from(chunk.subarray(pos));
  }

  /** The last line, if the file does not end with a newline. */
  end(): void {
    if (this.carry !== null && this.carry.length > 0) {
      const line = this.carry;
      this.carry = null;
      this.line(line, 0, withoutCr(line, 0, line.length), ++this.lines);
    }
  }

  /**
   * A plain data line starting at `pos`: returns the position after its newline once handled, NOT_PLAIN when the
   * general path must take it (header, blank or leading-blank line, a line with fewer fields than needed), or
   * INCOMPLETE when the chunk ends inside it.
   */
  private fastRecord(buf: Buffer, pos: number, n: number): number {
    const c0 = buf[pos]!;
    if (c0 === HASH || c0 === 9 || c0 === 32 || c0 === 10 || c0 === 13) return NOT_PLAIN;
    const sep = this.sep;
    const maxCol = this.maxCol;
    const bounds = this.bounds;
    bounds[0] = pos;
    let f = 0;
    let i = pos;
    for (; i < n; i++) {
      const c = buf[i];
      if (c === sep) {
        bounds[++f] = i + 1;
        if (f > maxCol) break;
      } else if (c === 10) return NOT_PLAIN;
    }
    if (f <= maxCol) return INCOMPLETE;
    const nl = buf.indexOf(10, i);
    if (nl < 0) return INCOMPLETE;
    this.decode(buf, bounds, ++this.lines);
    return nl + 1;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    // Header lines start with '#', possibly after stray whitespace (a real sample starts with "\t#separator").
    let s = start;
    while (s < end && (buf[s] === 9 || buf[s] === 32)) s++;
    if (s >= end) return;
    if (buf[s] === HASH) {
      this.header(buf.toString('utf8', s, end), lineNo);
      return;
    }
    if (!this.hasFields) {
      this.skips.malformedRecord(
        'no #fields header',
        'data line before any #fields header',
        this.file,
        lineNo,
      );
      return;
    }
    this.record(buf, start, end, lineNo);
  }

  private header(text: string, lineNo: number): void {
    if (text.startsWith('#separator')) {
      const value = text.slice('#separator'.length).trim();
      const m = /^\\x([0-9a-fA-F]{2})$/.exec(value);
      if (m) this.sep = Number.parseInt(m[1]!, 16);
      else if (value.length === 1) this.sep = value.charCodeAt(0);
      else
        throw new DataError(`unsupported #separator '${value}'`, {
          file: this.file,
          line: lineNo,
        });
      return;
    }
    if (text.startsWith('#fields')) {
      const names = text.split(String.fromCharCode(this.sep)).slice(1);
      this.col.fill(-1);
      NEEDED.forEach((name, k) => {
        this.col[k] = names.indexOf(name);
      });
      const missing = NEEDED.filter((_, k) => this.col[k]! < 0);
      const missingRequired = missing.filter((n) => REQUIRED.has(n));
      if (missingRequired.length > 0) {
        throw new DataError(`#fields lacks ${missingRequired.join(', ')}: not a conn log?`, {
          file: this.file,
          line: lineNo,
        });
      }
      if (missing.length > 0)
        this.warnings.push(`${this.file}: no ${missing.join(', ')} column; counted as 0`);
      this.maxCol = Math.max(...this.col);
      if (this.bounds.length < this.maxCol + 2) this.bounds = new Int32Array(this.maxCol + 2);
      this.hasFields = true;
    }
    // #set_separator, #empty_field, #unset_field (always '-' in practice; '-' is what we test), #path, #open,
    // #close and #types carry nothing the day table needs.
  }

  /** Field start offsets of the current line; field k spans [bounds[k], bounds[k + 1] - 1). */
  private bounds = new Int32Array(64);

  private record(buf: Buffer, start: number, end: number, lineNo: number): void {
    const maxCol = this.maxCol;
    const sep = this.sep;
    const bounds = this.bounds;
    // One tight pass finds the separators up to the last needed column; fields are decoded afterwards.
    bounds[0] = start;
    let f = 0;
    for (let i = start; i < end; i++) {
      if (buf[i] === sep) {
        bounds[++f] = i + 1;
        if (f > maxCol) break;
      }
    }
    if (f <= maxCol) bounds[++f] = end + 1;
    if (f <= maxCol) {
      this.skips.malformedRecord(
        'too few fields',
        `expected at least ${maxCol + 1} fields, found ${f}`,
        this.file,
        lineNo,
      );
      return;
    }
    this.decode(buf, bounds, lineNo);
  }

  /** Decodes the needed fields of a line whose separators are in `bounds`, and hands the flow on. */
  private decode(buf: Buffer, bounds: Int32Array, lineNo: number): void {
    const col = this.col;
    const cTs = col[0]!;
    let s = bounds[cTs]!;
    let e = bounds[cTs + 1]! - 1;
    const ts = epochSecondsBytes(buf, s, e);
    if (Number.isNaN(ts)) {
      this.bad('bad ts', 'ts', buf, s, e, lineNo);
      return;
    }
    const interner = this.collector.interner;
    const cOrig = col[1]!;
    s = bounds[cOrig]!;
    e = bounds[cOrig + 1]! - 1;
    const orig = e - s < 2 || e - s > 64 ? -1 : interner.intern(buf, s, e);
    if (orig < 0) {
      this.bad('bad address', 'id.orig_h', buf, s, e, lineNo);
      return;
    }
    const cResp = col[2]!;
    s = bounds[cResp]!;
    e = bounds[cResp + 1]! - 1;
    if (e - s < 2 || e - s > 64) {
      this.bad('bad address', 'id.resp_h', buf, s, e, lineNo);
      return;
    }
    const hp = this.collector.responderHoneypot(buf, s, e);
    const duration = this.optional(buf, bounds, col[3]!, lineNo, 'duration');
    if (duration < 0) return;
    const packets = this.optional(buf, bounds, col[4]!, lineNo, 'orig_pkts');
    if (packets < 0) return;
    const bytes = this.optional(buf, bounds, col[5]!, lineNo, 'orig_ip_bytes');
    if (bytes < 0) return;
    this.collector.flowToHoneypot(ts, orig, hp, duration, packets, bytes, lineNo);
  }

  /** A non-negative number field where `-` (unset) or an absent column means 0; -1 after reporting a bad value. */
  private optional(buf: Buffer, bounds: Int32Array, c: number, lineNo: number, field: string): number {
    if (c < 0) return 0;
    const s = bounds[c]!;
    const e = bounds[c + 1]! - 1;
    if (e - s === 1 && buf[s] === DASH) return 0;
    const v = parseDecimalBytes(buf, s, e);
    if (!(v >= 0)) {
      this.bad(field === 'duration' ? 'bad duration' : 'bad count', field, buf, s, e, lineNo);
      return -1;
    }
    return v;
  }

  private bad(reason: string, field: string, buf: Buffer, s: number, e: number, lineNo: number): void {
    const text = buf.toString('utf8', s, Math.min(e, s + 60));
    this.skips.malformedRecord(reason, `unreadable value '${text}'`, this.file, lineNo, field);
  }
}

/** End of a line's content: `end` less a trailing carriage return. */
function withoutCr(buf: Buffer, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
