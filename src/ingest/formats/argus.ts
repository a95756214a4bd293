import { isCount, isDurationSeconds, secondsToMicros } from '../../days/day-table-domain.js';
import { parseDay } from '../../util/dates.js';
import { DataError } from '../../util/errors.js';
import { streamFile } from '../input-files.js';
import { LineScanner } from '../line-scanner.js';
import {
  BAD_COUNT,
  BAD_DURATION,
  BAD_PORT,
  countProblem,
  durationProblem,
  MAX_PORT,
} from '../record-domains.js';
import type { InputFormat } from './input-format.js';
import { epochSeconds } from './zeek-conn-json.js';

const NEEDED = ['StartTime', 'Dur', 'SrcAddr', 'DstAddr', 'SrcPkts', 'SrcBytes'] as const;
/** Columns checked where the header has them: the ports, and Proto (which says what the ports hold). */
const CHECKED = ['Sport', 'Dport', 'Proto'] as const;
const ARGUS_TIME_RE = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;
/** Protocols whose Sport/Dport are ports (ICMP: type and code), 0 to 65535. */
const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'sctp', 'udt', 'ipv6-icmp', 'icmp6']);

/**
 * Argus `ra` output as binetflow CSV (`StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,...,SrcBytes,SrcPkts`): the
 * source is the attacker, DstAddr the responder; duration = Dur, packets = SrcPkts, bytes = SrcBytes. Columns are
 * found by the header line; StartTime is `YYYY/MM/DD hh:mm:ss.ffffff` (UTC) or epoch seconds. Every value must be in
 * its field's domain (record-domains.ts), the ports included: see argusPort for the forms `ra` prints.
 */
export const argusFormat: InputFormat = {
  name: 'argus',
  description: 'Argus binetflow CSV (StartTime, Dur, SrcAddr, DstAddr, SrcPkts, SrcBytes), plain or gzip',
  needsHoneypots: true,
  accept: (name) => /\.binetflow(\.gz)?$/.test(name),
  async read(path, display, ctx) {
    ctx.collector.file = display;
    ctx.collector.fields = {
      ts: 'StartTime',
      orig: 'SrcAddr',
      resp: 'DstAddr',
      duration: 'Dur',
      packets: 'SrcPkts',
      bytes: 'SrcBytes',
    };
    let col: number[] | null = null;
    /** Columns of Sport, Dport and Proto (-1: absent). */
    let checked: number[] = [];
    let width = 0;
    const scanner = new LineScanner((buf, start, end, lineNo) => {
      const text = buf.toString('utf8', start, end);
      if (text.trim() === '') return;
      const cells = text.split(',');
      if (col === null) {
        const names = cells.map((c) => c.trim());
        col = NEEDED.map((n) => names.indexOf(n));
        const missing = NEEDED.filter((_, k) => col![k]! < 0);
        if (missing.length > 0) {
          throw new DataError(`header lacks ${missing.join(', ')}: not a binetflow file?`, {
            file: display,
            line: lineNo,
          });
        }
        checked = CHECKED.map((n) => names.indexOf(n));
        width = names.length;
        return;
      }
      if (cells.length !== width) {
        // A field more than the header names is as suspect as one fewer: the columns no longer line up.
        ctx.skips.malformedRecord(
          cells.length < width ? 'too few fields' : 'too many fields',
          `expected ${width} fields (as the header names), found ${cells.length}`,
          display,
          lineNo,
        );
        return;
      }
      const [cStart, cDur, cSrc, cDst, cPkts, cBytes] = col as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const ts = argusTime(cells[cStart]!.trim());
      if (ts === undefined) {
        ctx.skips.malformedRecord(
          'bad ts',
          `unreadable StartTime '${cells[cStart]}'`,
          display,
          lineNo,
          'StartTime',
        );
        return;
      }
      const [cSport, cDport, cProto] = checked as [number, number, number];
      // Ports are checked against 0..65535 only where Proto says they are ports (ESP puts its SPI in Dport).
      const proto = cProto >= 0 ? cells[cProto]!.trim().toLowerCase() : 'tcp';
      for (const [c, field] of [
        [cSport, 'Sport'],
        [cDport, 'Dport'],
      ] as const) {
        if (c < 0) continue;
        const cell = cells[c]!.trim();
        if (!argusPort(cell, PORT_PROTOCOLS.has(proto))) {
          ctx.skips.malformedRecord(
            BAD_PORT,
            `not a port as Argus prints one: '${cell.slice(0, 60)}'`,
            display,
            lineNo,
            field,
          );
          return;
        }
      }
      const durCell = cells[cDur]!.trim();
      const dur = durCell === '' ? 0 : Number(durCell);
      if (!isDurationSeconds(dur)) {
        ctx.skips.malformedRecord(BAD_DURATION, durationProblem(durCell), display, lineNo, 'Dur');
        return;
      }
      const values: number[] = [secondsToMicros(dur)];
      for (const [c, field] of [
        [cPkts, 'SrcPkts'],
        [cBytes, 'SrcBytes'],
      ] as const) {
        const cell = cells[c]!.trim();
        const v = cell === '' ? 0 : Number(cell);
        if (!isCount(v)) {
          ctx.skips.malformedRecord(BAD_COUNT, countProblem(cell), display, lineNo, field);
          return;
        }
        values.push(v + 0);
      }
      const src = cells[cSrc]!.trim();
      const dst = cells[cDst]!.trim();
      if (src === '' || dst === '') {
        ctx.skips.malformedRecord(
          'bad address',
          'empty address',
          display,
          lineNo,
          src === '' ? 'SrcAddr' : 'DstAddr',
        );
        return;
      }
      ctx.collector.flow(ts, src, dst, values[0]!, values[1]!, values[2]!, lineNo);
    });
    const stats = await streamFile(path, (chunk) => scanner.push(chunk), ctx.onRawBytes);
    scanner.end();
    return { ...stats, lines: scanner.lines };
  },
};

/**
 * Whether a Sport/Dport cell is a port as Argus `ra` prints one, and as its own reader of that text takes it back
 * (argus-clients, ArgusParseSrcPortLabel: a cell starting with a digit is read with strtol base 0, `*` is 0, any other
 * text is a service name): empty (no port, e.g. ARP), `*`, decimal, `0x` hex (ICMP type/code: `0x0008`), or a
 * service name (`http`, printed without `-n`). When `bounded` (Proto is TCP, UDP, ICMP, ...), a number must be at
 * most 65535; other protocols use the fields for other numbers (ESP: its 32-bit SPI), so only the form is checked.
 */
function argusPort(cell: string, bounded: boolean): boolean {
  if (cell === '' || cell === '*') return true;
  let v: number;
  if (/^0[xX][0-9a-fA-F]{1,8}$/.test(cell)) v = Number.parseInt(cell.slice(2), 16);
  else if (/^\d{1,10}$/.test(cell)) v = Number(cell);
  else return /^[A-Za-z][\w.+-]*$/.test(cell);
  return v <= (bounded ? MAX_PORT : 0xffffffff);
}

function argusTime(text: string): number | undefined {
  const m = ARGUS_TIME_RE.exec(text);
  if (m) {
    const secs = Number(m[6]);
    const whole = Math.floor(secs);
    const hour = Number(m[4]);
    const minute = Number(m[5]);
    // Date.UTC rolls over (month 13, hour 25 ...): a time that is no real time is bad, not some other day.
    if (parseDay(`${m[1]}-${m[2]}-${m[3]}`) === undefined || hour > 23 || minute > 59 || secs >= 60)
      return undefined;
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, minute, whole);
    return Number.isNaN(ms) ? undefined : ms / 1000 + (secs - whole);
  }
  return epochSeconds(text);
}
