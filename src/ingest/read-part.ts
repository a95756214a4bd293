import type { DayEntry, InputFileEntry } from '../days/manifest.js';
import { parseDay } from '../util/dates.js';
import { AttackTableBuilder } from './attack-table-builder.js';
import type { ReaderOptions } from './formats/input-format.js';
import { getInputFormat } from './formats/registry.js';
import type { HoneypotList } from './honeypots.js';
import { cancelPrefetch, type InputFile, prefetchFile } from './input-files.js';
import { loginDaysRecord } from './login-filter.js';
import { type PartSensor, UNKNOWN_SENSOR } from './sensor-tables.js';
import { type OnError, SkipCounter } from './skips.js';

export interface PartOptions {
  format: string;
  /** Files to read, in order. */
  files: InputFile[];
  honeypots: HoneypotList | null;
  from: number | undefined;
  to: number | undefined;
  onError: OnError;
  /** Reader options (`--tz`, `--attack`), checked against the format. */
  reader: ReaderOptions;
  /** Where this part writes its day tables. */
  tmpDir: string;
  /** Also write per-sensor day tables (`ingest --per-sensor`). @default false */
  perSensor?: boolean;
}

/** What reading a run of input files gave: day tables written to `tmpDir`, and the books. */
export interface PartResult {
  entries: DayEntry[];
  covered: number[];
  malformed: Record<string, number>;
  dropped: Record<string, number>;
  examples: Record<string, string[]>;
  inputs: InputFileEntry[];
  /** Per input (as `inputs`): whether reading it gave no record and no malformed line (a header-only file). */
  recordless?: boolean[];
  records: number;
  reopened: number;
  warnings: string[];
  /** --per-sensor: the sensors this part saw, each with its day tables (files relative to tmpDir). */
  sensors?: PartSensor[];
  /**
   * Cowrie `--attack login-success`: per date, the IPs that logged in (login-filter.ts); the tables still hold every
   * IP, for the merge of the whole ingest's parts to filter. Absent otherwise.
   */
  loggedIn?: Record<string, string[]>;
}

/**
 * Reads files in order into one AttackTableBuilder: the next file is read ahead while one is parsed, and days are
 * flushed to disk as soon as the Zeek day folders still to come can no longer touch them.
 */
export async function readPart(options: PartOptions, onRawBytes?: (n: number) => void): Promise<PartResult> {
  const { files } = options;
  const format = getInputFormat(options.format);
  const skips = new SkipCounter(options.onError);
  const collector = new AttackTableBuilder({
    honeypots: options.honeypots,
    from: options.from,
    to: options.to,
    skips,
    tmpDir: options.tmpDir,
    ...(options.perSensor ? { perSensor: true } : {}),
  });
  const warnings: string[] = [];
  const inputs: InputFileEntry[] = [];
  const recordless: boolean[] = [];
  // earliestLater[k]: the first day any file from k on belongs to (NaN if one of them belongs to no day folder).
  const earliestLater = new Float64Array(files.length + 1).fill(Number.POSITIVE_INFINITY);
  for (let k = files.length - 1; k >= 0; k--) {
    const d = files[k]!.coversDay !== undefined ? parseDay(files[k]!.coversDay!) : undefined;
    earliestLater[k] = d === undefined ? Number.NaN : Math.min(d, earliestLater[k + 1]!);
  }
  try {
    for (let k = 0; k < files.length; k++) {
      const file = files[k]!;
      if (k + 1 < files.length) prefetchFile(files[k + 1]!.path, onRawBytes);
      const recordsBefore = collector.records;
      const malformedBefore = skips.totalMalformed;
      const stats = await format.read(file.path, file.display, {
        collector,
        skips,
        onRawBytes,
        warnings,
        reader: options.reader,
      });
      const covers = file.coversDay !== undefined ? parseDay(file.coversDay) : undefined;
      if (covers !== undefined) collector.cover(covers);
      inputs.push({ path: file.display, bytes: stats.bytes, sha256: stats.sha256, lines: stats.lines });
      recordless.push(collector.records === recordsBefore && skips.totalMalformed === malformedBefore);
      const noSensor = collector.takeNoSensor();
      if (noSensor > 0)
        warnings.push(
          `${file.display}: ${noSensor} record(s) name no sensor: counted as sensor '${UNKNOWN_SENSOR}' (--per-sensor)`,
        );
      // Day folders arrive in order: once every remaining file belongs to a later folder, days before the
      // previous one can take no more records (a file can spill a little into the next or previous UTC day).
      const next = earliestLater[k + 1]!;
      if (k + 1 < files.length && Number.isFinite(next)) collector.flushBefore(next - 1);
    }
  } finally {
    cancelPrefetch();
  }
  const { entries, covered, sensors } = collector.finishPart();
  const report = skips.report();
  return {
    entries,
    covered,
    malformed: report.malformed,
    dropped: report.dropped,
    examples: report.examples,
    inputs,
    recordless,
    records: collector.records,
    reopened: collector.reopened,
    warnings,
    ...(sensors !== undefined ? { sensors } : {}),
    ...(collector.loggedIn !== undefined ? { loggedIn: loginDaysRecord(collector.loggedIn) } : {}),
  };
}
