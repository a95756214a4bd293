import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DayTable, dayTableFileName, emptyDayTable, totalFlows } from '../days/day-table.js';
import { dayTableToGzip, parseDayTableCsv, sortDayTable } from '../days/day-table-csv.js';
import type { DayEntry } from '../days/manifest.js';
import { dayOfEpochSeconds, formatDay } from '../util/dates.js';
import { canonicalIp } from '../util/ip.js';
import { sha256 } from '../util/sha256.js';
import { DayAggregator } from './day-aggregator.js';
import { type HoneypotList, isOperating } from './honeypots.js';
import type { SkipCounter } from './skips.js';

export const DROP = {
  notToHoneypot: 'responder is not a listed honeypot',
  fromHoneypot: 'originated by a honeypot',
  honeypotInactive: 'honeypot outside its operation dates',
  outsideRange: 'outside --from/--to',
} as const;

export interface CollectorOptions {
  honeypots: HoneypotList | null;
  /** Day numbers; records outside are dropped and counted. */
  from: number | undefined;
  to: number | undefined;
  skips: SkipCounter;
  /** Where finished day tables wait until the whole ingest succeeds. */
  tmpDir: string;
}

/**
 * Turns records into day tables under AIP's attack rule (a flow counts only when its responder is a listed honeypot
 * operating that day and its originator is not a honeypot) and keeps the books: which days the input covers, what
 * was dropped and why. Days can be flushed to disk once no later input can touch them, so memory follows the
 * distinct IPs of the open days rather than the flows.
 */
export class AttackCollector {
  readonly covered = new Set<number>();
  records = 0;
  /** Records of days already flushed that were merged back in (out-of-order input). */
  reopened = 0;
  private readonly open = new Map<number, DayAggregator>();
  private readonly flushed = new Map<number, DayEntry>();
  private readonly canonical = new Map<string, string | null>();
  private readonly honeypotIps: Map<string, import('./honeypots.js').Honeypot[]>;
  private curDay = Number.NaN;
  private cur: DayAggregator | null = null;
  file = '';

  constructor(private readonly options: CollectorOptions) {
    this.honeypotIps = options.honeypots?.byIp ?? new Map();
  }

  /** Marks a day as covered by the input (e.g. a Zeek day folder), even if it brings no attack. */
  cover(day: number): void {
    if (this.inRange(day)) this.covered.add(day);
  }

  inRange(day: number): boolean {
    const { from, to } = this.options;
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  }

  /** One network flow (Zeek, Argus): applies the honeypot rule, then sums it into its day. */
  flow(
    ts: number,
    orig: string,
    resp: string,
    duration: number,
    packets: number,
    bytes: number,
    line: number,
  ): void {
    this.records++;
    const day = dayOfEpochSeconds(ts);
    if (!this.inRange(day)) {
      this.options.skips.drop(DROP.outsideRange);
      return;
    }
    this.covered.add(day);
    if (this.honeypotIps.has(orig)) {
      this.options.skips.drop(DROP.fromHoneypot);
      return;
    }
    let periods = this.honeypotIps.get(resp);
    if (periods === undefined && resp.includes(':')) {
      // Zeek writes IPv6 in canonical form; other tools may not.
      const c = this.canonicalOf(resp);
      if (c !== null) periods = this.honeypotIps.get(c);
    }
    if (periods === undefined) {
      this.options.skips.drop(DROP.notToHoneypot);
      return;
    }
    if (!isOperating(periods, day)) {
      this.options.skips.drop(DROP.honeypotInactive);
      return;
    }
    this.add(day, orig, 1, duration, packets, bytes, line, 'id.orig_h');
  }

  /** Sums one record into its day with no honeypot rule (Cowrie: every event is aimed at the honeypot). */
  event(
    ts: number,
    ip: string,
    flows: number,
    duration: number,
    packets: number,
    bytes: number,
    line: number,
  ): void {
    this.records++;
    const day = dayOfEpochSeconds(ts);
    if (!this.inRange(day)) {
      this.options.skips.drop(DROP.outsideRange);
      return;
    }
    this.covered.add(day);
    this.add(day, ip, flows, duration, packets, bytes, line, 'src_ip');
  }

  /** A whole day table (AIP processed files). */
  table(day: number, table: DayTable): void {
    this.records += table.ip.length;
    if (!this.inRange(day)) {
      this.options.skips.drop(DROP.outsideRange, table.ip.length);
      return;
    }
    this.covered.add(day);
    const agg = this.aggregator(day);
    agg.addTable(table);
    for (const ip of table.ip) this.canonical.set(ip, ip);
  }

  private add(
    day: number,
    ip: string,
    flows: number,
    duration: number,
    packets: number,
    bytes: number,
    line: number,
    field: string,
  ): void {
    const agg = day === this.curDay && this.cur !== null ? this.cur : this.aggregator(day);
    let r = agg.rowOf.get(ip);
    if (r === undefined) {
      if (this.canonicalOf(ip) === null) {
        this.options.skips.malformedRecord(
          'bad address',
          `not an IP address: '${ip}'`,
          this.file,
          line,
          field,
        );
        return;
      }
      r = agg.row(ip);
    }
    agg.flows[r]! += flows;
    agg.duration[r]! += duration;
    agg.packets[r]! += packets;
    agg.bytes[r]! += bytes;
    agg.flowTotal += flows;
  }

  canonicalOf(ip: string): string | null {
    let c = this.canonical.get(ip);
    if (c === undefined) {
      c = canonicalIp(ip) ?? null;
      this.canonical.set(ip, c);
    }
    return c;
  }

  private aggregator(day: number): DayAggregator {
    let agg = this.open.get(day);
    if (agg === undefined) {
      agg = new DayAggregator(day);
      const done = this.flushed.get(day);
      if (done !== undefined) {
        // Out-of-order input reached a day already written: merge it back in.
        this.reopened++;
        const text = gunzipSync(readFileSync(join(this.options.tmpDir, done.file))).toString('utf8');
        agg.addTable(parseDayTableCsv(text, done.date, done.file).table);
        this.flushed.delete(day);
      }
      this.open.set(day, agg);
    }
    this.curDay = day;
    this.cur = agg;
    return agg;
  }

  /** Writes (to the temp folder) every open day before `day`. */
  flushBefore(day: number): void {
    for (const d of [...this.open.keys()]) if (d < day) this.flushDay(d);
  }

  private flushDay(day: number): void {
    const agg = this.open.get(day);
    const date = formatDay(day);
    const table =
      agg === undefined ? emptyDayTable(date) : agg.toTable(date, (raw) => this.canonicalOf(raw) ?? raw);
    const sorted = sortDayTable(table);
    const gz = dayTableToGzip(sorted);
    const file = dayTableFileName(date);
    writeFileSync(join(this.options.tmpDir, file), gz);
    this.flushed.set(day, {
      date,
      file,
      rows: sorted.ip.length,
      flows: totalFlows(sorted),
      sha256: sha256(gz),
    });
    this.open.delete(day);
    if (this.curDay === day) {
      this.cur = null;
      this.curDay = Number.NaN;
    }
  }

  /**
   * Flushes everything and returns the day entries of [first, last] covered day (or the --from/--to range), with
   * covered days that saw no attack written as header-only tables, and the days nobody covered listed as missing.
   */
  finish(): { days: DayEntry[]; missingDays: string[] } {
    for (const d of [...this.open.keys()]) this.flushDay(d);
    for (const d of this.covered) if (!this.flushed.has(d)) this.flushDay(d);
    const coveredDays = [...this.covered].sort((a, b) => a - b);
    const first = this.options.from ?? coveredDays[0];
    const last = this.options.to ?? coveredDays[coveredDays.length - 1];
    const days: DayEntry[] = [];
    const missingDays: string[] = [];
    if (first !== undefined && last !== undefined) {
      for (let d = first; d <= last; d++) {
        const entry = this.flushed.get(d);
        if (entry) days.push(entry);
        else missingDays.push(formatDay(d));
      }
    }
    return { days, missingDays };
  }
}
