import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DayTable, dayTableFileName, emptyDayTable, totalFlows } from '../days/day-table.js';
import { dayTableToGzip, parseDayTableCsv } from '../days/day-table-csv.js';
import { secondsToMicros } from '../days/day-table-domain.js';
import type { DayEntry } from '../days/manifest.js';
import { SENSORS_FOLDER } from '../days/sensor-dirs.js';
import { dayOfEpochSeconds, formatDay, parseDay } from '../util/dates.js';
import { canonicalIp, canonicalIpv4Bytes } from '../util/ip/index.js';
import { sha256 } from '../util/sha256.js';
import { COLUMN_NAMES, DayAggregator, OK } from './day-aggregator.js';
import { type Honeypot, type HoneypotList, isOperating } from './honeypots.js';
import { IpInterner } from './ip-interner.js';
import type { LoginDays } from './login-filter.js';
import { END_DAY, FIRST_DAY, type RecordFields, sumTooLarge, ZEEK_RECORD_FIELDS } from './record-domains.js';
import { type PartSensor, UNKNOWN_SENSOR } from './sensor-tables.js';
import type { SkipCounter } from './skips.js';

export const DROP_REASONS = {
  notToHoneypot: 'responder is not a listed honeypot',
  fromHoneypot: 'originated by a honeypot',
  honeypotInactive: 'honeypot outside its operation dates',
  outsideRange: 'outside --from/--to',
} as const;

export interface AttackTableBuilderOptions {
  honeypots: HoneypotList | null;
  /** Day numbers; records outside are dropped and counted. */
  from: number | undefined;
  to: number | undefined;
  skips: SkipCounter;
  /** Where finished day tables wait until the whole ingest succeeds. */
  tmpDir: string;
  /**
   * Also keep a day table per sensor (`ingest --per-sensor`): the honeypot a flow went to (by its listed address), or
   * the sensor an event names (Cowrie). @default false
   */
  perSensor?: boolean;
}

/**
 * Turns records into day tables under AIP's attack rule (a flow counts only when its responder is a listed honeypot
 * operating that day and its originator is not a honeypot) and keeps the books: which days the input covers, what
 * was dropped and why. Days can be flushed to disk once no later input can touch them, so memory follows the
 * distinct IPs of the open days rather than the flows.
 */
export class AttackTableBuilder {
  /** What responderHoneypot returns for a text the interner refuses (not an address). */
  static readonly NOT_AN_ADDRESS = -2;
  readonly covered = new Set<number>();
  readonly interner = new IpInterner();
  records = 0;
  /** Days already written that received more records (out-of-order input) and were merged back in. */
  reopened = 0;
  /** Display name of the file being read, for located messages. */
  file = '';
  /** The format's field names, for located messages (Argus: StartTime, SrcAddr, ...). */
  fields: RecordFields = ZEEK_RECORD_FIELDS;
  /**
   * Cowrie `--attack login-success`: per day, the IPs that logged in, set by the reader (login-filter.ts). The rule is
   * applied once the whole ingest is read, so this part keeps every IP's rows and reports these with them.
   */
  loggedIn: LoginDays | undefined;
  private readonly open = new Map<number, DayAggregator>();
  /** Aggregators of flushed days, reused for the next days. */
  private readonly spare: DayAggregator[] = [];
  private readonly flushed = new Map<number, DayEntry>();
  private readonly honeypotByIp: Map<string, Honeypot[]>;
  /** Per IP id: index into `periods` if it is a honeypot, -1 if not, -2 not looked up yet. */
  private honeypotOf = new Int32Array(1024).fill(-2);
  private readonly periods: Honeypot[][] = [];
  /** Canonical text by IP id, null for text that is no address; filled lazily, for ids that are no dotted quad. */
  private readonly canonical = new Map<number, string | null>();
  private curDay = Number.NaN;
  private cur: DayAggregator | null = null;
  private lastCovered = Number.NaN;

  // --per-sensor. A sensor's aggregator of a day keys its rows by the row of the IP in the day's aggregator (dense and
  // small, where IP ids index the whole interner), and exists only once the sensor has a record that day.
  private readonly perSensor: boolean;
  /** Sensor ids by sensor index. */
  private readonly sensorIds: string[] = [];
  private readonly sensorIndex = new Map<string, number>();
  /** Per honeypot index (as `periods`): its sensor index, once looked up. */
  private readonly sensorOfHp: number[] = [];
  /** Per open day: its sensors' aggregators by sensor index. */
  private readonly openSensors = new Map<number, (DayAggregator | undefined)[]>();
  private curSensors: (DayAggregator | undefined)[] | null = null;
  private readonly spareSensors: DayAggregator[] = [];
  /** Per flushed day: its sensors' table entries by sensor index (files relative to tmpDir). */
  private readonly flushedSensors = new Map<number, Map<number, DayEntry>>();
  /** Records counted under UNKNOWN_SENSOR since the reader last took the count (takeNoSensor). */
  private noSensor = 0;

  /** Responder lookup from bytes: open addressing over (length, last four bytes); slot = honeypot index + 1. */
  private readonly hpSlots: Int32Array;
  /** Bits of a slot number in hpSlots and hpV4 (at least twice as many slots as honeypots). */
  private readonly hpBits: number;
  private readonly hpBytes: Buffer[] = [];
  /** Honeypots with an IPv4 address by that address: open addressing, 2 ints a slot (address, index + 1). */
  private readonly hpV4: Int32Array;

  constructor(private readonly options: AttackTableBuilderOptions) {
    this.perSensor = options.perSensor === true;
    this.honeypotByIp = options.honeypots?.byIp ?? new Map();
    this.hpBits = Math.max(12, Math.ceil(Math.log2(2 * this.honeypotByIp.size + 1)));
    const slots = 1 << this.hpBits;
    this.hpSlots = new Int32Array(slots);
    this.hpV4 = new Int32Array(2 * slots);
    for (const [ip, periods] of this.honeypotByIp) {
      const bytes = Buffer.from(ip, 'latin1');
      let slot = tailHash(bytes, 0, bytes.length, this.hpBits);
      while (this.hpSlots[slot] !== 0) slot = (slot + 1) & (slots - 1);
      this.hpSlots[slot] = this.periods.length + 1;
      this.hpBytes.push(bytes);
      const v4 = canonicalIpv4Bytes(bytes, 0, bytes.length);
      if (v4 >= 0) {
        let at = v4Slot(v4, this.hpBits);
        while (this.hpV4[at + 1] !== 0) at = (at + 2) & (2 * slots - 1);
        this.hpV4[at] = v4;
        this.hpV4[at + 1] = this.periods.length + 1;
      }
      this.periods.push(periods);
    }
  }

  /**
   * The honeypot index of a responder given as the value of its canonical dotted quad (see canonicalIpv4Bytes), or
   * -1: the same answer responderHoneypot gives for its text.
   */
  honeypotOfIpv4(v4: number): number {
    const key = v4 | 0;
    const table = this.hpV4;
    let at = v4Slot(v4, this.hpBits);
    for (;;) {
      const k = table[at + 1]!;
      if (k === 0) return -1;
      if (table[at] === key) return k - 1;
      at = (at + 2) & (table.length - 1);
    }
  }

  /**
   * The honeypot index of a responder address given as bytes (the Zeek TSV hot path), -1 when it is no listed
   * honeypot, or NOT_AN_ADDRESS when the interner refuses the text (an IPv6 zone id: a bad address to report). A miss
   * on IPv6 text falls back to the interner, which also knows non-canonical spellings.
   */
  responderHoneypot(buf: Buffer, start: number, end: number): number {
    const mask = this.hpSlots.length - 1;
    let slot = tailHash(buf, start, end, this.hpBits);
    const len = end - start;
    for (;;) {
      const k = this.hpSlots[slot]! - 1;
      if (k < 0) break;
      const bytes = this.hpBytes[k]!;
      if (bytes.length === len) {
        let i = 0;
        while (i < len && bytes[i] === buf[start + i]) i++;
        if (i === len) return k;
      }
      slot = (slot + 1) & mask;
    }
    let colon = start;
    while (colon < end && buf[colon] !== 58) colon++;
    if (colon === end) return -1;
    const id = this.interner.intern(buf, start, end);
    return id < 0 ? AttackTableBuilder.NOT_AN_ADDRESS : this.honeypotIndex(id);
  }

  /** Marks a day as covered by the input (e.g. a Zeek day folder), even if it brings no attack. */
  cover(day: number): void {
    if (this.inRange(day)) this.covered.add(day);
  }

  inRange(day: number): boolean {
    const { from, to } = this.options;
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  }

  /**
   * One network flow given as address texts (Zeek JSON, Argus). Values must be in their domains (the reader checks):
   * `durationUs` whole microseconds up to 2^53, `packets` and `bytes` whole numbers up to 2^53 − 1.
   */
  flow(
    ts: number,
    orig: string,
    resp: string,
    durationUs: number,
    packets: number,
    bytes: number,
    line: number,
  ): void {
    const o = this.interner.internString(orig);
    const r = this.interner.internString(resp);
    if (o < 0 || r < 0) {
      this.records++;
      this.options.skips.malformedRecord(
        'bad address',
        `not an IP address: '${(o < 0 ? orig : resp).slice(0, 60)}'`,
        this.file,
        line,
        o < 0 ? this.fields.orig : this.fields.resp,
      );
      return;
    }
    this.flowIds(ts, o, r, durationUs, packets, bytes, line);
  }

  /**
   * One network flow given as interned ids (the Zeek TSV hot path): applies AIP's attack rule, then sums the flow
   * into its day.
   */
  flowIds(
    ts: number,
    orig: number,
    resp: number,
    durationUs: number,
    packets: number,
    bytes: number,
    line: number,
  ): void {
    this.flowToHoneypot(ts, orig, this.honeypotIndex(resp), durationUs, packets, bytes, line);
  }

  /**
   * The attack rule and the sum, for a flow whose responder is already resolved to a honeypot index (or -1). A time
   * outside 1970-01-01 .. 2099-12-31 is a 'bad ts' skip here, for every reader: whatever a reader takes for a time
   * becomes a day only through this check.
   */
  flowToHoneypot(
    ts: number,
    orig: number,
    hp: number,
    durationUs: number,
    packets: number,
    bytes: number,
    line: number,
  ): void {
    this.records++;
    const day = dayOfEpochSeconds(ts);
    // A day other than the last one covered is checked (the last one was; NaN is never it).
    if (day !== this.lastCovered) {
      if (!(day >= FIRST_DAY && day < END_DAY)) {
        this.badTs(ts, line);
        return;
      }
      if (!this.inRange(day)) {
        this.options.skips.drop(DROP_REASONS.outsideRange);
        return;
      }
      this.covered.add(day);
      this.lastCovered = day;
    }
    if (this.honeypotIndex(orig) >= 0) {
      this.options.skips.drop(DROP_REASONS.fromHoneypot);
      return;
    }
    if (hp < 0) {
      this.options.skips.drop(DROP_REASONS.notToHoneypot);
      return;
    }
    if (!isOperating(this.periods[hp]!, day)) {
      this.options.skips.drop(DROP_REASONS.honeypotInactive);
      return;
    }
    this.add(day, orig, 1, durationUs, packets, bytes, line, this.perSensor ? this.sensorOfHoneypot(hp) : -1);
  }

  /**
   * Sums one record into its day with no honeypot rule (Cowrie: every event is aimed at the honeypot). The time is
   * checked as flowToHoneypot checks it. `sensor` names the sensor that logged it (Cowrie's `sensor` field), for
   * --per-sensor; a record without one counts under UNKNOWN_SENSOR (see takeNoSensor).
   */
  event(
    ts: number,
    ip: string,
    flows: number,
    durationUs: number,
    packets: number,
    bytes: number,
    line: number,
    sensor?: string,
  ): void {
    this.records++;
    const day = dayOfEpochSeconds(ts);
    if (!(day >= FIRST_DAY && day < END_DAY)) {
      this.badTs(ts, line);
      return;
    }
    if (!this.inRange(day)) {
      this.options.skips.drop(DROP_REASONS.outsideRange);
      return;
    }
    this.covered.add(day);
    const id = this.interner.internString(ip);
    if (id < 0) {
      this.options.skips.malformedRecord(
        'bad address',
        `not an IP address: '${ip.slice(0, 60)}'`,
        this.file,
        line,
        this.fields.orig,
      );
      return;
    }
    this.add(
      day,
      id,
      flows,
      durationUs,
      packets,
      bytes,
      line,
      this.perSensor ? this.namedSensor(sensor) : -1,
    );
  }

  /** The sensor index of a honeypot index: the sensor is the honeypot's listed (canonical) address. */
  private sensorOfHoneypot(hp: number): number {
    const s = this.sensorOfHp[hp];
    if (s !== undefined) return s;
    const sensor = this.sensorNumber(this.periods[hp]![0]!.ip);
    this.sensorOfHp[hp] = sensor;
    return sensor;
  }

  /** The sensor index of an event's sensor name; none counts as UNKNOWN_SENSOR. */
  private namedSensor(sensor: string | undefined): number {
    if (sensor === undefined) {
      this.noSensor++;
      return this.sensorNumber(UNKNOWN_SENSOR);
    }
    return this.sensorNumber(sensor);
  }

  private sensorNumber(id: string): number {
    let s = this.sensorIndex.get(id);
    if (s === undefined) {
      s = this.sensorIds.length;
      this.sensorIds.push(id);
      this.sensorIndex.set(id, s);
    }
    return s;
  }

  /** How many records were counted under UNKNOWN_SENSOR since the last call (the reader warns per file). */
  takeNoSensor(): number {
    const n = this.noSensor;
    this.noSensor = 0;
    return n;
  }

  private badTs(ts: number, line: number): void {
    this.options.skips.malformedRecord(
      'bad ts',
      // (Past 2^53 a time is no longer the digits it was read from: shown rounded, not as a false exact value.)
      `time ${Math.abs(ts) < 2 ** 53 ? ts : `≈${ts.toExponential(3)}`} is not from 1970-01-01 to 2099-12-31 (epoch seconds 0 to ${END_DAY * 86_400 - 1})`,
      this.file,
      line,
      this.fields.ts,
    );
  }

  /** A whole day table (AIP processed files); its IPs are already canonical. */
  table(day: number, table: DayTable): void {
    this.records += table.ip.length;
    if (!this.inRange(day)) {
      this.options.skips.drop(DROP_REASONS.outsideRange, table.ip.length);
      return;
    }
    this.covered.add(day);
    this.addTable(this.aggregator(day), table);
  }

  /**
   * Sums a day table (its IPs canonical, its values in their domains, one row per IP) into an aggregator: a fresh one
   * (an AIP table's day, or a written day read back), so no sum can pass its bound.
   */
  private addTable(agg: DayAggregator, table: DayTable): void {
    for (let i = 0; i < table.ip.length; i++) {
      const id = this.interner.internString(table.ip[i]!);
      const over = agg.add(
        id,
        table.flows[i]!,
        secondsToMicros(table.duration[i]!),
        table.packets[i]!,
        table.bytes[i]!,
      );
      if (over !== OK) throw sumTooLarge(COLUMN_NAMES[over]!, table.ip[i]!, table.date, { file: this.file });
    }
  }

  /**
   * Sums a record into the row of its originator, made on its first record of the day: a text that is no address is
   * a 'bad address' skip; another spelling of an address shares the row of its canonical text (so a sum that passes
   * its bound is found at the record that passes it). A sum past its bound is a DataError naming the record, with
   * `--on-error skip` too: the input is fine, the day table cannot hold its sum.
   */
  private add(
    day: number,
    id: number,
    flows: number,
    durationUs: number,
    packets: number,
    bytes: number,
    line: number,
    sensor: number,
  ): void {
    const agg = day === this.curDay && this.cur !== null ? this.cur : this.aggregator(day);
    let r = agg.rowOf(id);
    if (r < 0) {
      r = this.newRow(agg, id, line);
      if (r < 0) return;
    }
    const over = agg.addToRow(r, flows, durationUs, packets, bytes);
    if (over !== OK) {
      const field = [this.fields.flows, this.fields.duration, this.fields.packets, this.fields.bytes][over];
      const ip = this.canonicalOf(id) ?? this.interner.text(id);
      throw sumTooLarge(COLUMN_NAMES[over]!, ip, formatDay(day), { file: this.file, line, field });
    }
    if (sensor >= 0) this.addToSensor(day, sensor, r, flows, durationUs, packets, bytes);
  }

  /**
   * Sums a record into its sensor's table of the current day (`aggregator` made it current), keyed by its row `r` in
   * the day's table. No sum passes its bound: the day's row holds this sum and more.
   */
  private addToSensor(
    day: number,
    sensor: number,
    r: number,
    flows: number,
    durationUs: number,
    packets: number,
    bytes: number,
  ): void {
    const list = this.curSensors!;
    let agg = list[sensor];
    if (agg === undefined) {
      agg = this.spareSensors.pop() ?? new DayAggregator(day);
      agg.reset(day);
      list[sensor] = agg;
    }
    agg.add(r, flows, durationUs, packets, bytes);
  }

  /** The row of a new originator id in `agg`, or -1 after reporting a text that is no address. */
  private newRow(agg: DayAggregator, id: number, line: number): number {
    if (this.interner.ipv4(id) >= 0) return agg.newRow(id);
    const c = this.canonicalOf(id);
    if (c === null) {
      this.options.skips.malformedRecord(
        'bad address',
        `not an IP address: '${this.interner.text(id).slice(0, 60)}'`,
        this.file,
        line,
        this.fields.orig,
      );
      return -1;
    }
    if (c === this.interner.text(id)) return agg.newRow(id);
    const canonicalId = this.interner.internString(c);
    let r = agg.rowOf(canonicalId);
    if (r < 0) r = agg.newRow(canonicalId);
    agg.alias(id, r);
    return r;
  }

  /** Canonical text of an IP id, or null when it is not an address. */
  canonicalOf(id: number): string | null {
    // A canonical dotted quad is its own canonical text (made anew each time: no string is kept per address).
    if (this.interner.ipv4(id) >= 0) return this.interner.text(id);
    let c = this.canonical.get(id);
    if (c === undefined) {
      c = canonicalIp(this.interner.text(id)) ?? null;
      this.canonical.set(id, c);
    }
    return c;
  }

  private honeypotIndex(id: number): number {
    if (id >= this.honeypotOf.length) {
      let size = this.honeypotOf.length * 2;
      while (size <= id) size *= 2;
      const next = new Int32Array(size).fill(-2);
      next.set(this.honeypotOf);
      this.honeypotOf = next;
    }
    let k = this.honeypotOf[id]!;
    if (k === -2) {
      const v4 = this.interner.ipv4(id);
      if (v4 >= 0) {
        k = this.honeypotOfIpv4(v4);
        this.honeypotOf[id] = k;
        return k;
      }
      const text = this.interner.text(id);
      let periods = this.honeypotByIp.get(text);
      if (periods === undefined && this.honeypotByIp.size > 0) {
        // Zeek writes canonical text; other tools may not (upper case or zero-padded IPv6).
        const c = this.canonicalOf(id);
        if (c !== null) periods = this.honeypotByIp.get(c);
      }
      k = -1;
      if (periods !== undefined) {
        k = this.periods.length;
        this.periods.push(periods);
      }
      this.honeypotOf[id] = k;
    }
    return k;
  }

  private aggregator(day: number): DayAggregator {
    let agg = this.open.get(day);
    if (agg === undefined) {
      agg = this.spare.pop() ?? new DayAggregator(day);
      agg.reset(day);
      const done = this.flushed.get(day);
      if (done !== undefined) {
        // Out-of-order input reached a day already written: merge it back in.
        this.reopened++;
        const text = gunzipSync(readFileSync(join(this.options.tmpDir, done.file))).toString('utf8');
        this.addTable(agg, parseDayTableCsv(text, done.date, done.file).table);
        this.flushed.delete(day);
      }
      this.open.set(day, agg);
      if (this.perSensor) this.openSensors.set(day, this.reopenSensors(day, agg));
    }
    this.curDay = day;
    this.cur = agg;
    if (this.perSensor) this.curSensors = this.openSensors.get(day)!;
    return agg;
  }

  /** The sensors' aggregators of a day being opened: none, or those of its written sensor tables read back. */
  private reopenSensors(day: number, agg: DayAggregator): (DayAggregator | undefined)[] {
    const list: (DayAggregator | undefined)[] = [];
    const done = this.flushedSensors.get(day);
    if (done === undefined) return list;
    for (const [sensor, entry] of done) {
      const text = gunzipSync(readFileSync(join(this.options.tmpDir, entry.file))).toString('utf8');
      const table = parseDayTableCsv(text, entry.date, entry.file).table;
      const sagg = this.spareSensors.pop() ?? new DayAggregator(day);
      sagg.reset(day);
      for (let i = 0; i < table.ip.length; i++) {
        // Every IP of a sensor's table has a row in the day's table, read back just before.
        const r = agg.rowOf(this.interner.internString(table.ip[i]!));
        if (r < 0) throw new Error(`${entry.file}: ${table.ip[i]} is not in the day's table`);
        sagg.add(r, table.flows[i]!, secondsToMicros(table.duration[i]!), table.packets[i]!, table.bytes[i]!);
      }
      list[sensor] = sagg;
    }
    this.flushedSensors.delete(day);
    return list;
  }

  /** Writes (to the temp folder) every open day before `day`. */
  flushBefore(day: number): void {
    for (const d of [...this.open.keys()]) if (d < day) this.flushDay(d);
  }

  private flushDay(day: number): void {
    const agg = this.open.get(day);
    const date = formatDay(day);
    const table =
      agg === undefined
        ? emptyDayTable(date)
        : agg.toSortedTable(
            date,
            (id) => this.canonicalOf(id) ?? this.interner.text(id),
            (id) => this.interner.ipv4(id),
          );
    const gz = dayTableToGzip(table);
    const file = dayTableFileName(date);
    writeFileSync(join(this.options.tmpDir, file), gz);
    this.flushed.set(day, {
      date,
      file,
      rows: table.ip.length,
      flows: totalFlows(table),
      sha256: sha256(gz),
    });
    if (agg !== undefined && this.perSensor) this.flushSensors(day, agg);
    this.open.delete(day);
    if (agg !== undefined) this.spare.push(agg);
    if (this.curDay === day) {
      this.cur = null;
      this.curDay = Number.NaN;
      this.curSensors = null;
    }
  }

  /** Writes the sensors' tables of a day (`sensors/<sensor index>/` in the temp folder), before its `agg` is reused. */
  private flushSensors(day: number, agg: DayAggregator): void {
    const date = formatDay(day);
    const entries = new Map<number, DayEntry>();
    const list = this.openSensors.get(day) ?? [];
    list.forEach((sagg, sensor) => {
      if (sagg === undefined) return;
      const table = sagg.toSortedTable(
        date,
        (r) => {
          const id = agg.idAt(r);
          return this.canonicalOf(id) ?? this.interner.text(id);
        },
        (r) => this.interner.ipv4(agg.idAt(r)),
      );
      const gz = dayTableToGzip(table);
      const file = `${SENSORS_FOLDER}/${sensor}/${dayTableFileName(date)}`;
      mkdirSync(join(this.options.tmpDir, SENSORS_FOLDER, String(sensor)), { recursive: true });
      writeFileSync(join(this.options.tmpDir, file), gz);
      entries.set(sensor, {
        date,
        file,
        rows: table.ip.length,
        flows: totalFlows(table),
        sha256: sha256(gz),
      });
      this.spareSensors.push(sagg);
    });
    this.flushedSensors.set(day, entries);
    this.openSensors.delete(day);
  }

  /**
   * Flushes everything and returns the day entries of [first, last] covered day (or the --from/--to range), with
   * covered days that saw no attack written as header-only tables, and the days nobody covered listed as missing.
   */
  finish(): { days: DayEntry[]; missingDays: string[] } {
    const { entries } = this.finishPart();
    const byDay = new Map(entries.map((e) => [parseDay(e.date)!, e]));
    const coveredDays = [...this.covered].sort((a, b) => a - b);
    return spanDays(
      byDay,
      this.options.from ?? coveredDays[0],
      this.options.to ?? coveredDays[coveredDays.length - 1],
    );
  }

  /**
   * Flushes every day this collector holds (covered days without an attack as header-only tables) and returns their
   * entries and the covered days, for a caller that merges several collectors' work.
   */
  finishPart(): { entries: DayEntry[]; covered: number[]; sensors?: PartSensor[] } {
    for (const d of [...this.open.keys()]) this.flushDay(d);
    for (const d of this.covered) if (!this.flushed.has(d)) this.flushDay(d);
    const days = [...this.flushed.keys()].sort((a, b) => a - b);
    return {
      entries: days.map((d) => this.flushed.get(d)!),
      covered: [...this.covered].sort((a, b) => a - b),
      ...(this.perSensor ? { sensors: this.partSensors(days) } : {}),
    };
  }

  /** The sensors with a table written, and their entries in day order (sensors in the order first met). */
  private partSensors(days: number[]): PartSensor[] {
    const bySensor: DayEntry[][] = this.sensorIds.map(() => []);
    for (const d of days)
      for (const [sensor, entry] of this.flushedSensors.get(d) ?? []) bySensor[sensor]!.push(entry);
    return this.sensorIds
      .map((id, sensor) => ({ id, entries: bySensor[sensor]! }))
      .filter((s) => s.entries.length > 0);
  }
}

/** The entries of [first, last] in order, and the days of that span without one (missing: no input covered them). */
export function spanDays(
  byDay: Map<number, DayEntry>,
  first: number | undefined,
  last: number | undefined,
): { days: DayEntry[]; missingDays: string[] } {
  const days: DayEntry[] = [];
  const missingDays: string[] = [];
  if (first !== undefined && last !== undefined) {
    for (let d = first; d <= last; d++) {
      const entry = byDay.get(d);
      if (entry) days.push(entry);
      else missingDays.push(formatDay(d));
    }
  }
  return { days, missingDays };
}

/** First slot (an even index) of a 32-bit address in `hpV4`. */
function v4Slot(v4: number, bits: number): number {
  return (Math.imul(v4 | 0, 0x9e3779b1) >>> (32 - bits)) << 1;
}

/** A `bits`-bit hash of a text's length and last four bytes (IP texts differ most at the end). */
function tailHash(buf: Uint8Array, start: number, end: number, bits: number): number {
  let w = end - start;
  for (let i = Math.max(start, end - 4); i < end; i++) w = (w << 8) | buf[i]!;
  return Math.imul(w ^ (end - start), 0x9e3779b1) >>> (32 - bits);
}
