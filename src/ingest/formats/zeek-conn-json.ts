import { parseDay } from '../../util/dates.js';
import type { AttackCollector } from '../attack-collector.js';
import type { SkipCounter } from '../skips.js';

/**
 * The Zeek conn.log JSON reader (one object per line, as Zeek's `LogAscii::use_json` writes). `ts` is epoch seconds
 * or ISO 8601 (`JSON::TS_ISO8601`); unset fields are absent; `id` may be flat (`id.orig_h`) or nested.
 */
export class ZeekJsonReader {
  constructor(
    private readonly file: string,
    private readonly collector: AttackCollector,
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
    const duration = this.num(rec.duration, 'duration', lineNo);
    const packets = this.num(rec.orig_pkts, 'orig_pkts', lineNo);
    const bytes = this.num(rec.orig_ip_bytes, 'orig_ip_bytes', lineNo);
    if (duration === undefined || packets === undefined || bytes === undefined) return;
    this.collector.flow(ts, orig, resp, duration, packets, bytes, lineNo);
  }

  private num(value: unknown, field: string, lineNo: number): number | undefined {
    if (value === undefined || value === null) return 0;
    const v = typeof value === 'string' ? Number(value) : value;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      this.skips.malformedRecord(
        field === 'duration' ? 'bad duration' : 'bad count',
        `unreadable value ${JSON.stringify(value)}`,
        this.file,
        lineNo,
        field,
      );
      return undefined;
    }
    return v;
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
