import { parseDay } from '../../util/dates.js';
import type { AttackTableBuilder } from '../attack-table-builder.js';
import {
  BAD_COUNT,
  BAD_DURATION,
  BAD_PORT,
  countProblem,
  durationProblem,
  isJsonPort,
  jsonCount,
  jsonDurationMicros,
} from '../record-domains.js';
import type { SkipCounter } from '../skips.js';

/**
 * The Zeek conn.log JSON reader (one object per line, as Zeek's `LogAscii::use_json` writes). `ts` is epoch seconds
 * or ISO 8601 (`JSON::TS_ISO8601`); unset fields are absent; `id` may be flat (`id.orig_h`) or nested. Every value
 * must be in its field's domain (record-domains.ts), the ports (`id.orig_p`, `id.resp_p`) included where present.
 */
export class ZeekJsonReader {
  constructor(
    private readonly file: string,
    private readonly collector: AttackTableBuilder,
    private readonly skips: SkipCounter,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    const text = buf.toString('utf8', start, end).trim();
    if (text === '') return;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.skips.malformedRecord('bad JSON', `not a JSON object: '${text.slice(0, 60)}'`, this.file, lineNo);
      return;
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      this.skips.malformedRecord('bad JSON', 'not a JSON object', this.file, lineNo);
      return;
    }
    const ts = epochSeconds(rec.ts);
    if (ts === undefined) {
      this.skips.malformedRecord(
        'bad ts',
        `unreadable ts ${JSON.stringify(rec.ts)}`,
        this.file,
        lineNo,
        'ts',
      );
      return;
    }
    const id = rec.id as Record<string, unknown> | undefined;
    const orig = rec['id.orig_h'] ?? id?.orig_h;
    const resp = rec['id.resp_h'] ?? id?.resp_h;
    if (typeof orig !== 'string' || orig === '') {
      this.skips.malformedRecord('bad address', 'missing or empty id.orig_h', this.file, lineNo, 'id.orig_h');
      return;
    }
    if (typeof resp !== 'string' || resp === '') {
      this.skips.malformedRecord('bad address', 'missing or empty id.resp_h', this.file, lineNo, 'id.resp_h');
      return;
    }
    for (const [field, port] of [
      ['id.orig_p', rec['id.orig_p'] ?? id?.orig_p],
      ['id.resp_p', rec['id.resp_p'] ?? id?.resp_p],
    ] as const) {
      if (port !== undefined && port !== null && !isJsonPort(port)) {
        this.skips.malformedRecord(
          BAD_PORT,
          `not a port (0 to 65535): ${JSON.stringify(port).slice(0, 60)}`,
          this.file,
          lineNo,
          field,
        );
        return;
      }
    }
    const durationUs = jsonDurationMicros(rec.duration);
    if (durationUs < 0) {
      this.bad(BAD_DURATION, durationProblem(String(rec.duration)), 'duration', lineNo);
      return;
    }
    const packets = jsonCount(rec.orig_pkts);
    if (packets < 0) {
      this.bad(BAD_COUNT, countProblem(String(rec.orig_pkts)), 'orig_pkts', lineNo);
      return;
    }
    const bytes = jsonCount(rec.orig_ip_bytes);
    if (bytes < 0) {
      this.bad(BAD_COUNT, countProblem(String(rec.orig_ip_bytes)), 'orig_ip_bytes', lineNo);
      return;
    }
    this.collector.flow(ts, orig, resp, durationUs, packets, bytes, lineNo);
  }

  private bad(reason: string, message: string, field: string, lineNo: number): void {
    this.skips.malformedRecord(reason, message, this.file, lineNo, field);
  }
}

/** Epoch seconds from a number or an ISO 8601 string (a time without zone is taken as UTC). */
export function epochSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  // Date.parse rolls an impossible day over (2024-02-30 → March 1): such a time is bad, not some other day.
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && parseDay(value.slice(0, 10)) === undefined) return undefined;
  const iso = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
