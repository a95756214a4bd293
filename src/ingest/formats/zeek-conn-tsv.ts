import { DataError } from '../../util/errors.js';
import type { AttackCollector } from '../attack-collector.js';
import { parseDecimalBytes } from '../parse-number.js';
import type { SkipCounter } from '../skips.js';

const HASH = 35; // '#'
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
      else throw new DataError(`unsupported #separator '${value}'`, { file: this.file, line: lineNo });
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
      this.hasFields = true;
    }
    // #set_separator, #empty_field, #unset_field (always '-' in practice; '-' is what we test), #path, #open,
    // #close and #types carry nothing the day table needs.
  }

  private record(buf: Buffer, start: number, end: number, lineNo: number): void {
    const col = this.col;
    const sep = this.sep;
    const cTs = col[0]!;
    const cOrig = col[1]!;
    const cResp = col[2]!;
    const cDur = col[3]!;
    const cPkts = col[4]!;
    const cBytes = col[5]!;
    const maxCol = this.maxCol;
    let ts = Number.NaN;
    let orig = '';
    let resp = '';
    let duration = 0;
    let packets = 0;
    let bytes = 0;
    let field = 0;
    let fs = start;
    for (let i = start; i <= end; i++) {
      if (i < end && buf[i] !== sep) continue;
      // field `field` spans [fs, i)
      if (field === cTs) {
        ts = parseDecimalBytes(buf, fs, i);
        if (Number.isNaN(ts)) {
          this.bad('bad ts', 'ts', buf, fs, i, lineNo);
          return;
        }
      } else if (field === cOrig) {
        if (i - fs < 2) {
          this.bad('bad address', 'id.orig_h', buf, fs, i, lineNo);
          return;
        }
        orig = buf.toString('latin1', fs, i);
      } else if (field === cResp) {
        if (i - fs < 2) {
          this.bad('bad address', 'id.resp_h', buf, fs, i, lineNo);
          return;
        }
        resp = buf.toString('latin1', fs, i);
      } else if (field === cDur) {
        if (!(i - fs === 1 && buf[fs] === DASH)) {
          duration = parseDecimalBytes(buf, fs, i);
          if (!(duration >= 0)) {
            this.bad('bad duration', 'duration', buf, fs, i, lineNo);
            return;
          }
        }
      } else if (field === cPkts) {
        if (!(i - fs === 1 && buf[fs] === DASH)) {
          packets = parseDecimalBytes(buf, fs, i);
          if (!(packets >= 0)) {
            this.bad('bad count', 'orig_pkts', buf, fs, i, lineNo);
            return;
          }
        }
      } else if (field === cBytes) {
        if (!(i - fs === 1 && buf[fs] === DASH)) {
          bytes = parseDecimalBytes(buf, fs, i);
          if (!(bytes >= 0)) {
            this.bad('bad count', 'orig_ip_bytes', buf, fs, i, lineNo);
            return;
          }
        }
      }
      if (field === maxCol) break;
      field++;
      fs = i + 1;
    }
    if (field < maxCol) {
      this.skips.malformedRecord(
        'too few fields',
        `expected at least ${maxCol + 1} fields, found ${field + 1}`,
        this.file,
        lineNo,
      );
      return;
    }
    this.collector.flow(ts, orig, resp, duration, packets, bytes, lineNo);
  }

  private bad(reason: string, field: string, buf: Buffer, s: number, e: number, lineNo: number): void {
    const text = buf.toString('utf8', s, Math.min(e, s + 60));
    this.skips.malformedRecord(reason, `unreadable value '${text}'`, this.file, lineNo, field);
  }
}
