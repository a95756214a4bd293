import { isAscii } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { DataError } from '../util/errors.js';

// Under the day-table reader (day-table-csv.ts): the text of a file's bytes, and exact powers of ten.

/** Exact powers of ten as doubles (10^22 is the largest that is exact). */
export const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];

/**
 * The text of a day table file's bytes: pure ASCII (the normal case) is decoded as Latin-1, which gives the same
 * string several times faster than UTF-8 decoding; anything else is decoded as UTF-8 as before.
 */
export function decodeDayTableText(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/** The text of a day table file's bytes, gunzipped if they are gzip; corrupt gzip is a DataError naming `path`. */
export function dayTableText(bytes: Buffer, path: string): string {
  // Gzip by its magic bytes (isGzip in day-table-csv.ts, which imports this module).
  if (!(bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)) return decodeDayTableText(bytes);
  let inflated: Buffer;
  try {
    inflated = gunzipSync(bytes, { chunkSize: inflatedSizeHint(bytes) });
  } catch (error) {
    throw new DataError(`corrupt or truncated gzip (${(error as Error).message})`, { file: path });
  }
  return decodeDayTableText(inflated);
}

/**
 * zlib's output chunk size for a gzip file: its trailer's size (mod 2^32) plus one, so a whole day table inflates
 * into one buffer instead of 16 KiB chunks concatenated at the end; bounded, since a damaged trailer may say anything
 * (a wrong hint only costs chunks, never the result).
 */
function inflatedSizeHint(gz: Buffer): number {
  const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return Math.min(Math.max(size + 1, 64 << 10), 64 << 20);
}
