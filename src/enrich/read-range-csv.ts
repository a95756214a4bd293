import { readFile } from 'node:fs/promises';
import { DataError } from '../util/errors.js';
import type { RangeTableBuilder } from './range-table.js';

/** One of ip-location-db's numeric range files (`*-ipv4-num.csv`, `*-ipv6-num.csv`). */
export interface RangeCsvFile {
  path: string;
  family: 4 | 6;
  /** Names of the columns, for error messages: the first two are the range's start and end. */
  columns: readonly string[];
  /**
   * The value a line's range holds, from its fields after the two bounds (`rest[0]` is the third column), or a
   * `[message, index in rest]` saying why the line is bad. Called once per distinct text of those fields.
   */
  value(rest: readonly string[]): number | [message: string, column: number];
}

const MAX_V4 = 0xffff_ffff;
const MAX_V6 = (1n << 128n) - 1n;

/**
 * Reads a range file into `builder` and returns its number of ranges: one range a line, `start,end,<value columns>`,
 * the bounds as decimal numbers (IPv6 up to 2^128 − 1), inclusive, sorted by start; text columns may be quoted as
 * RFC 4180 says (`"LLC ""SPUTNIK"""`). Any other line is a DataError naming the file, line and column.
 */
export async function readRangeCsv(builder: RangeTableBuilder, file: RangeCsvFile): Promise<number> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT' ? 'the enrichment data file is missing' : `cannot read (${code ?? String(error)})`,
      { file: file.path },
    );
  }
  const { family, columns } = file;
  // The value columns repeat across lines (one AS holds many ranges): each distinct text is parsed once. Read from
  // the bytes, so the strings kept (AS names) are their own, not slices that would keep the whole file's text alive.
  const values = new Map<string, number>();
  let ranges = 0;
  let lineNo = 0;
  let at = 0;
  const n = bytes.length;
  while (at < n) {
    let end = bytes.indexOf(10, at);
    if (end < 0) end = n;
    lineNo++;
    const lineEnd = end > at && bytes[end - 1] === 13 ? end - 1 : end;
    const lineStart = at;
    at = end + 1;
    if (lineEnd === lineStart) continue;
    const c1 = bytes.indexOf(44, lineStart);
    const c2 = c1 < 0 || c1 >= lineEnd ? -1 : bytes.indexOf(44, c1 + 1);
    if (c2 < 0 || c2 >= lineEnd) throw bad(file, lineNo, `expected ${columns.length} columns`, 0);
    if (!isDigits(bytes, lineStart, c1)) throw bad(file, lineNo, notDecimal(bytes, lineStart, c1), 0);
    if (!isDigits(bytes, c1 + 1, c2)) throw bad(file, lineNo, notDecimal(bytes, c1 + 1, c2), 1);
    const raw = bytes.toString('utf8', c2 + 1, lineEnd);
    let value = values.get(raw);
    if (value === undefined) {
      const rest = splitCsvFields(raw);
      if (rest === undefined) throw bad(file, lineNo, 'unbalanced quotes', 2);
      if (rest.length !== columns.length - 2)
        throw bad(file, lineNo, `expected ${columns.length} columns, found ${rest.length + 2}`, 2);
      const v = file.value(rest);
      if (typeof v !== 'number') throw bad(file, lineNo, v[0], v[1] + 2);
      value = v;
      values.set(raw, value);
    }
    let why: string | undefined;
    if (family === 4) {
      const start = decimal(bytes, lineStart, c1);
      const last = decimal(bytes, c1 + 1, c2);
      if (start > MAX_V4 || last > MAX_V4)
        throw bad(file, lineNo, 'IPv4 address above 2^32 - 1', start > MAX_V4 ? 0 : 1);
      why = builder.addV4(start, last, value);
    } else {
      const start = BigInt(bytes.toString('latin1', lineStart, c1));
      const last = BigInt(bytes.toString('latin1', c1 + 1, c2));
      if (start > MAX_V6 || last > MAX_V6)
        throw bad(file, lineNo, 'IPv6 address above 2^128 - 1', start > MAX_V6 ? 0 : 1);
      why = builder.addV6(start, last, value);
    }
    if (why !== undefined) throw bad(file, lineNo, why, 0);
    ranges++;
  }
  return ranges;
}

function bad(file: RangeCsvFile, line: number, message: string, column: number): DataError {
  return new DataError(message, { file: file.path, line, field: file.columns[column] });
}

/** Whether bytes[from, to) are 1 to 39 decimal digits (2^128 has 39). */
function isDigits(bytes: Buffer, from: number, to: number): boolean {
  if (to <= from || to - from > 39) return false;
  for (let i = from; i < to; i++) {
    const c = bytes[i]!;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function notDecimal(bytes: Buffer, from: number, to: number): string {
  return `not a decimal address: '${bytes.toString('utf8', from, to)}'`;
}

/** bytes[from, to) as a number (digits checked); exact up to 2^53, and any longer value is above 2^32 anyway. */
function decimal(bytes: Buffer, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) v = v * 10 + (bytes[i]! - 48);
  return v;
}

/** The fields of one CSV line as RFC 4180 reads them, or undefined when a quoted field is not closed properly. */
function splitCsvFields(line: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) return undefined;
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      out.push(value);
      if (i === line.length) return out;
      if (line.charCodeAt(i) !== 44) return undefined;
      i++;
    } else {
      const comma = line.indexOf(',', i);
      if (comma < 0) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, comma));
      i = comma + 1;
    }
  }
}
