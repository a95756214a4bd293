import { parseDay } from '../../util/dates.js';
import { DataError } from '../../util/errors.js';
import { streamFile } from '../input-files.js';
import { LineScanner } from '../line-scanner.js';
import type { InputFormat } from './input-format.js';
import { epochSeconds } from './zeek-conn-json.js';

const NEEDED = ['StartTime', 'Dur', 'SrcAddr', 'DstAddr', 'SrcPkts', 'SrcBytes'] as const;
const ARGUS_TIME_RE = /^(\d{4})[/-](\d{2})[/-](\d{2})[ T](\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$/;

/**
 * Argus `ra` output as binetflow CSV (`StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,...,SrcBytes,SrcPkts`): the
 * source is the attacker, DstAddr the responder; duration = Dur, packets = SrcPkts, bytes = SrcBytes. Columns are
 * found by the header line; StartTime is `YYYY/MM/DD hh:mm:ss.ffffff` (UTC) or epoch seconds.
 */
export const argusFormat: InputFormat = {
  name: 'argus',
  description: 'Argus binetflow CSV (StartTime, Dur, SrcAddr, DstAddr, SrcPkts, SrcBytes), plain or gzip',
  needsHoneypots: true,
  accept: (name) => /\.binetflow(\.gz)?$/.test(name),
  async read(path, display, ctx) {
    ctx.collector.file = display;
    ctx.collector.addressFields = ['SrcAddr', 'DstAddr'];
    let col: number[] | null = null;
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
        width = names.length;
        return;
      }
      if (cells.length < width) {
        ctx.skips.malformedRecord(
          'too few fields',
          `expected ${width} fields, found ${cells.length}`,
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
      const values: number[] = [];
      for (const [c, field] of [
        [cDur, 'Dur'],
        [cPkts, 'SrcPkts'],
        [cBytes, 'SrcBytes'],
      ] as const) {
        const cell = cells[c]!.trim();
        const v = cell === '' ? 0 : Number(cell);
        if (!Number.isFinite(v) || v < 0) {
          ctx.skips.malformedRecord(
            field === 'Dur' ? 'bad duration' : 'bad count',
            `unreadable value '${cell}'`,
            display,
            lineNo,
            field,
          );
          return;
        }
        values.push(v);
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
