import type { InputFile } from '../ingest/input-files.js';

/**
 * How the dated input files of a format close (see completeInput):
 * - `later-day`: a file (or day folder) of day d may still grow until the writer has moved on: it is complete once
 *   the input holds a file of a later day, or a live file (one that names no day: Zeek's `current/conn.log`, Cowrie's
 *   `cowrie.json`) while d is before today. Zeek day folders fill hour by hour, Suricata's or nfdump's dated files
 *   likewise; a rotated Cowrie file is complete as soon as the live one exists beside it.
 * - `written-whole`: a file of day d is written once, whole (an AIP `attacks.YYYY-MM-DD.csv`, written after its
 *   day): complete as soon as it is there and d is before today.
 */
export type ClosingRule = 'later-day' | 'written-whole';

/** The input formats whose day files are written whole; every other format (and any added later) is `later-day`. */
const WRITTEN_WHOLE = new Set(['aip']);

export function closingRuleOf(format: string): ClosingRule {
  return WRITTEN_WHOLE.has(format) ? 'written-whole' : 'later-day';
}

/** The input files sorted by what aiplab daily may do with them on `today`. */
export interface InputDays {
  /** Files of a complete day: read once, in path order. */
  complete: InputFile[];
  /** Files of a day that is not complete yet (today's, or the newest day with no evidence the writer moved on). */
  open: InputFile[];
  /** Files that name no day (live logs): never read. */
  live: InputFile[];
  /** Per day named by some file: whether it is complete. */
  days: Map<string, boolean>;
}

/**
 * Which input files are complete on `today` (`YYYY-MM-DD`, the UTC date of --now), going by the day each file's folder
 * or name gives (InputFile.coversDay) and the format's ClosingRule, so a new reader fits without change as long as its
 * dated files say their day. A day on or after today is never complete. A file that names no day is live: never read.
 */
export function completeInput(files: readonly InputFile[], today: string, rule: ClosingRule): InputDays {
  const live = files.filter((f) => f.coversDay === undefined);
  let newest = '';
  for (const f of files) if (f.coversDay !== undefined && f.coversDay > newest) newest = f.coversDay;
  const days = new Map<string, boolean>();
  const isComplete = (d: string): boolean => {
    if (d >= today) return false;
    if (rule === 'written-whole') return true;
    return d < newest || live.length > 0;
  };
  const complete: InputFile[] = [];
  const open: InputFile[] = [];
  for (const f of files) {
    const d = f.coversDay;
    if (d === undefined) continue;
    let ok = days.get(d);
    if (ok === undefined) {
      ok = isComplete(d);
      days.set(d, ok);
    }
    (ok ? complete : open).push(f);
  }
  return { complete, open, live, days };
}
