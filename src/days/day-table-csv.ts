import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { DataError } from '../util/errors.js';
import { canonicalIp, ipv4InText, ipv4ToNumber, isCanonicalIpv6, sortIpIndex } from '../util/ip/index.js';
import { formatCount, formatDuration } from '../util/number-format.js';
import { DAY_TABLE_COLUMNS, DAY_TABLE_HEADER, type DayTable } from './day-table.js';
import { isCount, isDurationSeconds, MAX_COUNT, MAX_DURATION_SECONDS } from './day-table-domain.js';
import { dayTableText, POW10 } from './day-table-text.js';

/**
 * Serialises a day table as AIP's `attacks.YYYY-MM-DD.csv` text (rows in the table's order). Durations are written to
 * the microsecond (ingest sums them as whole µs, Zeek's resolution: see day-table-domain.ts). Only a table the reader
 * reads back is written: a value outside its column's domain, an IP that is not in canonical form or one that appears
 * twice is a bug of the caller, and throws an Error (not a DataError) before anything is written.
 */
export function dayTableToCsv(table: DayTable): string {
  const { ip, flows, duration, packets, bytes } = table;
  const n = ip.length;
  // (Columns longer than the IPs are cut to them, as ever; a shorter one would write `undefined`.)
  if (flows.length < n || duration.length < n || packets.length < n || bytes.length < n)
    throw new Error(
      `day table ${table.date}: ${n} IPs but columns of ${[flows, duration, packets, bytes].map((c) => c.length).join(', ')} rows`,
    );
  const lines = [DAY_TABLE_HEADER];
  // Repeats as the reader finds them: IPv4 by comparing with the one before while rows increase, else by a Set.
  let lastV4 = -1;
  let v4Seen: Set<number> | undefined;
  const v6Seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const a = ip[i]!;
    const f = flows[i]!;
    const d = duration[i]!;
    const p = packets[i]!;
    const b = bytes[i]!;
    if (!(isCount(f) && isDurationSeconds(d) && isCount(p) && isCount(b)))
      throw unwritable(table, i, `a value outside what a day table holds (${f}, ${d}, ${p}, ${b})`);
    const v4 = ipv4ToNumber(a);
    let repeated: boolean;
    if (v4 >= 0) {
      if (v4Seen === undefined && v4 > lastV4) {
        repeated = false;
        lastV4 = v4;
      } else {
        if (v4Seen === undefined) {
          v4Seen = new Set();
          for (let j = 0; j < i; j++) {
            const x = ipv4ToNumber(ip[j]!);
            if (x >= 0) v4Seen.add(x);
          }
        }
        repeated = v4Seen.has(v4);
        v4Seen.add(v4);
      }
    } else {
      if (!isCanonicalIpv6(a) && (a.includes('.') || canonicalIp(a) !== a))
        throw unwritable(table, i, 'not an IP address in canonical form');
      repeated = v6Seen.has(a);
      v6Seen.add(a);
    }
    if (repeated) throw unwritable(table, i, 'the IP appears twice');
    lines.push(`${a},${formatCount(f)},${formatDuration(d)},${formatCount(p)},${formatCount(b)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The error of a table the reader would refuse: a bug of the writer's caller, so a plain Error. */
function unwritable(table: DayTable, i: number, what: string): Error {
  return new Error(`day table ${table.date}, row ${i + 1} (${table.ip[i]}): ${what}`);
}

/**
 * Gzip with fixed settings: Node writes no name and mtime 0, so the same table always gives the same bytes.
 */
export function dayTableToGzip(table: DayTable): Buffer {
  return gzipSync(dayTableToCsv(table), { level: 6 });
}

/** Returns a copy of the table with rows sorted by IP (numeric, IPv4 first). */
export function sortDayTable(table: DayTable): DayTable {
  const order = sortIpIndex(table.ip);
  const pick = (col: Float64Array) => Float64Array.from(order, (i) => col[i]!);
  return {
    date: table.date,
    ip: order.map((i) => table.ip[i]!),
    flows: pick(table.flows),
    duration: pick(table.duration),
    packets: pick(table.packets),
    bytes: pick(table.bytes),
  };
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC_0 && bytes[1] === GZIP_MAGIC_1;
}

/**
 * Parses AIP's day-table CSV (`orig,flows,duration,packets,bytes`; any column order, extra columns ignored and
 * reported). Every row is validated: a bad one is a DataError naming file, line and field. Rows keep file order. The
 * values read are exactly those dayTableToCsv writes (see day-table-domain.ts): flows, packets and bytes whole numbers
 * up to 2^53 − 1 (`3.0` or `1e3` is a whole number too), durations up to 2^53 µs, canonical IPs without a zone.
 *
 * One pass over the text with indexOf and charCodeAt: no string is made for a number, a canonical dotted quad is
 * sliced as it is (anything else goes through canonicalIp), and a plain decimal is parsed in place (anything else,
 * exponents, signs, spaces, goes through Number(), so every value is the double Number() gives). A repeated IP is
 * found by comparing each IPv4 with the one before while the rows are sorted (the normal case) and by a Set once
 * they are not, or for IPv6.
 */
export function parseDayTableCsv(
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
  const width = header.length;
  // Which value each field goes to: -1 ignored, 0 orig, 1..4 the numeric columns.
  const target = new Int8Array(width).fill(-1);
  index.forEach((field, k) => {
    target[field] = k;
  });
  const len = text.length;
  const ip: string[] = [];
  // Columns start at one row per 24 characters (rows are longer, so they rarely grow), double when full, and are cut
  // to size at the end.
  let cap = Math.max(16, Math.ceil(len / 24));
  let cols = [new Float64Array(cap), new Float64Array(cap), new Float64Array(cap), new Float64Array(cap)];
  let rows = 0;
  // IPv4 rows seen in strictly increasing order so far: a repeat can only be the one before (lastV4). Once the order
  // breaks, every IPv4 so far goes into v4Seen. IPv6 (and any non-IPv4 text) always goes through v6Seen.
  let v4Sorted = true;
  let lastV4 = -1;
  let v4Seen: Set<number> | undefined;
  const v6Seen = new Set<string>();
  const fieldStart = new Int32Array(width);
  const fieldEnd = new Int32Array(width);
  // Per field of the line: its value when it is a plain decimal (numeric columns) or a canonical dotted quad (orig,
  // as a 32-bit number), else -1: that field is then sliced and goes the general way (Number(), canonicalIp).
  const fast = new Float64Array(width);
  let lineNo = 1;
  let pos = firstEnd < 0 ? len : firstEnd + 1;
  while (pos < len) {
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const next = end + 1;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    // Split at commas and parse each field in the same pass over its characters.
    let fields = 0;
    let p = pos;
    while (true) {
      const s = p;
      const k = fields < width ? target[fields]! : -1;
      let value = -1;
      if (k > 0) {
        // A plain decimal: digits with at most one '.' (`12`, `0.5`, `3.`, `.25`) whose digits make an integer m below
        // 2^53, with k <= 22 digits after the point. m and 10^k are then exact doubles and one division rounds once,
        // so m / 10^k is the correctly rounded value: the double Number() gives. Anything else is left to Number().
        let m = 0;
        let digits = 0;
        let fraction = -1;
        let plain = true;
        for (; p < end; p++) {
          const c = text.charCodeAt(p);
          if (c >= 48 && c <= 57) {
            m = m * 10 + (c - 48);
            digits++;
            if (fraction >= 0) fraction++;
          } else if (c === 46 && fraction < 0) fraction = 0;
          else if (c === 44) break;
          else plain = false;
        }
        if (plain && digits > 0 && fraction <= 22 && (digits <= 15 || m <= Number.MAX_SAFE_INTEGER))
          value = fraction > 0 ? m / POW10[fraction]! : m;
      } else if (k === 0) {
        // A canonical dotted quad: util/ip's ipv4InText on the field in place. A field that starts with a digit has a
        // comma after it (a row without one is refused below), so indexOf finds its end faster than a loop here;
        // anything else (a blank line) is scanned within the line, so a tail of blank lines costs no rescans.
        const c = text.charCodeAt(p);
        if (c >= 48 && c <= 57) {
          p = text.indexOf(',', p);
          if (p < 0 || p > end) p = end;
        } else while (p < end && text.charCodeAt(p) !== 44) p++;
        value = ipv4InText(text, s, p);
      } else {
        while (p < end && text.charCodeAt(p) !== 44) p++;
      }
      if (fields < width) {
        fieldStart[fields] = s;
        fieldEnd[fields] = p;
        fast[fields] = value;
      }
      fields++;
      if (p >= end) break;
      p++;
    }
    const lineStart = pos;
    pos = next;
    if (fields === 1 && text.slice(lineStart, end).trim() === '') continue;
    if (fields !== width)
      throw new DataError(`expected ${width} fields, found ${fields}`, { file, line: lineNo });
    if (rows === cap) {
      cap *= 2;
      cols = cols.map((c) => {
        const grown = new Float64Array(cap);
        grown.set(c);
        return grown;
      });
    }
    for (let f = 0; f < width; f++) {
      const k = target[f]!;
      if (k < 0) continue;
      let v = fast[f]!;
      if (k === 0) {
        let addr: string | undefined;
        if (v >= 0) addr = text.slice(fieldStart[f]!, fieldEnd[f]!);
        else {
          const rawCell = text.slice(fieldStart[f]!, fieldEnd[f]!);
          addr = canonicalIp(isTrimmed(rawCell) ? rawCell : rawCell.trim());
          if (addr === undefined)
            throw new DataError(`not an IP address: '${rawCell}'`, { file, line: lineNo, field: 'orig' });
          v = ipv4ToNumber(addr);
        }
        let repeated: boolean;
        if (v < 0) {
          repeated = v6Seen.has(addr);
          v6Seen.add(addr);
        } else if (v4Sorted && v > lastV4) {
          repeated = false;
          lastV4 = v;
        } else {
          if (v4Seen === undefined) {
            v4Sorted = false;
            v4Seen = new Set<number>();
            for (const a of ip) {
              const x = ipv4ToNumber(a);
              if (x >= 0) v4Seen.add(x);
            }
          }
          repeated = v4Seen.has(v);
          v4Seen.add(v);
        }
        if (repeated)
          throw new DataError(`IP ${addr} appears twice in one day`, { file, line: lineNo, field: 'orig' });
        ip.push(addr);
      } else {
        if (v < 0) {
          // Not a plain decimal: Number() decides (-0 is read as 0).
          const rawCell = text.slice(fieldStart[f]!, fieldEnd[f]!);
          const cell = isTrimmed(rawCell) ? rawCell : rawCell.trim();
          v = Number(cell) + 0;
          if (cell === '' || !Number.isFinite(v) || v < 0)
            throw new DataError(`not a non-negative number: '${cell}'`, {
              file,
              line: lineNo,
              field: DAY_TABLE_COLUMNS[k]!,
            });
        }
        // The domains of day-table-domain.ts: whole counts up to 2^53 − 1, durations up to 2^53 µs.
        if (k === 2 ? v > MAX_DURATION_SECONDS : !Number.isInteger(v) || v > MAX_COUNT)
          throw new DataError(outOfDomain(k, text.slice(fieldStart[f]!, fieldEnd[f]!).trim(), v), {
            file,
            line: lineNo,
            field: DAY_TABLE_COLUMNS[k]!,
          });
        cols[k - 1]![rows] = v;
      }
    }
    rows++;
  }
  const cut = (c: Float64Array) => (c.length === rows ? c : c.slice(0, rows));
  return {
    table: {
      date,
      ip,
      flows: cut(cols[0]!),
      duration: cut(cols[1]!),
      packets: cut(cols[2]!),
      bytes: cut(cols[3]!),
    },
    ignoredColumns,
  };
}

/** Why a number read from column `k` (1..4) is not one a day table holds. */
function outOfDomain(k: number, cell: string, v: number): string {
  if (k === 2)
    return `duration '${cell}' is past 2^53 µs (${MAX_DURATION_SECONDS} s), the longest a day table holds`;
  if (!Number.isInteger(v)) return `not a whole number: '${cell}'`;
  return `'${cell}' is above 2^53 − 1 (${MAX_COUNT}), the largest count a day table holds`;
}

/** Whether a cell has no leading or trailing whitespace (the common case: no trim, no copy). */
function isTrimmed(cell: string): boolean {
  if (cell.length === 0) return true;
  const a = cell.charCodeAt(0);
  const b = cell.charCodeAt(cell.length - 1);
  // Printable ASCII at both ends; anything else goes through String.prototype.trim as before.
  return a > 32 && a < 127 && b > 32 && b < 127;
}

/** Reads an `attacks.YYYY-MM-DD.csv[.gz]` file (gzip detected by its magic bytes, not its name). */
export async function readDayTableFile(path: string, date: string): Promise<DayTable> {
  return (await readDayTableFileDetailed(path, date)).table;
}

export async function readDayTableFileDetailed(
  path: string,
  date: string,
): Promise<{ table: DayTable; ignoredColumns: string[] }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new DataError(`cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      file: path,
    });
  }
  const text = dayTableText(bytes, path);
  return parseDayTableCsv(text, date, path);
}
