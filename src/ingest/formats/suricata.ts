import { MAX_DURATION_US } from '../../days/day-table-domain.js';
import { dayOfEpochSeconds } from '../../util/dates.js';
import type { AttackTableBuilder } from '../attack-table-builder.js';
import { streamFile } from '../input-files.js';
import { LineScanner } from '../line-scanner.js';
import {
  BAD_COUNT,
  BAD_DURATION,
  BAD_PORT,
  countProblem,
  END_DAY,
  FIRST_DAY,
  isJsonPort,
  jsonCount,
  MAX_PORT,
  type RecordFields,
} from '../record-domains.js';
import type { SkipCounter } from '../skips.js';
import type { InputFormat } from './input-format.js';

/**
 * Suricata's EVE log and its rotations: `eve.json`, `eve.json.1`, `eve.json-20240101`, `eve.json.2024-01-01`,
 * `eve-2024-01-01.json` (a strftime `filename`), `eve.7.json` (`threaded: on`), each optionally `.gz`.
 */
const EVE_FILE_RE = /^eve(?:[.-][^/\\]*)?\.json(?:[.-][^/\\]*)?$/;

/**
 * Lines a netflow record waits for the flow record of its connection (and a flow record's flow_id is remembered for
 * the netflow records after it). Suricata writes the records of one connection together, at its flow timeout, from
 * one thread (its flow loggers run one after the other); only lines of other threads come between them.
 */
export const FLOW_ID_WINDOW = 1 << 16;

/** Drop reason of a netflow record whose connection a flow record counts. */
export const DUPLICATE_NETFLOW = 'netflow record of a connection its flow record counts';
const EVENT_TYPE_KEY = Buffer.from('"event_type":"', 'latin1');
/** Distinct event types given a drop reason of their own; any further one is counted as 'other'. */
const MAX_TYPE_REASONS = 64;

const FLOW_FIELDS: RecordFields = {
  ts: 'flow.start',
  orig: 'src_ip',
  resp: 'dest_ip',
  duration: 'flow.end',
  packets: 'flow.pkts_toserver',
  bytes: 'flow.bytes_toserver',
};
const NETFLOW_FIELDS: RecordFields = {
  ts: 'netflow.start',
  orig: 'src_ip',
  resp: 'dest_ip',
  duration: 'netflow.end',
  packets: 'netflow.pkts',
  bytes: 'netflow.bytes',
};

/**
 * Suricata EVE JSON (one object a line): `flow` events (bidirectional; src is the client, dest the responder;
 * packets and bytes are `flow.pkts_toserver` and `flow.bytes_toserver`) and `netflow` events (one direction each; the
 * reverse direction is a second record with src and dest swapped, which the attack rule drops as originated by a
 * honeypot). Duration = end − start; the day is that of the start. Where a connection has both kinds, it counts once,
 * by flow_id (see EveReader). Every other event type (alert, dns, stats, ...) is a drop. See docs/input-suricata.md.
 */
export const suricataFormat: InputFormat = {
  name: 'suricata',
  description: 'Suricata EVE JSON (eve.json[.N][.gz], eve-YYYY-MM-DD.json...): flow and netflow events',
  needsHoneypots: true,
  accept: (name) => EVE_FILE_RE.test(name),
  async read(path, display, ctx) {
    ctx.collector.file = display;
    const reader = new EveReader(display, ctx.collector, ctx.skips);
    const scanner = new LineScanner((buf, start, end, lineNo) => reader.line(buf, start, end, lineNo));
    const stats = await streamFile(
      path,
      (chunk) => {
        reader.newChunk();
        scanner.push(chunk);
      },
      ctx.onRawBytes,
    );
    scanner.end();
    reader.end();
    return { ...stats, lines: scanner.lines };
  },
};

const FLOW = 1;
const NETFLOW = 2;
type Kind = typeof FLOW | typeof NETFLOW;
/** A flow_id that is absent. */
const NO_ID = -1;

/** A valid netflow record waiting for a flow record of the same flow_id (a second one of the id in `next`). */
interface Pending {
  id: number;
  line: number;
  startUs: number;
  orig: number;
  resp: number;
  durationUs: number;
  packets: number;
  bytes: number;
  next: Pending | null;
}

/**
 * Reads one EVE file. Lines are classified by their top-level `"event_type":"..."` without parsing them (Suricata
 * writes compact JSON, event_type among the first keys): other events are dropped as they are; flow and netflow
 * records are read by a scan of their bytes (FastRecord) that takes only what it fully checked, and anything else
 * (or anything unusual) goes through JSON.parse and the checks that name what is wrong.
 *
 * flow_id rule, in bounded memory: a flow record's flow_id is remembered for FLOW_ID_WINDOW lines (a ring of the last
 * ones); a netflow record with a remembered flow_id and the same start is dropped at once; any other waits for
 * FLOW_ID_WINDOW lines, a flow record of its id and start dropping it meanwhile, and is counted when its wait ends
 * (or at the end of the file).
 */
class EveReader {
  /** Netflow records waiting, by flow_id, and in line order for their expiry. */
  private readonly pending = new Map<number, Pending>();
  private queue: Pending[] = [];
  private qHead = 0;
  /** The flow_ids of the last FLOW_ID_WINDOW flow records: id, start (µs), line; slot = count mod window. */
  private readonly claimId = new Float64Array(FLOW_ID_WINDOW);
  private readonly claimStart = new Float64Array(FLOW_ID_WINDOW);
  private readonly claimLine = new Int32Array(FLOW_ID_WINDOW);
  private claims = 0;
  /**
   * flow_id → ring slot + 1 of its latest claim (0: empty): open addressing with linear probing, 4 cells a claim,
   * entries removed (by backward shift) as their ring slot is reused. A Map of number keys cost ~1 µs a flow record.
   */
  private readonly claimTable = new Int32Array(CLAIM_CELLS);
  /** The last search for the event_type key: in which buffer, and where it was found (buffer length: nowhere). */
  private keyBuf: Buffer | null = null;
  private keyAt = 0;
  private readonly typeReasons = new Map<string, string>();
  private readonly fast = new FastRecord();

  constructor(
    private readonly file: string,
    private readonly collector: AttackTableBuilder,
    private readonly skips: SkipCounter,
  ) {}

  /** A new chunk is coming: a buffer may be reused, so the cached key position is forgotten. */
  newChunk(): void {
    this.keyBuf = null;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number): void {
    const q = this.queue;
    if (this.qHead < q.length && q[this.qHead]!.line <= lineNo - FLOW_ID_WINDOW) this.expire(lineNo);
    let s = start;
    while (s < end && (buf[s] === 32 || buf[s] === 9)) s++;
    let e = end;
    while (e > s && (buf[e - 1] === 32 || buf[e - 1] === 9)) e--;
    if (s >= e) return;
    const at = this.topLevelKey(buf, s, e);
    if (at >= 0 && buf[e - 1] === 125) {
      const v = at + EVENT_TYPE_KEY.length;
      const quote = buf.indexOf(34, v);
      if (quote >= 0 && quote < e && !hasByte(buf, v, quote, 92)) {
        const kind = eventKind(buf, v, quote);
        if (kind === 0) {
          this.dropType(buf.toString('latin1', v, quote));
          return;
        }
        if (this.fastRecord(buf, s, e, kind, lineNo)) return;
      }
    }
    this.parsed(buf.toString('utf8', s, e), lineNo);
  }

  /** Counts the netflow records still waiting (end of file). */
  end(): void {
    this.expire(Number.POSITIVE_INFINITY);
  }

  /**
   * Where `"event_type":"` starts in the line [s, e), when it is a key of the top-level object (the line starting with
   * `{`), else -1. The position found in a buffer is kept, so a buffer is searched once however many lines it holds.
   */
  private topLevelKey(buf: Buffer, s: number, e: number): number {
    if (buf[s] !== 123) return -1;
    let at = this.keyAt;
    if (buf !== this.keyBuf || at < s) {
      at = buf.indexOf(EVENT_TYPE_KEY, s);
      if (at < 0) at = buf.length;
      this.keyBuf = buf;
      this.keyAt = at;
    }
    if (at >= e) return -1;
    let depth = 0;
    let inString = false;
    for (let i = s; i < at; i++) {
      const c = buf[i];
      if (inString) {
        if (c === 92) i++;
        else if (c === 34) inString = false;
      } else if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) depth--;
    }
    return depth === 1 && !inString ? at : -1;
  }

  private dropType(type: string): void {
    let reason = this.typeReasons.get(type);
    if (reason === undefined) {
      const named = /^[A-Za-z0-9_.-]{1,40}$/.test(type) && this.typeReasons.size < MAX_TYPE_REASONS;
      reason = `not a flow record (event_type ${named ? type : 'other'})`;
      if (named) this.typeReasons.set(type, reason);
    }
    this.skips.drop(reason);
  }

  /**
   * A flow or netflow line read by FastRecord: true when it was taken (every value checked), false to leave it to
   * JSON.parse and the checks of `record`, which report what is wrong.
   */
  private fastRecord(buf: Buffer, s: number, e: number, kind: Kind, lineNo: number): boolean {
    const f = this.fast;
    if (!f.scan(buf, s, e, kind)) return false;
    const { interner } = this.collector;
    const orig = interner.intern(buf, f.srcS, f.srcE);
    if (orig < 0 || (interner.ipv4(orig) < 0 && this.collector.canonicalOf(orig) === null)) return false;
    const resp = interner.intern(buf, f.destS, f.destE);
    if (resp < 0 || (interner.ipv4(resp) < 0 && this.collector.canonicalOf(resp) === null)) return false;
    const startUs = eveTimeBytes(buf, f.startS, f.startE);
    const day = dayOfEpochSeconds(startUs / 1e6);
    if (!(day >= FIRST_DAY && day < END_DAY)) return false;
    const durationUs = eveTimeBytes(buf, f.endS, f.endE) - startUs;
    if (!(durationUs >= 0 && durationUs <= MAX_DURATION_US)) return false;
    this.take(kind, f.flowId, startUs, orig, resp, durationUs, f.packets, f.bytes, lineNo);
    return true;
  }

  /** A line read with JSON.parse: a flow or netflow record, another event (dropped), or malformed. */
  private parsed(text: string, lineNo: number): void {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.bad('bad JSON', `not a JSON object: '${text.slice(0, 60)}'`, lineNo);
      return;
    }
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      this.bad('bad JSON', 'not a JSON object', lineNo);
      return;
    }
    const type = rec.event_type;
    if (typeof type !== 'string') {
      this.bad(
        'bad event_type',
        type === undefined ? 'missing event_type' : `event_type is not a string: ${show(type)}`,
        lineNo,
        'event_type',
      );
      return;
    }
    if (type === 'flow') this.record(rec, FLOW, lineNo);
    else if (type === 'netflow') this.record(rec, NETFLOW, lineNo);
    else this.dropType(type);
  }

  /** Checks a parsed flow or netflow record, reporting the first value that is wrong, and takes it. */
  private record(rec: Record<string, unknown>, kind: Kind, lineNo: number): void {
    const name = kind === FLOW ? 'flow' : 'netflow';
    const orig = this.address(rec.src_ip, 'src_ip', lineNo);
    if (orig < 0) return;
    const resp = this.address(rec.dest_ip, 'dest_ip', lineNo);
    if (resp < 0) return;
    for (const field of ['src_port', 'dest_port'] as const) {
      const port = rec[field];
      if (port !== undefined && port !== null && !isJsonPort(port)) {
        this.bad(BAD_PORT, `not a port (0 to 65535): ${show(port)}`, lineNo, field);
        return;
      }
    }
    const id = rec.flow_id;
    if (id !== undefined && id !== null && !(Number.isSafeInteger(id) && (id as number) >= 0)) {
      this.bad('bad flow_id', `not a whole number 0 to 2^53 − 1: ${show(id)}`, lineNo, 'flow_id');
      return;
    }
    const body = rec[name];
    const o = (body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<
      string,
      unknown
    >;
    const startUs = eveTimeMicros(o.start);
    const day = dayOfEpochSeconds(startUs / 1e6);
    if (!(day >= FIRST_DAY && day < END_DAY)) {
      this.bad(
        'bad ts',
        Number.isNaN(startUs)
          ? `${o.start === undefined ? 'missing' : `unreadable time ${show(o.start)}`} (an ISO 8601 time like 2024-01-02T03:04:05.678901+0000)`
          : `time ${show(o.start)} is not from 1970-01-01 to 2099-12-31 (UTC)`,
        lineNo,
        `${name}.start`,
      );
      return;
    }
    const endUs = eveTimeMicros(o.end);
    const durationUs = endUs - startUs;
    if (!(durationUs >= 0 && durationUs <= MAX_DURATION_US)) {
      this.bad(
        BAD_DURATION,
        Number.isNaN(endUs)
          ? `${o.end === undefined ? 'missing' : `unreadable time ${show(o.end)}`} (an ISO 8601 time like 2024-01-02T03:04:05.678901+0000)`
          : durationUs < 0
            ? `end ${show(o.end)} is before start ${show(o.start)}`
            : `end ${show(o.end)} is more than 2^53 µs after start ${show(o.start)}`,
        lineNo,
        `${name}.end`,
      );
      return;
    }
    const pktsField = kind === FLOW ? 'pkts_toserver' : 'pkts';
    const bytesField = kind === FLOW ? 'bytes_toserver' : 'bytes';
    const packets = this.count(o[pktsField], `${name}.${pktsField}`, lineNo);
    if (packets < 0) return;
    const bytes = this.count(o[bytesField], `${name}.${bytesField}`, lineNo);
    if (bytes < 0) return;
    const flowId = typeof id === 'number' ? id : NO_ID;
    this.take(kind, flowId, startUs, orig, resp, durationUs, packets, bytes, lineNo);
  }

  /** The interned id of an address field, or -1 after reporting a value that is no IP address. */
  private address(value: unknown, field: string, lineNo: number): number {
    if (typeof value !== 'string' || value === '') {
      const what =
        value === undefined || value === null
          ? 'missing'
          : value === ''
            ? 'empty'
            : `not a string: ${show(value)}`;
      this.bad('bad address', `${field} ${what}`, lineNo, field);
      return -1;
    }
    const { interner } = this.collector;
    const id = interner.internString(value);
    // (A dotted quad the interner took is canonical: canonicalOf would only make its text again.)
    if (id < 0 || (interner.ipv4(id) < 0 && this.collector.canonicalOf(id) === null)) {
      this.bad('bad address', `not an IP address: '${value.slice(0, 60)}'`, lineNo, field);
      return -1;
    }
    return id;
  }

  /** A packet or byte count (a whole number, 0 to 2^53 − 1), or -1 after reporting it. */
  private count(value: unknown, field: string, lineNo: number): number {
    const v = value === undefined || value === null ? -1 : jsonCount(value);
    if (v < 0) {
      this.bad(
        BAD_COUNT,
        value === undefined || value === null
          ? `missing ${field}`
          : countProblem(typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))),
        lineNo,
        field,
      );
    }
    return v;
  }

  /** A checked record: counted now, held (a netflow record that may yet be claimed), or dropped as claimed. */
  private take(
    kind: Kind,
    id: number,
    startUs: number,
    orig: number,
    resp: number,
    durationUs: number,
    packets: number,
    bytes: number,
    lineNo: number,
  ): void {
    if (id !== NO_ID) {
      if (kind === FLOW) {
        this.claim(id, startUs, lineNo);
      } else {
        if (this.claimed(id, startUs, lineNo)) {
          this.skips.drop(DUPLICATE_NETFLOW);
          return;
        }
        this.hold({ id, line: lineNo, startUs, orig, resp, durationUs, packets, bytes, next: null });
        return;
      }
    }
    this.count1(kind, startUs, orig, resp, durationUs, packets, bytes, lineNo);
  }

  /** Remembers a flow record's flow_id (and drops the netflow records of it that wait). */
  private claim(id: number, startUs: number, lineNo: number): void {
    if (this.pending.size > 0) {
      const waiting = this.pending.get(id);
      if (waiting !== undefined && waiting.startUs === startUs) {
        this.pending.delete(id);
        for (let p: Pending | null = waiting; p !== null; p = p.next) this.skips.drop(DUPLICATE_NETFLOW);
      }
    }
    const slot = this.claims & (FLOW_ID_WINDOW - 1);
    if (this.claims >= FLOW_ID_WINDOW) this.unindex(slot);
    this.claimId[slot] = id;
    this.index(slot);
    this.claimStart[slot] = startUs;
    this.claimLine[slot] = lineNo;
    this.claims++;
  }

  /** Whether a flow record of the last FLOW_ID_WINDOW lines has this flow_id and start. */
  private claimed(id: number, startUs: number, lineNo: number): boolean {
    const table = this.claimTable;
    for (let at = claimHash(id); ; at = (at + 1) & (CLAIM_CELLS - 1)) {
      const cell = table[at]!;
      if (cell === 0) return false;
      const slot = cell - 1;
      if (this.claimId[slot] === id)
        return this.claimLine[slot]! > lineNo - FLOW_ID_WINDOW && this.claimStart[slot] === startUs;
    }
  }

  /** Puts the claim in ring slot `slot` in the table (in the place of an older claim of its flow_id). */
  private index(slot: number): void {
    const table = this.claimTable;
    const id = this.claimId[slot]!;
    let at = claimHash(id);
    while (table[at] !== 0 && this.claimId[table[at]! - 1] !== id) at = (at + 1) & (CLAIM_CELLS - 1);
    table[at] = slot + 1;
  }

  /** Takes the claim in ring slot `slot` out of the table, if it is the one there for its flow_id. */
  private unindex(slot: number): void {
    const table = this.claimTable;
    const mask = CLAIM_CELLS - 1;
    let i = claimHash(this.claimId[slot]!);
    while (table[i] !== 0 && table[i] !== slot + 1) i = (i + 1) & mask;
    if (table[i] === 0) return;
    // Backward-shift deletion: move up each later cell of the run whose home is not in (i, j].
    table[i] = 0;
    for (let j = (i + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = claimHash(this.claimId[table[j]! - 1]!);
      if (((j - home) & mask) >= ((j - i) & mask)) {
        table[i] = table[j]!;
        table[j] = 0;
        i = j;
      }
    }
  }

  private hold(p: Pending): void {
    const first = this.pending.get(p.id);
    if (first !== undefined && first.startUs === p.startUs) {
      let last = first;
      while (last.next !== null) last = last.next;
      last.next = p;
      return;
    }
    // Another connection's records under this id (flow_id is partly a hash) are counted now, not lost.
    if (first !== undefined) this.countPending(first);
    this.pending.set(p.id, p);
    this.queue.push(p);
  }

  /** Ends the wait of the netflow records held FLOW_ID_WINDOW or more lines before `lineNo`: they count. */
  private expire(lineNo: number): void {
    const limit = lineNo - FLOW_ID_WINDOW;
    const q = this.queue;
    let h = this.qHead;
    while (h < q.length && q[h]!.line <= limit) {
      const p = q[h]!;
      if (this.pending.get(p.id) === p) {
        this.pending.delete(p.id);
        this.countPending(p);
      }
      h++;
    }
    if (h === q.length) {
      this.queue = [];
      h = 0;
    } else if (h > 4096 && h * 2 > q.length) {
      this.queue = q.slice(h);
      h = 0;
    }
    this.qHead = h;
  }

  private countPending(first: Pending): void {
    for (let p: Pending | null = first; p !== null; p = p.next)
      this.count1(NETFLOW, p.startUs, p.orig, p.resp, p.durationUs, p.packets, p.bytes, p.line);
  }

  private count1(
    kind: Kind,
    startUs: number,
    orig: number,
    resp: number,
    durationUs: number,
    packets: number,
    bytes: number,
    lineNo: number,
  ): void {
    this.collector.fields = kind === FLOW ? FLOW_FIELDS : NETFLOW_FIELDS;
    this.collector.flowIds(startUs / 1e6, orig, resp, durationUs, packets, bytes, lineNo);
  }

  private bad(reason: string, message: string, lineNo: number, field?: string): void {
    this.skips.malformedRecord(reason, message, this.file, lineNo, field);
  }
}

/** Cells of the claim table: four per claim the window holds, so probe runs stay short. */
const CLAIM_BITS = 18;
const CLAIM_CELLS = 1 << CLAIM_BITS;

/** Home cell of a flow_id (a whole number below 2^53) in the claim table. */
function claimHash(id: number): number {
  const lo = id >>> 0;
  const hi = (id - lo) / 4294967296;
  return Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b) >>> (32 - CLAIM_BITS);
}

// ---------------------------------------------------------------------------------------------------------------
// The byte scan of a flow or netflow line.

const K_SRC_IP = Buffer.from('src_ip');
const K_DEST_IP = Buffer.from('dest_ip');
const K_SRC_PORT = Buffer.from('src_port');
const K_DEST_PORT = Buffer.from('dest_port');
const K_FLOW_ID = Buffer.from('flow_id');
const K_EVENT_TYPE = Buffer.from('event_type');
const K_FLOW = Buffer.from('flow');
const K_NETFLOW = Buffer.from('netflow');
const K_START = Buffer.from('start');
const K_END = Buffer.from('end');
const K_PKTS_TOSERVER = Buffer.from('pkts_toserver');
const K_BYTES_TOSERVER = Buffer.from('bytes_toserver');
const K_PKTS = Buffer.from('pkts');
const K_BYTES = Buffer.from('bytes');
/** Nesting a line may have before the scan leaves it to JSON.parse. */
const MAX_DEPTH = 32;
/** Digits of a whole number the scan reads (2^53 has 16); it must then be at most 2^53 − 1. */
const MAX_FAST_DIGITS = 16;

/**
 * Reads a flow or netflow line as JSON bytes: checks the whole line is one JSON object (strings, escapes, numbers,
 * literals, nesting: JSON's grammar) and finds the values the reader needs, in the forms Suricata writes them
 * (addresses and times as strings without escapes, ports, counts and flow_id as plain whole numbers, each key once).
 * `scan` says false for anything else, which is then JSON.parse's to judge: the scan never takes a line JSON.parse
 * would read differently.
 */
class FastRecord {
  srcS = 0;
  srcE = 0;
  destS = 0;
  destE = 0;
  startS = 0;
  startE = 0;
  endS = 0;
  endE = 0;
  packets = 0;
  bytes = 0;
  flowId = NO_ID;
  /** What was seen, a bit each (SEEN_*), so a repeated key is left to JSON.parse (which takes the last). */
  private seen = 0;
  /** Whether the last string scanned held an escape. */
  private escaped = false;
  /** The value of the last number scanned, or -1 when it is not a plain whole number below 2^53. */
  private whole = -1;

  scan(buf: Buffer, s: number, e: number, kind: Kind): boolean {
    this.seen = 0;
    this.flowId = NO_ID;
    let i = ws(buf, s, e);
    if (buf[i] !== 123) return false;
    i = ws(buf, i + 1, e);
    if (buf[i] === 125) return false;
    for (;;) {
      if (buf[i] !== 34) return false;
      const ks = i + 1;
      i = this.string(buf, i, e);
      if (i < 0 || this.escaped) return false;
      const ke = i - 1;
      i = ws(buf, i, e);
      if (buf[i] !== 58) return false;
      i = ws(buf, i + 1, e);
      const n = ke - ks;
      if (n === 6 && same(buf, ks, K_SRC_IP)) {
        if (!this.mark(SEEN_SRC) || buf[i] !== 34) return false;
        this.srcS = i + 1;
        i = this.string(buf, i, e);
        if (i < 0 || this.escaped) return false;
        this.srcE = i - 1;
      } else if (n === 7 && same(buf, ks, K_DEST_IP)) {
        if (!this.mark(SEEN_DEST) || buf[i] !== 34) return false;
        this.destS = i + 1;
        i = this.string(buf, i, e);
        if (i < 0 || this.escaped) return false;
        this.destE = i - 1;
      } else if ((n === 8 && same(buf, ks, K_SRC_PORT)) || (n === 9 && same(buf, ks, K_DEST_PORT))) {
        if (!this.mark(n === 8 ? SEEN_SPORT : SEEN_DPORT)) return false;
        i = this.number(buf, i, e);
        if (i < 0 || this.whole < 0 || this.whole > MAX_PORT) return false;
      } else if (n === 10 && same(buf, ks, K_EVENT_TYPE)) {
        // The type was read from the first event_type; a second one is JSON.parse's (it takes the last).
        if (!this.mark(SEEN_TYPE)) return false;
        i = this.value(buf, i, e, 1);
      } else if (n === 7 && same(buf, ks, K_FLOW_ID)) {
        if (!this.mark(SEEN_ID)) return false;
        i = this.number(buf, i, e);
        if (i < 0 || this.whole < 0) return false;
        this.flowId = this.whole;
      } else if (
        (kind === FLOW && n === 4 && same(buf, ks, K_FLOW)) ||
        (kind === NETFLOW && n === 7 && same(buf, ks, K_NETFLOW))
      ) {
        if (!this.mark(SEEN_BODY) || buf[i] !== 123) return false;
        i = this.body(buf, i, e, kind);
      } else i = this.value(buf, i, e, 1);
      if (i < 0) return false;
      i = ws(buf, i, e);
      if (buf[i] === 44) {
        i = ws(buf, i + 1, e);
        continue;
      }
      if (buf[i] !== 125) return false;
      i = ws(buf, i + 1, e);
      return i === e && (this.seen & SEEN_NEEDED) === SEEN_NEEDED;
    }
  }

  private mark(bit: number): boolean {
    if (this.seen & bit) return false;
    this.seen |= bit;
    return true;
  }

  /** The `flow` or `netflow` object: start, end and the two counts; other keys are skipped. */
  private body(buf: Buffer, i: number, e: number, kind: Kind): number {
    i = ws(buf, i + 1, e);
    if (buf[i] === 125) return i + 1;
    const pkts = kind === FLOW ? K_PKTS_TOSERVER : K_PKTS;
    const bytes = kind === FLOW ? K_BYTES_TOSERVER : K_BYTES;
    for (;;) {
      if (buf[i] !== 34) return -1;
      const ks = i + 1;
      i = this.string(buf, i, e);
      if (i < 0 || this.escaped) return -1;
      const ke = i - 1;
      i = ws(buf, i, e);
      if (buf[i] !== 58) return -1;
      i = ws(buf, i + 1, e);
      const n = ke - ks;
      if ((n === 5 && same(buf, ks, K_START)) || (n === 3 && same(buf, ks, K_END))) {
        const start = n === 5;
        if (!this.mark(start ? SEEN_START : SEEN_END) || buf[i] !== 34) return -1;
        const vs = i + 1;
        i = this.string(buf, i, e);
        if (i < 0 || this.escaped) return -1;
        if (start) {
          this.startS = vs;
          this.startE = i - 1;
        } else {
          this.endS = vs;
          this.endE = i - 1;
        }
      } else if ((n === pkts.length && same(buf, ks, pkts)) || (n === bytes.length && same(buf, ks, bytes))) {
        const isPkts = n === pkts.length && same(buf, ks, pkts);
        if (!this.mark(isPkts ? SEEN_PKTS : SEEN_BYTES)) return -1;
        i = this.number(buf, i, e);
        if (i < 0 || this.whole < 0) return -1;
        if (isPkts) this.packets = this.whole;
        else this.bytes = this.whole;
      } else i = this.value(buf, i, e, 2);
      if (i < 0) return -1;
      i = ws(buf, i, e);
      if (buf[i] === 44) {
        i = ws(buf, i + 1, e);
        continue;
      }
      return buf[i] === 125 ? i + 1 : -1;
    }
  }

  /** Skips any JSON value at i; its end, or -1. */
  private value(buf: Buffer, i: number, e: number, depth: number): number {
    const c = buf[i];
    if (c === 34) return this.string(buf, i, e);
    if (c === 123 || c === 91) {
      if (depth >= MAX_DEPTH) return -1;
      const close = c === 123 ? 125 : 93;
      i = ws(buf, i + 1, e);
      if (buf[i] === close) return i + 1;
      for (;;) {
        if (c === 123) {
          if (buf[i] !== 34) return -1;
          i = this.string(buf, i, e);
          if (i < 0) return -1;
          i = ws(buf, i, e);
          if (buf[i] !== 58) return -1;
          i = ws(buf, i + 1, e);
        }
        i = this.value(buf, i, e, depth + 1);
        if (i < 0) return -1;
        i = ws(buf, i, e);
        if (buf[i] === 44) {
          i = ws(buf, i + 1, e);
          continue;
        }
        return buf[i] === close ? i + 1 : -1;
      }
    }
    if (c === 116) return literal(buf, i, e, LIT_TRUE);
    if (c === 102) return literal(buf, i, e, LIT_FALSE);
    if (c === 110) return literal(buf, i, e, LIT_NULL);
    return this.number(buf, i, e);
  }

  /** The end of the JSON string at i (after its closing quote), or -1; `escaped` says whether it held an escape. */
  private string(buf: Buffer, i: number, e: number): number {
    this.escaped = false;
    i++;
    while (i < e) {
      const c = buf[i]!;
      if (c === 34) return i + 1;
      if (c === 92) {
        this.escaped = true;
        const x = buf[i + 1];
        if (x === 117) {
          if (i + 6 > e) return -1;
          for (let k = i + 2; k < i + 6; k++) if (!isHex(buf[k]!)) return -1;
          i += 6;
        } else if (
          x === 34 ||
          x === 92 ||
          x === 47 ||
          x === 98 ||
          x === 102 ||
          x === 110 ||
          x === 114 ||
          x === 116
        )
          i += 2;
        else return -1;
      } else if (c < 32) return -1;
      else i++;
    }
    return -1;
  }

  /** The end of the JSON number at i, or -1; `whole` is its value when it is digits only, below 2^53, else -1. */
  private number(buf: Buffer, i: number, e: number): number {
    const s = i;
    let plain = true;
    if (buf[i] === 45) {
      plain = false;
      i++;
    }
    if (buf[i] === 48) i++;
    else if (isDigit(buf[i])) while (i < e && isDigit(buf[i])) i++;
    else return -1;
    const intEnd = i;
    if (buf[i] === 46) {
      plain = false;
      i++;
      if (!isDigit(buf[i])) return -1;
      while (i < e && isDigit(buf[i])) i++;
    }
    if (buf[i] === 101 || buf[i] === 69) {
      plain = false;
      i++;
      if (buf[i] === 43 || buf[i] === 45) i++;
      if (!isDigit(buf[i])) return -1;
      while (i < e && isDigit(buf[i])) i++;
    }
    this.whole = -1;
    if (plain && intEnd - s <= MAX_FAST_DIGITS) {
      // Exact while the value is below 2^53; a larger one rounds to 2^53 or more, and is refused.
      let v = 0;
      for (let k = s; k < intEnd; k++) v = v * 10 + (buf[k]! - 48);
      if (v <= Number.MAX_SAFE_INTEGER) this.whole = v;
    }
    return i;
  }
}

const SEEN_SRC = 1;
const SEEN_DEST = 2;
const SEEN_SPORT = 4;
const SEEN_DPORT = 8;
const SEEN_ID = 16;
const SEEN_BODY = 32;
const SEEN_START = 64;
const SEEN_END = 128;
const SEEN_PKTS = 256;
const SEEN_BYTES = 512;
const SEEN_TYPE = 1024;
const SEEN_NEEDED = SEEN_SRC | SEEN_DEST | SEEN_BODY | SEEN_START | SEEN_END | SEEN_PKTS | SEEN_BYTES;
const LIT_TRUE = Buffer.from('true');
const LIT_FALSE = Buffer.from('false');
const LIT_NULL = Buffer.from('null');

function ws(buf: Buffer, i: number, e: number): number {
  while (i < e) {
    const c = buf[i];
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
    i++;
  }
  return i;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function literal(buf: Buffer, i: number, e: number, word: Buffer): number {
  if (i + word.length > e) return -1;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word[k]) return -1;
  return i + word.length;
}

/** Whether the bytes at `at` are `word` (the caller checked the length). */
function same(buf: Buffer, at: number, word: Buffer): boolean {
  for (let k = 0; k < word.length; k++) if (buf[at + k] !== word[k]) return false;
  return true;
}

/** FLOW or NETFLOW for the event type bytes [v, q), 0 for any other type. */
function eventKind(buf: Buffer, v: number, q: number): Kind | 0 {
  const n = q - v;
  if (n === 4 && same(buf, v, K_FLOW)) return FLOW;
  if (n === 7 && same(buf, v, K_NETFLOW)) return NETFLOW;
  return 0;
}

function hasByte(buf: Buffer, from: number, to: number, byte: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] === byte) return true;
  return false;
}

function show(value: unknown): string {
  return (JSON.stringify(value) ?? String(value)).slice(0, 60);
}

// ---------------------------------------------------------------------------------------------------------------
// Times.

/** The value of `len` decimal digits of `b` from `at`, or -1. */
function digits(b: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const c = b[i]! - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    v = v * 10 + c;
  }
  return v;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch microseconds of a time as Suricata writes it (CreateIsoTimeString: `2017-08-14T12:34:56.123456+0200`, local
 * time and its UTC offset), or NaN when the value is no such time. Also read: a fraction of 0 to 9 digits (cut to
 * whole µs), an offset `+hh:mm` or `Z`, or none (UTC). A date or time that does not exist (Feb 30, 24:00) is NaN.
 */
export function eveTimeMicros(value: unknown): number {
  if (typeof value !== 'string') return Number.NaN;
  // As UTF-8, a character other than ASCII is bytes of 0x80 and above: never a digit or a separator.
  const b = Buffer.from(value, 'utf8');
  return eveTimeBytes(b, 0, b.length);
}

/** eveTimeMicros of the bytes [s, n) of `b`. */
function eveTimeBytes(b: Uint8Array, s: number, n: number): number {
  if (
    n - s < 19 ||
    b[s + 4] !== 45 ||
    b[s + 7] !== 45 ||
    b[s + 10] !== 84 ||
    b[s + 13] !== 58 ||
    b[s + 16] !== 58
  )
    return Number.NaN;
  const y = digits(b, s, 4);
  const mo = digits(b, s + 5, 2);
  const d = digits(b, s + 8, 2);
  const h = digits(b, s + 11, 2);
  const mi = digits(b, s + 14, 2);
  const sec = digits(b, s + 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return Number.NaN;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > DAYS_IN_MONTH[mo - 1]! + (mo === 2 && leap ? 1 : 0)) return Number.NaN;
  let i = s + 19;
  let micros = 0;
  if (i < n && b[i] === 46) {
    const f0 = ++i;
    while (i < n && b[i]! >= 48 && b[i]! <= 57) i++;
    const k = i - f0;
    if (k === 0 || k > 9) return Number.NaN;
    const kept = Math.min(k, 6);
    micros = digits(b, f0, kept) * 10 ** (6 - kept);
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = b[i];
    if (c === 90 && i + 1 === n) {
      // Z
    } else if (c === 43 || c === 45) {
      const rest = n - i - 1;
      let oh: number;
      let om: number;
      if (rest === 4) {
        oh = digits(b, i + 1, 2);
        om = digits(b, i + 3, 2);
      } else if (rest === 5 && b[i + 3] === 58) {
        oh = digits(b, i + 1, 2);
        om = digits(b, i + 4, 2);
      } else return Number.NaN;
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
      offsetMinutes = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else return Number.NaN;
  }
  const seconds = daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec - offsetMinutes * 60;
  return seconds * 1e6 + micros;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
