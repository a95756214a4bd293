/**
 * The day-table CSV parser and canonicalIp as they were before the fast paths of issue 11 (commit bb7bb97), kept
 * verbatim as the reference the fast parser must agree with, result for result and error for error, plus the domain
 * rules of issue 12, written out here on their own (not imported): no IPv6 zone id; flows, packets and bytes whole
 * numbers up to 2^53 − 1; durations up to 2^53 µs; -0 read as 0.
 */
import ipaddr from 'ipaddr.js';
import { DAY_TABLE_COLUMNS, type DayTable } from '../../src/days/day-table.js';
import { DataError } from '../../src/util/errors.js';

export function referenceCanonicalIp(text: string): string | undefined {
  if (isCanonicalIpv4(text)) return text;
  if (text.includes(':')) {
    if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
    const v6 = ipaddr.IPv6.parse(text);
    // Since issue 13: an IPv4-mapped address (::ffff:0:0/96) is its IPv4 host.
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.IPv4.parse(text).toString();
}

function isCanonicalIpv4(text: string): boolean {
  let part = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return false;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero || digits === 3) return false;
      part = part * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return dots === 3 && digits > 0 && part <= 255;
}

export function referenceParseDayTableCsv(
  text: string,
  date: string,
  file: string,
): { table: DayTable; ignoredColumns: string[] } {
  const firstEnd = text.indexOf('\n');
  const headerLine = (firstEnd < 0 ? text : text.slice(0, firstEnd)).replace(/^\uFEFF/, '').trim();
  if (headerLine === '')
    throw new DataError('empty file: expected the header orig,flows,duration,packets,bytes', {
      file,
      line: 1,
    });
  const header = headerLine.split(',').map((h) => h.trim());
  const index = DAY_TABLE_COLUMNS.map((c) => header.indexOf(c));
  const missing = DAY_TABLE_COLUMNS.filter((_, k) => index[k]! < 0);
  if (missing.length > 0) {
    throw new DataError(`header lacks column(s) ${missing.join(', ')} (header: ${headerLine})`, {
      file,
      line: 1,
    });
  }
  const ignoredColumns = header.filter((h) => !(DAY_TABLE_COLUMNS as readonly string[]).includes(h));
  const ip: string[] = [];
  const cols = [[], [], [], []] as number[][];
  const seen = new Set<string>();
  const width = header.length;
  // Which value each field goes to: -1 ignored, 0 orig, 1..4 the numeric columns.
  const target = new Int8Array(width).fill(-1);
  index.forEach((field, k) => {
    target[field] = k;
  });
  const cells: string[] = new Array(width);
  // One pass over the text: lines and fields are found with indexOf, no array of lines is made.
  let lineNo = 1;
  let pos = firstEnd < 0 ? text.length : firstEnd + 1;
  while (pos < text.length) {
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    let fields = 0;
    let blank = true;
    let p = pos;
    while (true) {
      let comma = text.indexOf(',', p);
      if (comma < 0 || comma > end) comma = end;
      const cell = text.slice(p, comma);
      if (fields < width) cells[fields] = cell;
      fields++;
      if (blank && cell.trim() !== '') blank = false;
      if (comma === end) break;
      p = comma + 1;
    }
    pos = next;
    if (blank && fields === 1) continue;
    const where = { file, line: lineNo };
    if (fields !== width) throw new DataError(`expected ${width} fields, found ${fields}`, where);
    for (let f = 0; f < width; f++) {
      const k = target[f]!;
      if (k < 0) continue;
      const rawCell = cells[f]!;
      const cell = isTrimmed(rawCell) ? rawCell : rawCell.trim();
      if (k === 0) {
        const addr = referenceCanonicalIp(cell);
        if (addr === undefined)
          throw new DataError(`not an IP address: '${rawCell}'`, { ...where, field: 'orig' });
        if (seen.has(addr))
          throw new DataError(`IP ${addr} appears twice in one day`, { ...where, field: 'orig' });
        seen.add(addr);
        ip.push(addr);
      } else {
        const v = Number(cell) + 0;
        const field = DAY_TABLE_COLUMNS[k]!;
        if (cell === '' || !Number.isFinite(v) || v < 0)
          throw new DataError(`not a non-negative number: '${cell}'`, { ...where, field });
        if (k === 2 && v > 9007199254.740992)
          throw new DataError(
            `duration '${cell}' is past 2^53 µs (9007199254.740992 s), the longest a day table holds`,
            { ...where, field },
          );
        if (k !== 2 && !Number.isInteger(v))
          throw new DataError(`not a whole number: '${cell}'`, { ...where, field });
        if (k !== 2 && v > 2 ** 53 - 1)
          throw new DataError(
            `'${cell}' is above 2^53 − 1 (9007199254740991), the largest count a day table holds`,
            { ...where, field },
          );
        cols[k - 1]!.push(v);
      }
    }
  }
  return {
    table: {
      date,
      ip,
      flows: Float64Array.from(cols[0]!),
      duration: Float64Array.from(cols[1]!),
      packets: Float64Array.from(cols[2]!),
      bytes: Float64Array.from(cols[3]!),
    },
    ignoredColumns,
  };
}

/** Whether a cell has no leading or trailing whitespace (the common case: no trim, no copy). */
function isTrimmed(cell: string): boolean {
  if (cell.length === 0) return true;
  const a = cell.charCodeAt(0);
  const b = cell.charCodeAt(cell.length - 1);
  // Printable ASCII at both ends; anything else goes through String.prototype.trim as before.
  return a > 32 && a < 127 && b > 32 && b < 127;
}
