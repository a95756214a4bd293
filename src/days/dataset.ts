import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { dayRange } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import { recoverDatasetFolder } from './dataset-replace.js';
import { verifyAipFolder, verifyManifestDataset } from './dataset-verify.js';
import { type DayTable, dayTableFileName } from './day-table.js';
import { readDayTableFile } from './day-table-csv.js';
import { type DatasetManifest, MANIFEST_FILE } from './manifest.js';
import { sumDayTables } from './sum-day-tables.js';

/**
 * A folder of day tables. With a manifest (written by ingest) its days and missing days come from it; without one
 * (an AIP `data/processed/` folder) they come from the file names, and every gap between the first and last day is
 * missing. A missing day is unknown, never empty.
 */
export interface Dataset {
  dir: string;
  manifest: DatasetManifest | null;
  /** Days that have a table (possibly with no rows), ascending. */
  days: string[];
  /** Days inside [firstDay, lastDay] with no table. */
  missingDays: string[];
  firstDay: string | undefined;
  lastDay: string | undefined;
  has(date: string): boolean;
  readDayTable(date: string): Promise<DayTable>;
  /**
   * The file readDayTable reads for a day (an `attacks.YYYY-MM-DD.csv[.gz]`), when the dataset is a folder: lets a
   * reader read days ahead on another thread. Absent for datasets held in memory.
   */
  fileOf?(date: string): string | undefined;
  /**
   * What opening it found worth saying (openDataset sets it, possibly empty): changes accepted with trustChanges, a
   * folder whose day files cannot be recorded for later verification. The CLI prints them.
   */
  warnings?: string[];
  /**
   * Sensors with their own day tables (`ingest --per-sensor`: the honeypot address for flow formats, Cowrie's
   * `sensor` field), ascending. Absent or empty when the dataset keeps none.
   */
  sensors?: string[];
  /**
   * The dataset as a set of its sensors saw it: the same days and missing days, each day's table the row-wise sum
   * of those sensors' tables (an IP seen by two of them: their rows added). An unknown sensor is a UsageError naming
   * the known ones. Present whenever `sensors` is non-empty.
   */
  sensorView?(sensors: readonly string[]): Dataset;
}

export interface OpenDatasetOptions {
  /**
   * Accept day tables that changed since ingest (or since aiplab first recorded them, in a folder without a
   * manifest) instead of stopping with an error: they are re-read and their manifest entries rewritten, so the
   * dataset's fingerprint changes; a warning names them. @default false
   */
  trustChanges?: boolean;
}

const ATTACK_FILE_RE = /^attacks\.(\d{4}-\d{2}-\d{2})\.csv(\.gz)?$/;

/**
 * Opens a dataset folder and checks it holds what it says (dataset-verify.ts): each day table's sha256 against the
 * manifest's (re-hashing only the tables whose size or times changed since last checked), or in a folder without a
 * manifest against the sha256 recorded when aiplab first saw it. A changed or vanished table is a DataError naming it,
 * unless `trustChanges`. A replacement an interrupted ingest left half done is finished (or undone) first. A dataset
 * with per-sensor tables (`ingest --per-sensor`: the manifest's `sensors`) has `sensors` and `sensorView` set, and its
 * sensor tables are checked as its day tables are.
 */
export async function openDataset(
  dir: string,
  options: OpenDatasetOptions = {},
): Promise<Dataset & { warnings: string[] }> {
  await recoverDatasetFolder(dir);
  const warnings: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new DataError(
      `cannot open dataset folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        file: dir,
      },
    );
  }
  let manifest: DatasetManifest | null = null;
  const files = new Map<string, string>();
  if (names.includes(MANIFEST_FILE)) {
    const path = join(dir, MANIFEST_FILE);
    try {
      manifest = JSON.parse(await readFile(path, 'utf8')) as DatasetManifest;
    } catch (error) {
      throw new DataError(`unreadable manifest: ${(error as Error).message}`, {
        file: path,
      });
    }
    const verified = await verifyManifestDataset(dir, manifest, options);
    manifest = verified.manifest;
    warnings.push(...verified.warnings);
    for (const d of manifest.days) files.set(d.date, join(dir, d.file));
  } else {
    for (const name of names) {
      const m = ATTACK_FILE_RE.exec(name);
      if (!m) continue;
      if (files.has(m[1]!))
        throw new DataError(`two files for day ${m[1]}`, {
          file: join(dir, name),
        });
      files.set(m[1]!, join(dir, name));
    }
    const verified = await verifyAipFolder(
      dir,
      [...files.values()].map((path) => basename(path)),
      options,
    );
    warnings.push(...verified.warnings);
  }
  const days = [...files.keys()].sort();
  const firstDay = days[0];
  const lastDay = days[days.length - 1];
  let missingDays: string[];
  if (manifest) missingDays = [...manifest.missingDays];
  else missingDays = firstDay && lastDay ? dayRange(firstDay, lastDay).filter((d) => !files.has(d)) : [];
  const dataset: Dataset & { warnings: string[] } = {
    dir,
    manifest,
    days,
    missingDays,
    firstDay,
    lastDay,
    warnings,
    has: (date) => files.has(date),
    fileOf: (date) => files.get(date),
    readDayTable: (date) => readTable(files.get(date), date),
  };
  /** A day's table from its file; a day without one is a DataError saying whether it is missing or outside. */
  function readTable(path: string | undefined, date: string): Promise<DayTable> {
    if (path === undefined) {
      const why = missingDays.includes(date) ? 'a missing day (no data)' : 'outside the dataset';
      return Promise.reject(new DataError(`no day table for ${date}: ${why}`, { file: dir }));
    }
    return readDayTableFile(path, date);
  }
  if (manifest?.sensors && manifest.sensors.length > 0) {
    /** Per sensor id, its table file by date. */
    const sensorFiles = new Map<string, Map<string, string>>();
    for (const s of manifest.sensors)
      sensorFiles.set(s.id, new Map(s.days.map((d) => [d.date, join(dir, d.file)])));
    const known = [...sensorFiles.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    dataset.sensors = known;
    dataset.sensorView = (sensors) => {
      if (sensors.length === 0)
        throw new UsageError(`a sensor view needs at least one sensor (known: ${known.join(', ')})`);
      const unknown = sensors.filter((s) => !sensorFiles.has(s));
      if (unknown.length > 0)
        throw new UsageError(
          `unknown sensor${unknown.length === 1 ? '' : 's'} ${unknown.map((s) => `'${s}'`).join(', ')} in ${dir} (known: ${known.join(', ')})`,
        );
      const chosen = [...new Set(sensors)].map((s) => sensorFiles.get(s)!);
      const view: Dataset = {
        dir,
        manifest,
        days,
        missingDays,
        firstDay,
        lastDay,
        has: (date) => files.has(date),
        readDayTable: async (date) => {
          if (!files.has(date)) return readTable(undefined, date);
          const tables = await Promise.all(chosen.map((f) => readTable(f.get(date), date)));
          return sumDayTables(date, tables);
        },
      };
      // One sensor's table is a file a reader can read ahead; a sum of several is not.
      if (chosen.length === 1) view.fileOf = (date) => (files.has(date) ? chosen[0]!.get(date) : undefined);
      return view;
    };
  }
  return dataset;
}

/** Path of a day table inside a dataset folder written by ingest. */
export function dayTablePath(dir: string, date: string): string {
  return join(dir, dayTableFileName(date));
}

/** One day table of a dataset folder (a shortcut for `(await openDataset(dir)).readDayTable(date)`). */
export async function readDayTable(dir: string, date: string): Promise<DayTable> {
  return (await openDataset(dir)).readDayTable(date);
}
