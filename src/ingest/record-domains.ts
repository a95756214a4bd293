import { isCount, isDurationSeconds, MAX_COUNT, secondsToMicros } from '../days/day-table-domain.js';
import { DataError } from '../util/errors.js';

/**
 * What each field of an ingested record may hold (issue 12), shared by the readers so that every number and address
 * they accept is one a day table can hold and give back (see days/day-table-domain.ts): a value outside its field's
 * domain is a counted, located skip. Not part of the public API.
 *
 * - ports 0 to 65535 (validated only, not stored);
 * - packets and bytes: whole numbers 0 to 2^53 − 1;
 * - durations: finite seconds from 0 to 2^53 µs, summed as whole µs;
 * - times: from 1970-01-01 (inclusive: some samples hold relative times like ts 22.3) to 2100-01-01 (exclusive), as
 *   epoch seconds; checked where a time becomes a day (AttackTableBuilder), so no reader can miss it.
 */

/**
 * A format's names of the fields a record's values come from, for located messages: the time, the originator and
 * responder addresses, and (where the format has one) the field each sum comes from.
 */
export interface RecordFields {
  ts: string;
  orig: string;
  resp: string;
  flows?: string | undefined;
  duration?: string | undefined;
  packets?: string | undefined;
  bytes?: string | undefined;
}

/** Zeek conn log field names (TSV and JSON). */
export const ZEEK_RECORD_FIELDS: RecordFields = {
  ts: 'ts',
  orig: 'id.orig_h',
  resp: 'id.resp_h',
  duration: 'duration',
  packets: 'orig_pkts',
  bytes: 'orig_ip_bytes',
};

/** The first day number a record's time may fall on: 1970-01-01. */
export const FIRST_DAY = 0;
/** The day number of 2100-01-01, the first day a time may not fall on. */
export const END_DAY = 47_482;

export const MAX_PORT = 65_535;

/** Skip reasons of values outside their domain. */
export const BAD_PORT = 'bad port';
export const BAD_COUNT = 'bad count';
export const BAD_DURATION = 'bad duration';

/** Whether a JSON value is a port: a whole number 0..65535, or a string of up to five digits that is one. */
export function isJsonPort(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= MAX_PORT;
  return typeof value === 'string' && /^\d{1,5}$/.test(value) && Number(value) <= MAX_PORT;
}

/**
 * A count from a JSON value (a number, or a non-blank string as Number() reads it): the whole number, or -1
 * when it is none (a fraction, negative, past 2^53 − 1, not a number). Absent (undefined, null) is 0.
 */
export function jsonCount(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const v = typeof value === 'string' ? jsonNumberText(value) : value;
  return typeof v === 'number' && isCount(v) ? v + 0 : -1;
}

/**
 * A duration from a JSON value (seconds as a number, or a non-blank string Number() reads) as whole microseconds, or -1 when it
 * is none (negative, past 2^53 µs, not a number). Absent (undefined, null) is 0.
 */
export function jsonDurationMicros(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const v = typeof value === 'string' ? jsonNumberText(value) : value;
  return typeof v === 'number' && isDurationSeconds(v) ? secondsToMicros(v) : -1;
}

/** A number written as a JSON string, as Number() reads it, but a blank string is no number (Number('') is 0). */
function jsonNumberText(text: string): number {
  return text.trim() === '' ? Number.NaN : Number(text);
}

/** What a count outside its domain is, for a skip's message. */
export function countProblem(text: string): string {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) return `not a number: '${text.slice(0, 60)}'`;
  if (v < 0) return `negative: '${text.slice(0, 60)}'`;
  if (!Number.isInteger(v)) return `not a whole number: '${text.slice(0, 60)}'`;
  return `'${text.slice(0, 60)}' is above 2^53 − 1 (${MAX_COUNT}), more than a day table holds exactly`;
}

/** What a duration outside its domain is, for a skip's message. */
export function durationProblem(text: string): string {
  const v = Number(text);
  if (text.trim() === '' || Number.isNaN(v)) return `not a number: '${text.slice(0, 60)}'`;
  if (v < 0) return `negative: '${text.slice(0, 60)}'`;
  return `'${text.slice(0, 60)}' s is past 2^53 µs, longer than a day table holds`;
}

/** The located error of a day's sum that would pass what a day table holds (see DayAggregator.addToRow). */
export function sumTooLarge(
  column: 'flows' | 'duration' | 'packets' | 'bytes',
  ip: string,
  date: string,
  where: { file?: string | undefined; line?: number | undefined; field?: string | undefined },
): DataError {
  const bound = column === 'duration' ? '2^53 µs' : `2^53 − 1 (${MAX_COUNT})`;
  const location: { file?: string; line?: number; field?: string } = {};
  if (where.file !== undefined) location.file = where.file;
  if (where.line !== undefined) location.line = where.line;
  if (where.field !== undefined) location.field = where.field;
  return new DataError(
    `the ${column} of ${ip} on ${date} would sum past ${bound}, more than a day table holds exactly`,
    location,
  );
}
