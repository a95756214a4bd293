import { readFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataError } from '../util/errors.js';
import { canonicalIp, sortIpIndex } from '../util/ip.js';
import { formatCount, formatDuration } from '../util/number-format.js';
import { DAY_TABLE_COLUMNS, DAY_TABLE_HEADER, type DayTable } from './day-table.js';

/** Serialises a day table as AIP's `attacks.YYYY-MM-DD.csv` text (rows in the table's order). */
export function dayTableToCsv(table: DayTable): string {
  const lines = [DAY_TABLE_HEADER];
  for (let i = 0; i < table.ip.length; i++) {
    lines.push(
      `${table.ip[i]},${formatCount(table.flows[i]!)},${formatDuration(table.duration[i]!)},${formatCount(table.packets[i]!)},${formatCount(table.bytes[i]!)}`,
    );
  }
  return `${lines.join('\n')}\n`;
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
 * reported). Every row is validated: a bad one is a DataError naming file, line and field. Rows keep file order.
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
        const addr = canonicalIp(cell);
        if (addr === undefined)
          throw new DataError(`not an IP address: '${rawCell}'`, { ...where, field: 'orig' });
        if (seen.has(addr))
          throw new DataError(`IP ${addr} appears twice in one day`, { ...where, field: 'orig' });
        seen.add(addr);
        ip.push(addr);
      } else {
        const v = Number(cell);
        if (cell === '' || !Number.isFinite(v) || v < 0)
          throw new DataError(`not a non-negative number: '${cell}'`, {
            ...where,
            field: DAY_TABLE_COLUMNS[k]!,
          });
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
  let text: string;
  if (isGzip(bytes)) {
    try {
      text = gunzipSync(bytes).toString('utf8');
    } catch (error) {
      throw new DataError(`corrupt or truncated gzip (${(error as Error).message})`, { file: path });
    }
  } else {
    text = bytes.toString('utf8');
  }
  return parseDayTableCsv(text, date, path);
}
