import { isCount, isDurationSeconds, secondsToMicros } from '../../days/day-table-domain.js';
import { DataError } from '../../util/errors.js';
import { canonicalIpv4Bytes } from '../../util/ip/index.js';
import { AttackTableBuilder } from '../attack-table-builder.js';
import { epochSecondsBytes, parseDecimalBytes } from '../parse-number.js';
import {
  BAD_COUNT,
  BAD_DURATION,
  BAD_PORT,
  countProblem,
  durationProblem,
  MAX_PORT,
} from '../record-domains.js';
import type { SkipCounter } from '../skips.js';

const HASH = 35; // '#'
const NOT_PLAIN = -1;
const DASH = 45; // '-'
/** The columns read: the six AIP uses, then the ports, which are only checked (0..65535). */
const NEEDED = [
  'ts',
  'id.orig_h',
  'id.resp_h',
  'duration',
  'orig_pkts',
  'orig_ip_bytes',
  'id.orig_p',
  'id.resp_p',
] as const;
/** How the fast path reads a needed column: as NEEDED[kind - 1] (both ports as K_PORT and above). */
const K_TS = 1;
const K_ORIG = 2;
const K_RESP = 3;
const K_DURATION = 4;
const K_PACKETS = 5;
const K_PORT = 7;
/** Exact powers of ten up to 10^6: a duration's digits times POW10[6 - fraction digits] is whole microseconds. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
/** Durations from 10^9 s (some 32 years) on are left to the general path, which reads every duration the same way. */
const FAST_DURATION_US = 1e15;
const REQUIRED = new Set(['ts', 'id.orig_h', 'id.resp_h']);

/**
 * The Zeek conn.log TSV reader. It scans bytes and decodes only the six fields AIP uses (and checks the ports),
 * located by the `#fields` header (any column order, re-read if a file holds several header blocks). `-` (unset)
 * counts as 0 for duration, packets and bytes; a missing optional column too, with a warning. A line must have as
 * many fields as `#fields` names, and every value must be in its field's domain (record-domains.ts): anything else
 * is a counted, located skip. Durations are read as whole microseconds. Written by hand because splitting lines into
 * strings costs ~4x the inflate time (see docs/speed.md).
 */
export class ZeekTsvReader {
  private sep = 9;
  /** The larger of the separator and '\n': bytes above it are plain field bytes. */
  private top = 10;
  private col = new Int32Array(NEEDED.length).fill(-1);
  private maxCol = -1;
  /** Fields a line must have: as many as `#fields` names. */
  private width = 0;
  /** Separators after the one that ends the last needed column (the fast path counts them to the line's end). */
  private tailSeps = 0;
  /**
   * The fast path's walk over a line: for each needed column in column order, the number of columns to skip before
   * it, then its K_ kind.
   */
  private plan = new Int32Array(0);
  private hasFields = false;
  readonly warnings: string[] = [];

  constructor(
    private readonly file: string,
    private readonly collector: AttackTableBuilder,
    private readonly skips: SkipCounter,
  ) {}

  private carry: Buffer | null = null;
  /** Lines seen by push(). */
  lines = 0;

  /**
   * Reads a chunk of the file: a plain data line's bytes are read once, splitting fields and parsing the used ones
   * in the same pass (fastRecord). Header lines, blank or odd lines and lines cut by the chunk's end take the
   * general path through `line`.
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
    // Whole lines end by `limit`: the fast path reads up to a line's '\n' with no other bound check.
    const limit = chunk.lastIndexOf(10) + 1;
    while (pos < limit) {
      // (A '\n' separator, however absurd, would let the fast path's field loops run past the line's end.)
      if (this.hasFields && this.sep !== 10) {
        const next = this.fastRecord(chunk, pos);
        if (next >= 0) {
          pos = next;
          continue;
        }
      }
      const nl = chunk.indexOf(10, pos);
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
   * A plain data line starting at `pos`, read in one pass: columns AIP does not use are skipped to their separator,
   * the used ones are parsed as they are scanned. Returns the position after the line's newline once the flow is
   * handed on, or NOT_PLAIN when the general path must take the line (a header, blank or leading-blank line, another
   * number of fields than #fields names, or any field the fast parse does not take as it is: a port past 65535, a
   * count with a fraction, ...: `record` then parses and reports it).
   * The line must end with '\n' inside `buf`: every loop stops there at the latest, so none checks the buffer's end.
   * Nothing is counted or reported before the line is known to be plain.
   */
  private fastRecord(buf: Buffer, pos: number): number {
    const c0 = buf[pos]!;
    if (c0 === HASH || c0 === 9 || c0 === 32 || c0 === 10 || c0 === 13) return NOT_PLAIN;
    const sep = this.sep;
    const top = this.top;
    const plan = this.plan;
    let ts = 0;
    let oS = 0;
    let oE = 0;
    let rS = 0;
    let rE = 0;
    let durationUs = 0;
    let packets = 0;
    let bytes = 0;
    let i = pos;
    let c = 0;
    for (let p = 0; p < plan.length; p += 2) {
      // Skip the columns before the next needed one: count separators, one compare a byte for most bytes (the
      // separator and '\n', tab and newline in Zeek's files, are the lowest of the bytes a line holds).
      let skip = plan[p]!;
      while (skip > 0) {
        c = buf[i++]!;
        if (c <= top) {
          if (c === sep) skip--;
          else if (c === 10) return NOT_PLAIN;
        }
      }
      const kind = plan[p + 1]!;
      const s = i;
      if (kind === K_ORIG || kind === K_RESP) {
        for (;;) {
          c = buf[i]!;
          if (c <= top && (c === sep || c === 10)) break;
          i++;
        }
        if (c !== sep) return NOT_PLAIN;
        if (kind === K_ORIG) {
          oS = s;
          oE = i;
        } else {
          rS = s;
          rE = i;
        }
      } else if (kind === K_TS) {
        // As epochSecondsBytes: the whole seconds; the fraction must be digits.
        let whole = 0;
        for (;;) {
          c = buf[i]!;
          if (c < 48 || c > 57) break;
          whole = whole * 10 + (c - 48);
          i++;
        }
        if (i === s) return NOT_PLAIN;
        if (c === 46) {
          for (;;) {
            c = buf[++i]!;
            if (c < 48 || c > 57) break;
          }
        }
        if (c !== sep) return NOT_PLAIN;
        ts = whole;
      } else if (kind >= K_PORT) {
        // id.orig_p, id.resp_p: '-' (unset), or up to five digits that make at most 65535.
        c = buf[i]!;
        if (c === DASH) c = buf[++i]!;
        else {
          let port = 0;
          const s0 = i;
          while (c >= 48 && c <= 57) {
            port = port * 10 + (c - 48);
            c = buf[++i]!;
          }
          if (i === s0 || i - s0 > 5 || port > MAX_PORT) return NOT_PLAIN;
        }
        if (c !== sep) return NOT_PLAIN;
      } else {
        // duration, orig_pkts, orig_ip_bytes: '-' (unset) is 0; else [digits][.digits]. Counts must be whole (a
        // fraction, even `.0`, goes to the general path); a duration becomes whole µs, exactly, from its digits.
        c = buf[i]!;
        if (c === DASH) c = buf[++i]!;
        else {
          let mantissa = 0;
          let digits = 0;
          let fraction = -1;
          for (;;) {
            if (c >= 48 && c <= 57) {
              mantissa = mantissa * 10 + (c - 48);
              digits++;
              if (fraction >= 0) fraction++;
            } else if (c === 46 && fraction < 0) fraction = 0;
            else break;
            c = buf[++i]!;
          }
          // More than 15 digits may pass 2^53: parseDecimalBytes has a slower way for those.
          if (digits === 0 || digits > 15) return NOT_PLAIN;
          if (kind === K_DURATION) {
            if (fraction > 6) return NOT_PLAIN;
            // mantissa < 10^15 and the product is checked below 10^15 < 2^53: exact.
            durationUs = mantissa * POW10[fraction > 0 ? 6 - fraction : 6]!;
            if (durationUs >= FAST_DURATION_US) return NOT_PLAIN;
          } else {
            if (fraction > 0) return NOT_PLAIN;
            if (kind === K_PACKETS) packets = mantissa;
            else bytes = mantissa;
          }
        }
        if (c !== sep) return NOT_PLAIN;
      }
      i++;
    }
    // The rest of the line (the few columns after the last needed one), counting its separators: a line with another
    // number of fields than #fields names goes to the general path. Cheaper here than a native indexOf call.
    let seps = 0;
    for (;;) {
      c = buf[i]!;
      if (c <= top) {
        if (c === 10) break;
        if (c === sep) seps++;
      }
      i++;
    }
    if (seps !== this.tailSeps) return NOT_PLAIN;
    const lineNo = ++this.lines;
    const orig = this.originator(buf, oS, oE, lineNo);
    if (orig < 0) return i + 1;
    const hp = this.responder(buf, rS, rE, lineNo);
    if (hp === AttackTableBuilder.NOT_AN_ADDRESS) return i + 1;
    this.collector.flowToHoneypot(ts, orig, hp, durationUs, packets, bytes, lineNo);
    return i + 1;
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
      this.top = Math.max(this.sep, 10);
      return;
    }
    if (text.startsWith('#fields')) {
      const names = text.split(String.fromCharCode(this.sep)).slice(1);
      this.col.fill(-1);
      NEEDED.forEach((name, k) => {
        this.col[k] = names.indexOf(name);
      });
      // A missing port column is fine (ports are only checked); a missing summed column counts as 0, with a warning.
      const missing = NEEDED.filter((name, k) => this.col[k]! < 0 && !name.endsWith('_p'));
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
      this.width = names.length;
      this.tailSeps = this.width - 2 - this.maxCol;
      const order = [...this.col.keys()]
        .filter((k) => this.col[k]! >= 0)
        .sort((a, b) => this.col[a]! - this.col[b]!);
      this.plan = new Int32Array(2 * order.length);
      order.forEach((k, m) => {
        this.plan[2 * m] = this.col[k]! - (m === 0 ? 0 : this.col[order[m - 1]!]! + 1);
        this.plan[2 * m + 1] = k + 1;
      });
      if (this.bounds.length < this.width + 1) this.bounds = new Int32Array(this.width + 1);
      this.hasFields = true;
    }
    // #set_separator, #empty_field, #unset_field (always '-' in practice; '-' is what we test), #path, #open,
    // #close and #types carry nothing the day table needs.
  }

  /** Field start offsets of the current line; field k spans [bounds[k], bounds[k + 1] - 1). */
  private bounds = new Int32Array(64);

  private record(buf: Buffer, start: number, end: number, lineNo: number): void {
    const width = this.width;
    const sep = this.sep;
    const bounds = this.bounds;
    // One tight pass finds the separators (all of them: a line must have as many fields as #fields names); fields
    // are decoded afterwards.
    bounds[0] = start;
    let f = 0;
    for (let i = start; i < end; i++) {
      if (buf[i] === sep && ++f < width) bounds[f] = i + 1;
    }
    if (f + 1 !== width) {
      this.skips.malformedRecord(
        f + 1 < width ? 'too few fields' : 'too many fields',
        `expected ${width} fields (as #fields names), found ${f + 1}`,
        this.file,
        lineNo,
      );
      return;
    }
    bounds[width] = end + 1;
    this.decode(buf, bounds, lineNo);
  }

  /** Decodes the needed fields of a line whose separators are in `bounds`, and hands the flow on. */
  private decode(buf: Buffer, bounds: Int32Array, lineNo: number): void {
    const col = this.col;
    const cTs = col[0]!;
    const s = bounds[cTs]!;
    const e = bounds[cTs + 1]! - 1;
    const ts = epochSecondsBytes(buf, s, e);
    if (Number.isNaN(ts)) {
      this.bad('bad ts', 'ts', buf, s, e, lineNo);
      return;
    }
    const cOrig = col[1]!;
    const orig = this.originator(buf, bounds[cOrig]!, bounds[cOrig + 1]! - 1, lineNo);
    if (orig < 0) return;
    const cResp = col[2]!;
    const hp = this.responder(buf, bounds[cResp]!, bounds[cResp + 1]! - 1, lineNo);
    if (hp === AttackTableBuilder.NOT_AN_ADDRESS) return;
    if (!this.port(buf, bounds, col[6]!, lineNo, 'id.orig_p')) return;
    if (!this.port(buf, bounds, col[7]!, lineNo, 'id.resp_p')) return;
    const durationUs = this.duration(buf, bounds, col[3]!, lineNo);
    if (durationUs < 0) return;
    const packets = this.count(buf, bounds, col[4]!, lineNo, 'orig_pkts');
    if (packets < 0) return;
    const bytes = this.count(buf, bounds, col[5]!, lineNo, 'orig_ip_bytes');
    if (bytes < 0) return;
    this.collector.flowToHoneypot(ts, orig, hp, durationUs, packets, bytes, lineNo);
  }

  /** Whether a port field (absent, `-` unset, or 0..65535) is good; false after reporting a bad one. */
  private port(buf: Buffer, bounds: Int32Array, c: number, lineNo: number, field: string): boolean {
    if (c < 0) return true;
    const s = bounds[c]!;
    const e = bounds[c + 1]! - 1;
    if (e - s === 1 && buf[s] === DASH) return true;
    let v = 0;
    let i = s;
    for (; i < e && i - s < 6; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === e && e > s && e - s <= 5 && v <= MAX_PORT) return true;
    const text = buf.toString('utf8', s, Math.min(e, s + 60));
    this.skips.malformedRecord(BAD_PORT, `not a port (0 to 65535): '${text}'`, this.file, lineNo, field);
    return false;
  }

  /**
   * The duration in whole µs, where `-` (unset) or an absent column means 0; -1 after reporting a value that is no
   * duration (not a number, negative, past 2^53 µs).
   */
  private duration(buf: Buffer, bounds: Int32Array, c: number, lineNo: number): number {
    if (c < 0) return 0;
    const s = bounds[c]!;
    const e = bounds[c + 1]! - 1;
    if (e - s === 1 && buf[s] === DASH) return 0;
    const v = parseDecimalBytes(buf, s, e);
    if (isDurationSeconds(v)) return secondsToMicros(v);
    const text = buf.toString('utf8', s, e);
    this.skips.malformedRecord(BAD_DURATION, durationProblem(text), this.file, lineNo, 'duration');
    return -1;
  }

  /** A count where `-` (unset) or an absent column means 0; -1 after reporting one that is no whole number. */
  private count(buf: Buffer, bounds: Int32Array, c: number, lineNo: number, field: string): number {
    if (c < 0) return 0;
    const s = bounds[c]!;
    const e = bounds[c + 1]! - 1;
    if (e - s === 1 && buf[s] === DASH) return 0;
    const v = parseDecimalBytes(buf, s, e);
    if (isCount(v)) return v + 0;
    const text = buf.toString('utf8', s, e);
    this.skips.malformedRecord(BAD_COUNT, countProblem(text), this.file, lineNo, field);
    return -1;
  }

  /**
   * The interned id of the originator address in bytes s..e, or -1 after reporting it as a bad address. Canonical
   * dotted quads (nearly every address Zeek writes) go by their 32-bit value; the rest by their bytes.
   */
  private originator(buf: Buffer, s: number, e: number, lineNo: number): number {
    const o4 = canonicalIpv4Bytes(buf, s, e);
    const interner = this.collector.interner;
    const id = o4 >= 0 ? interner.internV4(o4) : e - s < 2 || e - s > 64 ? -1 : interner.intern(buf, s, e);
    if (id < 0) this.bad('bad address', 'id.orig_h', buf, s, e, lineNo);
    return id;
  }

  /**
   * The honeypot index of the responder address in bytes s..e (-1: no listed honeypot), or NOT_AN_ADDRESS after
   * reporting it as a bad address.
   */
  private responder(buf: Buffer, s: number, e: number, lineNo: number): number {
    const r4 = canonicalIpv4Bytes(buf, s, e);
    if (r4 >= 0) return this.collector.honeypotOfIpv4(r4);
    const hp =
      e - s >= 2 && e - s <= 64
        ? this.collector.responderHoneypot(buf, s, e)
        : AttackTableBuilder.NOT_AN_ADDRESS;
    if (hp === AttackTableBuilder.NOT_AN_ADDRESS) this.bad('bad address', 'id.resp_h', buf, s, e, lineNo);
    return hp;
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
