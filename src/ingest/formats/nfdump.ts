import { isCount, isDurationSeconds, secondsToMicros } from '../../days/day-table-domain.js';
import { DataError, UsageError } from '../../util/errors.js';
import { canonicalIpv4Bytes } from '../../util/ip/index.js';
import { AttackTableBuilder } from '../attack-table-builder.js';
import { streamFile } from '../input-files.js';
import { LineScanner } from '../line-scanner.js';
import { parseDecimalBytes } from '../parse-number.js';
import {
  BAD_COUNT,
  BAD_DURATION,
  BAD_PORT,
  countProblem,
  durationProblem,
  MAX_PORT,
  type RecordFields,
} from '../record-domains.js';
import type { SkipCounter } from '../skips.js';
import type { InputFormat } from './input-format.js';

/**
 * `nfdump -o csv` output (docs/input-nfdump.md has the user's view). Two layouts, told apart by the
 * header line and read by column name:
 *
 * - classic, nfdump 1.6.x to 1.7.4 (1.7.1 included): `ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,…,tr`
 *   (the fixed header of output_csv.c's csv_prolog); `ts` is `YYYY-MM-DD hh:mm:ss` (a `.mmm` fraction is read too);
 * - token, nfdump 1.7.5 on: the header names the `-o csv[:<fmt>]` tokens' columns, by default
 *   `firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows`; `firstSeen` is
 *   `YYYY-MM-DD hh:mm:ss.mmm` (`%ts`, `%tsg`) or epoch `s.mmm` (`%tsr`); dstPort of ICMP is `type.code`.
 *
 * The source is the attacker and the destination the responder; duration = td/duration, packets = ipkt/packets,
 * bytes = ibyt/bytes (IP bytes, headers included). Times are local wall-clock times of the zone `--tz` names (nfdump
 * prints localtime()); the day is the UTC day of the flow's start. After the records nfdump prints `No matching
 * flows` (none passed) and a `Summary` block (`Summary`, `flows,bytes,packets,avg_bps,avg_pps,avg_bpp`, the totals):
 * they end the records, and anything else after them is an error.
 */
export const nfdumpFormat: InputFormat = {
  name: 'nfdump',
  description:
    'nfdump -o csv output (1.6 to 1.7.4: ts,te,td,sa,da,...; 1.7.5+: firstSeen,duration,...), plain or gzip',
  needsHoneypots: true,
  options: { tz: undefined },
  accept: (name) => NFDUMP_NAME_RE.test(name),
  async read(path, display, ctx) {
    const zone = localTimesOf(ctx.reader.tz ?? 'UTC');
    ctx.collector.file = display;
    const reader = new NfdumpCsvReader(display, ctx.collector, ctx.skips, zone);
    const scanner = new LineScanner((buf, start, end, lineNo) => reader.line(buf, start, end, lineNo));
    const stats = await streamFile(path, (chunk) => scanner.push(chunk), ctx.onRawBytes);
    scanner.end();
    return { ...stats, lines: scanner.lines };
  },
};

/** File names read from a folder: `nfcapd*.csv` (an export named after its nfcapd file) or `*.nfdump.csv`, or `.gz`. */
export const NFDUMP_NAME_RE = /^nfcapd.*\.csv(\.gz)?$|\.nfdump\.csv(\.gz)?$/;

/** What the header says the columns are: where each needed value is, and its name (for located messages). */
interface Layout {
  name: 'classic' | 'token';
  width: number;
  ts: number;
  duration: number;
  src: number;
  dst: number;
  packets: number;
  bytes: number;
  /** Ports (-1: absent), and flows (token layout: `flows` > 1 is an aggregated record). */
  srcPort: number;
  dstPort: number;
  flows: number;
  fields: RecordFields & { srcPort: string; dstPort: string; flows: string };
}

const CLASSIC_FIELDS = {
  ts: 'ts',
  orig: 'sa',
  resp: 'da',
  duration: 'td',
  packets: 'ipkt',
  bytes: 'ibyt',
  srcPort: 'sp',
  dstPort: 'dp',
  flows: 'flows',
};

/** The first columns of the classic header, which every nfdump from 1.6.x to 1.7.4 prints. */
const CLASSIC_START = 'ts,te,td,sa,da,sp,dp,pr,';
const TOKEN_EXAMPLE = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';

/** The header line of the Summary block nfdump prints after the records in csv mode. */
const SUMMARY_HEADER = 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp';
const SUMMARY_TOTALS_RE = /^\d+,\d+,\d+,\d+,\d+,\d+$/;
const NO_MATCHING_FLOWS = 'No matching flows';

const COMMA = 44;
const SPACE = 32;

type State = 'header' | 'records' | 'noMatch' | 'summaryHeader' | 'summaryTotals' | 'done';

class NfdumpCsvReader {
  private state: State = 'header';
  private layout: Layout | null = null;
  /** Field start offsets of the current line; field k spans [bounds[k], bounds[k + 1] - 1). */
  private bounds = new Int32Array(64);

  constructor(
    private readonly file: string,
    private readonly collector: AttackTableBuilder,
    private readonly skips: SkipCounter,
    private readonly zone: LocalTimes,
  ) {}

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    if (this.state === 'records') {
      const c = buf[start];
      // Records start with a digit (a date or epoch seconds); the trailers with a letter.
      if (c !== undefined && c >= 48 && c <= 57) {
        this.record(buf, start, end, lineNo);
        return;
      }
    }
    // (trim() also drops a byte-order mark.)
    const text = buf.toString('utf8', start, end).trim();
    if (text === '') return;
    switch (this.state) {
      case 'header':
        this.header(text, lineNo);
        return;
      case 'records':
        if (text === NO_MATCHING_FLOWS) this.state = 'noMatch';
        else if (text === 'Summary') this.state = 'summaryHeader';
        else this.record(buf, start, end, lineNo);
        return;
      case 'noMatch':
        if (text === 'Summary') this.state = 'summaryHeader';
        else this.afterRecords(text, lineNo, `after '${NO_MATCHING_FLOWS}'`);
        return;
      case 'summaryHeader':
        if (text === SUMMARY_HEADER) this.state = 'summaryTotals';
        else this.afterRecords(text, lineNo, `where nfdump's Summary block has '${SUMMARY_HEADER}'`);
        return;
      case 'summaryTotals':
        if (SUMMARY_TOTALS_RE.test(text)) this.state = 'done';
        else this.afterRecords(text, lineNo, "where nfdump's Summary block has its six totals");
        return;
      default:
        this.afterRecords(text, lineNo, "after nfdump's Summary block");
    }
  }

  /** A line where only nfdump's trailer may be: an error (two outputs joined, or no nfdump output). */
  private afterRecords(text: string, lineNo: number, where: string): never {
    throw new DataError(
      `'${text.slice(0, 60)}' ${where}: the records end at the trailer, nothing else may follow it`,
      { file: this.file, line: lineNo },
    );
  }

  private header(text: string, lineNo: number): void {
    const names = text.split(',').map((n) => n.trim());
    const at = (name: string) => names.indexOf(name);
    let layout: Layout;
    if (`${text},`.startsWith(CLASSIC_START)) {
      layout = {
        name: 'classic',
        width: names.length,
        ts: at('ts'),
        duration: at('td'),
        src: at('sa'),
        dst: at('da'),
        packets: at('ipkt'),
        bytes: at('ibyt'),
        srcPort: at('sp'),
        dstPort: at('dp'),
        flows: -1,
        fields: CLASSIC_FIELDS,
      };
    } else if (names.includes('firstSeen') || names.includes('srcAddr') || names.includes('dstAddr')) {
      const packets = at('packets') >= 0 ? 'packets' : 'inPackets';
      const bytes = at('bytes') >= 0 ? 'bytes' : 'inBytes';
      layout = {
        name: 'token',
        width: names.length,
        ts: at('firstSeen'),
        duration: at('duration'),
        src: at('srcAddr'),
        dst: at('dstAddr'),
        packets: at(packets),
        bytes: at(bytes),
        srcPort: at('srcPort'),
        dstPort: at('dstPort'),
        flows: at('flows'),
        fields: {
          ts: 'firstSeen',
          orig: 'srcAddr',
          resp: 'dstAddr',
          duration: 'duration',
          packets,
          bytes,
          srcPort: 'srcPort',
          dstPort: 'dstPort',
          flows: 'flows',
        },
      };
    } else {
      throw new DataError(
        `not the header of nfdump -o csv output: '${text.slice(0, 60)}' (nfdump 1.6 to 1.7.4 print '${CLASSIC_START}...', 1.7.5 on e.g. '${TOKEN_EXAMPLE}')`,
        { file: this.file, line: lineNo },
      );
    }
    const f = layout.fields;
    const needed: [number, string][] = [
      [layout.ts, f.ts],
      [layout.duration, f.duration!],
      [layout.src, f.orig],
      [layout.dst, f.resp],
      [layout.packets, layout.name === 'token' ? 'packets (or inPackets)' : f.packets!],
      [layout.bytes, layout.name === 'token' ? 'bytes (or inBytes)' : f.bytes!],
    ];
    const missing = needed.filter(([c]) => c < 0).map(([, n]) => n);
    if (missing.length > 0) {
      throw new DataError(`nfdump csv header lacks ${missing.join(', ')}`, { file: this.file, line: lineNo });
    }
    if (this.bounds.length <= layout.width) this.bounds = new Int32Array(layout.width + 1);
    this.layout = layout;
    this.collector.fields = layout.fields;
    this.state = 'records';
  }

  private record(buf: Buffer, start: number, end: number, lineNo: number): void {
    const layout = this.layout!;
    const width = layout.width;
    const bounds = this.bounds;
    bounds[0] = start;
    let f = 0;
    for (let i = start; i < end; i++) {
      if (buf[i] === COMMA && ++f < width) bounds[f] = i + 1;
    }
    if (f + 1 !== width) {
      // A field more than the header names is as suspect as one fewer: the columns no longer line up.
      this.skips.malformedRecord(
        f + 1 < width ? 'too few fields' : 'too many fields',
        `expected ${width} fields (as the header names), found ${f + 1}`,
        this.file,
        lineNo,
      );
      return;
    }
    bounds[width] = end + 1;
    const fields = layout.fields;

    const ts = this.time(buf, layout.ts, lineNo);
    if (Number.isNaN(ts)) return;
    const orig = this.originator(buf, layout.src, lineNo);
    if (orig < 0) return;
    const hp = this.responder(buf, layout.dst, lineNo);
    if (hp === AttackTableBuilder.NOT_AN_ADDRESS) return;
    if (!this.port(buf, layout.srcPort, false, lineNo, fields.srcPort)) return;
    if (!this.port(buf, layout.dstPort, layout.name === 'token', lineNo, fields.dstPort)) return;
    const durationUs = this.duration(buf, layout.duration, lineNo, fields.duration!);
    if (durationUs < 0) return;
    const packets = this.count(buf, layout.packets, lineNo, fields.packets!);
    if (packets < 0) return;
    const bytes = this.count(buf, layout.bytes, lineNo, fields.bytes!);
    if (bytes < 0) return;
    if (layout.flows >= 0) {
      const flows = this.count(buf, layout.flows, lineNo, fields.flows);
      if (flows < 0) return;
      if (flows !== 1) {
        this.skips.malformedRecord(
          'aggregated record',
          `flows is ${flows}: a record of nfdump -a/-A/-b (aggregated flows) has no single start or duration; dump without aggregation`,
          this.file,
          lineNo,
          fields.flows,
        );
        return;
      }
    }
    this.collector.flowToHoneypot(ts, orig, hp, durationUs, packets, bytes, lineNo);
  }

  /** Start (s) and end (e) of field c, without surrounding spaces. */
  private s = 0;
  private e = 0;
  private cell(buf: Buffer, c: number): void {
    let s = this.bounds[c]!;
    let e = this.bounds[c + 1]! - 1;
    while (s < e && buf[s] === SPACE) s++;
    while (e > s && buf[e - 1] === SPACE) e--;
    this.s = s;
    this.e = e;
  }

  /** Epoch seconds of the flow's start, or NaN after reporting a bad time. */
  private time(buf: Buffer, c: number, lineNo: number): number {
    this.cell(buf, c);
    const { s, e } = this;
    const field = this.layout!.fields.ts;
    const wall = wallClockMs(buf, s, e);
    if (!Number.isNaN(wall)) {
      const ms = this.zone.toEpochMs(wall);
      if (!Number.isNaN(ms)) return ms / 1000;
      const text = buf.toString('utf8', s, e);
      this.skips.malformedRecord(
        'bad ts',
        `local time '${text}' does not exist in ${this.zone.name} (the clocks skip it when summer time starts), so nfdump prints no such time there: is --tz right?`,
        this.file,
        lineNo,
        field,
      );
      return Number.NaN;
    }
    // `%tsr` of nfdump 1.7.5+: epoch seconds with milliseconds, whatever the zone.
    if (this.layout!.name === 'token' && e > s && isEpochText(buf, s, e)) return parseDecimalBytes(buf, s, e);
    const text = buf.toString('utf8', s, Math.min(e, s + 60));
    this.skips.malformedRecord(
      'bad ts',
      `not a time as nfdump prints one (YYYY-MM-DD hh:mm:ss[.mmm]): '${text}'`,
      this.file,
      lineNo,
      field,
    );
    return Number.NaN;
  }

  /** The interned id of the source address, or -1 after reporting a bad one. */
  private originator(buf: Buffer, c: number, lineNo: number): number {
    this.cell(buf, c);
    const { s, e } = this;
    const o4 = canonicalIpv4Bytes(buf, s, e);
    const interner = this.collector.interner;
    const id = o4 >= 0 ? interner.internV4(o4) : e - s < 2 || e - s > 64 ? -1 : interner.intern(buf, s, e);
    if (id < 0) this.badAddress(buf, lineNo, this.layout!.fields.orig);
    return id;
  }

  /** The honeypot index of the destination address (-1: none), or NOT_AN_ADDRESS after reporting a bad one. */
  private responder(buf: Buffer, c: number, lineNo: number): number {
    this.cell(buf, c);
    const { s, e } = this;
    const r4 = canonicalIpv4Bytes(buf, s, e);
    if (r4 >= 0) return this.collector.honeypotOfIpv4(r4);
    const hp =
      e - s >= 2 && e - s <= 64
        ? this.collector.responderHoneypot(buf, s, e)
        : AttackTableBuilder.NOT_AN_ADDRESS;
    if (hp === AttackTableBuilder.NOT_AN_ADDRESS) this.badAddress(buf, lineNo, this.layout!.fields.resp);
    return hp;
  }

  private badAddress(buf: Buffer, lineNo: number, field: string): void {
    const text = buf.toString('utf8', this.s, Math.min(this.e, this.s + 60));
    this.skips.malformedRecord('bad address', `not an IP address: '${text}'`, this.file, lineNo, field);
  }

  /**
   * Whether a port column (absent: c < 0) holds a port, 0 to 65535; where `icmp` is set (dstPort of the token layout)
   * also ICMP's `type.code`, each 0 to 255. False after reporting a bad one.
   */
  private port(buf: Buffer, c: number, icmp: boolean, lineNo: number, field: string): boolean {
    if (c < 0) return true;
    this.cell(buf, c);
    const { s, e } = this;
    let v = 0;
    let i = s;
    for (; i < e && i - s < 6; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === e && e > s && e - s <= 5 && v <= MAX_PORT) return true;
    const text = buf.toString('utf8', s, Math.min(e, s + 60));
    if (icmp && /^\d{1,3}\.\d{1,3}$/.test(text) && text.split('.').every((p) => Number(p) <= 255))
      return true;
    this.skips.malformedRecord(
      BAD_PORT,
      `not a port (0 to 65535${icmp ? ', or ICMP type.code' : ''}): '${text}'`,
      this.file,
      lineNo,
      field,
    );
    return false;
  }

  /** The duration in whole µs, or -1 after reporting one that is none. */
  private duration(buf: Buffer, c: number, lineNo: number, field: string): number {
    this.cell(buf, c);
    const { s, e } = this;
    const v = parseDecimalBytes(buf, s, e);
    if (isDurationSeconds(v)) return secondsToMicros(v);
    const text = buf.toString('utf8', s, e);
    this.skips.malformedRecord(BAD_DURATION, durationProblem(text), this.file, lineNo, field);
    return -1;
  }

  /** A count, or -1 after reporting one that is no whole number from 0 to 2^53 − 1. */
  private count(buf: Buffer, c: number, lineNo: number, field: string): number {
    this.cell(buf, c);
    const { s, e } = this;
    const v = parseDecimalBytes(buf, s, e);
    if (isCount(v)) return v + 0;
    const text = buf.toString('utf8', s, e);
    this.skips.malformedRecord(BAD_COUNT, countProblem(text), this.file, lineNo, field);
    return -1;
  }
}

/** Whether bytes s..e are epoch seconds as `%tsr` prints them: digits, optionally `.` and digits. */
function isEpochText(buf: Buffer, s: number, e: number): boolean {
  let i = s;
  while (i < e && buf[i]! >= 48 && buf[i]! <= 57) i++;
  if (i === s) return false;
  if (i === e) return true;
  if (buf[i] !== 46 || i + 1 === e) return false;
  for (i++; i < e; i++) if (buf[i]! < 48 || buf[i]! > 57) return false;
  return true;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A wall-clock time `YYYY-MM-DD hh:mm:ss[.fff]` in bytes s..e as the epoch milliseconds of the same fields read as UTC,
 * or NaN when it is not one, or no real date and time (month 13, Feb 30, 25 o'clock, nfdump's `0000-00-00 ...` of a
 * record without a time). The fraction is kept to the millisecond.
 */
export function wallClockMs(buf: Buffer, s: number, e: number): number {
  if (e - s < 19) return Number.NaN;
  if (buf[s + 4] !== 45 || buf[s + 7] !== 45 || buf[s + 10] !== SPACE) return Number.NaN;
  if (buf[s + 13] !== 58 || buf[s + 16] !== 58) return Number.NaN;
  const year = digits(buf, s, 4);
  const month = digits(buf, s + 5, 2);
  const day = digits(buf, s + 8, 2);
  const hour = digits(buf, s + 11, 2);
  const minute = digits(buf, s + 14, 2);
  const second = digits(buf, s + 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return Number.NaN;
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  if (day > DAYS_IN_MONTH[month - 1]! || (month === 2 && day === 29 && !isLeapYear(year))) return Number.NaN;
  let ms = 0;
  if (e > s + 19) {
    if (buf[s + 19] !== 46 || e === s + 20) return Number.NaN;
    let scale = 100;
    for (let i = s + 20; i < e; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) return Number.NaN;
      ms += d * scale;
      scale /= 10;
    }
    ms = Math.floor(ms);
  }
  return (daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second) * 1000 + ms;
}

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil; no Date object). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function digits(buf: Buffer, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** In the hour cache: the hour holds a change of offset (or a time that does not exist), so each time is resolved. */
const MIXED_HOUR = Number.POSITIVE_INFINITY;

/** LocalTimes by zone name, kept across files (and their hour caches with them). */
const zones = new Map<string, LocalTimes>();

function localTimesOf(zone: string): LocalTimes {
  let times = zones.get(zone);
  if (times === undefined) {
    times = new LocalTimes(zone);
    zones.set(zone, times);
  }
  return times;
}

/**
 * Local wall-clock times of one IANA time zone turned into UTC with Intl (the tz database Node carries). A local time
 * that happens twice (the hour repeated when summer time ends) is the earlier instant: the first pass, still on
 * summer time. A local time that never happens (skipped when summer time starts) has no instant: NaN. The offset of
 * each local hour is cached when it is the same all through the hour, so the usual time costs a map look-up.
 */
export class LocalTimes {
  readonly name: string;
  private readonly format: Intl.DateTimeFormat | null;
  /** Offset (ms) by local hour number (wall-clock ms / 1 h), or MIXED_HOUR. */
  private readonly hours = new Map<number, number>();

  /** Takes an IANA zone name (`Europe/Prague`, `UTC`); a name Intl does not know is a UsageError naming --tz. */
  constructor(zone: string) {
    if (zone === 'UTC') {
      this.name = zone;
      this.format = null;
      return;
    }
    let format: Intl.DateTimeFormat;
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new UsageError(
        `--tz '${zone}' is not a time zone this Node knows: give an IANA zone name such as Europe/Prague or UTC`,
      );
    }
    this.name = format.resolvedOptions().timeZone;
    this.format = this.name === 'UTC' ? null : format;
  }

  /** The epoch ms of a local wall-clock time (given as the epoch ms of the same fields read as UTC), or NaN. */
  toEpochMs(wall: number): number {
    if (this.format === null) return wall;
    const hour = Math.floor(wall / HOUR_MS);
    let offset = this.hours.get(hour);
    if (offset === undefined) {
      offset = this.hourOffset(hour * HOUR_MS);
      if (this.hours.size >= 100_000) this.hours.clear();
      this.hours.set(hour, offset);
    }
    if (offset !== MIXED_HOUR) return wall - offset;
    const candidates = this.candidates(wall);
    return candidates.length === 0 ? Number.NaN : wall - Math.max(...candidates);
  }

  /**
   * The offset of every time in the local hour starting at `start`, or MIXED_HOUR. If the hour's first and last
   * millisecond each have one instant, with the same offset, the offset cannot change within the hour (with at most one
   * change of offset a day either side, a change inside would give the last millisecond another offset, or a second
   * instant to it or to the first).
   */
  private hourOffset(start: number): number {
    const first = this.candidates(start);
    const last = this.candidates(start + HOUR_MS - 1);
    return first.length === 1 && last.length === 1 && first[0] === last[0] ? first[0]! : MIXED_HOUR;
  }

  /** The offsets o (ms) for which `wall - o` is an instant whose local time is `wall`. */
  private candidates(wall: number): number[] {
    const out: number[] = [];
    for (const near of [wall - DAY_MS, wall, wall + DAY_MS]) {
      const o = this.offsetAt(near);
      if (!out.includes(o) && this.offsetAt(wall - o) === o) out.push(o);
    }
    return out;
  }

  /** The zone's offset from UTC (ms, local − UTC) at an instant. */
  private offsetAt(ms: number): number {
    const whole = Math.floor(ms / 1000) * 1000;
    const parts = this.format!.formatToParts(whole);
    const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
    const local = Date.UTC(
      get('year'),
      get('month') - 1,
      get('day'),
      get('hour'),
      get('minute'),
      get('second'),
    );
    return local - whole;
  }
}
