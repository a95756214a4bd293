/** UTC calendar days as `YYYY-MM-DD` strings and as integer day numbers (days since 1970-01-01). */
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses `YYYY-MM-DD` strictly (real calendar date) into a day number, or returns undefined. */
export function parseDay(text: string): number | undefined {
  const m = DAY_RE.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d)
    return undefined;
  return ms / MS_PER_DAY;
}

export function isDay(text: string): boolean {
  return parseDay(text) !== undefined;
}

/**
 * Day number → `YYYY-MM-DD`. A day number no Date can hold (NaN, or past ±100 million days) is a RangeError naming it,
 * not Date's bare "Invalid time value"; ingest refuses such times before they become days.
 */
export function formatDay(dayNumber: number): string {
  const date = new Date(dayNumber * MS_PER_DAY);
  if (Number.isNaN(date.getTime())) throw new RangeError(`day number ${dayNumber} is no date`);
  return date.toISOString().slice(0, 10);
}

/** Day number of a UTC epoch time in seconds. */
export function dayOfEpochSeconds(seconds: number): number {
  return Math.floor(seconds / 86_400);
}

export function addDays(day: string, n: number): string {
  const d = parseDay(day);
  if (d === undefined) throw new RangeError(`not a YYYY-MM-DD date: ${day}`);
  return formatDay(d + n);
}

/** Every day from `from` to `to`, inclusive. */
export function dayRange(from: string, to: string): string[] {
  const a = parseDay(from);
  const b = parseDay(to);
  if (a === undefined || b === undefined)
    throw new RangeError(`not a YYYY-MM-DD date: ${a === undefined ? from : to}`);
  const out: string[] = [];
  for (let d = a; d <= b; d++) out.push(formatDay(d));
  return out;
}
