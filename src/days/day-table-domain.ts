/**
 * What a day table's numbers may be (issue 12): the values the writer writes and the reader reads back exactly.
 *
 * - flows, packets, bytes: whole numbers from 0 to 2^53 − 1 (the integers a double holds exactly, so every sum of
 *   them is exact or refused);
 * - duration: seconds, finite, from 0 to 2^53 µs. Ingest sums durations as whole microseconds (Zeek's resolution),
 *   so a day table's duration is a number of µs / 10^6, written with at most six decimals.
 *
 * Not part of the public API: ingest and the day-table reader and writer share it.
 */

/** The largest flows, packets or bytes a day table holds: 2^53 − 1. */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** The largest duration sum, in µs: 2^53 (exact as a double, and every sum up to it is exact). */
export const MAX_DURATION_US = 2 ** 53;

/** The largest duration in seconds: 2^53 µs (9 007 199 254.740992 s, some 285 years). */
export const MAX_DURATION_SECONDS = MAX_DURATION_US / 1e6;

/** Whether `v` is a count a day table holds: a whole number from 0 to 2^53 − 1 (false for NaN and infinities). */
export function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;
}

/** Whether `v` is a duration in seconds a day table holds: from 0 to 2^53 µs. */
export function isDurationSeconds(v: number): boolean {
  return v >= 0 && v <= MAX_DURATION_SECONDS;
}

/**
 * A duration in seconds as whole microseconds, rounded to the nearest (of the double's exact value; a tie rounds
 * up). Up to 2^20 s the product with 10^6 is within 2^-14 of its exact value, so Math.round is right unless that
 * value is within 10^-4 of a half; otherwise (and for longer durations) the digits of toFixed(6), which rounds the
 * exact value, are the answer. `seconds` must be a duration (isDurationSeconds); the result is then at most
 * MAX_DURATION_US. Exact both ways below 2^32 s: secondsToMicros(us / 1e6) === us.
 */
export function secondsToMicros(seconds: number): number {
  const r = seconds * 1e6;
  if (r < 2 ** 40) {
    const fraction = r - Math.floor(r);
    if (Math.abs(fraction - 0.5) > 1e-4) return Math.round(r);
  }
  const text = seconds.toFixed(6);
  const dot = text.length - 7;
  return Number(text.slice(0, dot) + text.slice(dot + 1));
}
