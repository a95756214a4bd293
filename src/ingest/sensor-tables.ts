import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type DayTable, dayTableFileName, emptyDayTable, totalFlows } from '../days/day-table.js';
import { dayTableToGzip, parseDayTableCsv } from '../days/day-table-csv.js';
import type { DayEntry, SensorEntry } from '../days/manifest.js';
import { SENSORS_FOLDER, sensorDirs } from '../days/sensor-dirs.js';
import { pickRows, sumDayTables } from '../days/sum-day-tables.js';
import { UsageError } from '../util/errors.js';
import { sha256 } from '../util/sha256.js';
import type { PartResult } from './read-part.js';

/** The sensor of a record that names none (a Cowrie event without `sensor`), under --per-sensor. */
export const UNKNOWN_SENSOR = 'unknown';

/** A sensor's day tables written by one collector (AttackTableBuilder.finishPart): files relative to its tmpDir. */
export interface PartSensor {
  id: string;
  entries: DayEntry[];
}

/** --per-sensor needs records that name their sensor: aip input is whole day tables, which do not. */
export function checkPerSensor(format: string, perSensor: boolean | undefined): void {
  if (perSensor && format === 'aip')
    throw new UsageError(
      '--per-sensor: aip input is whole day tables, which name no sensor (per-sensor tables need flows or events)',
    );
}

/** The sensors of a dataset being committed: their manifest entries, and where each of their files is now. */
export interface MergedSensors {
  sensors: SensorEntry[];
  /** Source path of each sensor file, by its path relative to the dataset folder (SensorEntry.days[].file). */
  paths: Map<string, string>;
}

/**
 * Joins the parts' per-sensor day tables (`ingest --per-sensor`) for the dataset's days: a sensor's table of a day is
 * the sum of the parts' tables of it (one part's file taken as it is), header-only where the sensor saw nothing that
 * day, so every sensor has a table for every day the dataset has. Sensors are the ids any part saw, in code-unit
 * order, each in its folder `sensors/<dir>/` (sensorDirs). The dataset's day tables are final here (`dayPaths`); a
 * rule applied to them after reading (Cowrie `--attack login-success` removes rows) removes the same IPs' rows from
 * the sensors' tables, and the sum over sensors of each day's tables is checked to be the day's table: that is what
 * the sensors' tables mean.
 */
export function mergeSensorParts(
  parts: PartResult[],
  partDirs: string[],
  tmpDir: string,
  days: DayEntry[],
  dayPaths: Map<string, string>,
): MergedSensors {
  /** Per sensor id, per date: the parts' entries and files. */
  const byId = new Map<string, Map<string, { entry: DayEntry; path: string }[]>>();
  parts.forEach((part, k) => {
    for (const s of part.sensors ?? []) {
      let byDate = byId.get(s.id);
      if (byDate === undefined) {
        byDate = new Map();
        byId.set(s.id, byDate);
      }
      for (const entry of s.entries) {
        const list = byDate.get(entry.date) ?? [];
        list.push({ entry, path: join(partDirs[k]!, entry.file) });
        byDate.set(entry.date, list);
      }
    }
  });
  const ids = [...byId.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const dirs = sensorDirs(ids);
  for (const id of ids) mkdirSync(join(tmpDir, SENSORS_FOLDER, dirs.get(id)!), { recursive: true });
  const sensors: SensorEntry[] = ids.map((id) => ({ id, dir: dirs.get(id)!, days: [] }));
  const paths = new Map<string, string>();
  const read = (path: string, date: string) =>
    parseDayTableCsv(gunzipSync(readFileSync(path)).toString('utf8'), date, path).table;
  for (const day of days) {
    const { date } = day;
    const dayTable = read(dayPaths.get(date)!, date);
    const inDay = new Set(dayTable.ip);
    const tables: DayTable[] = [];
    ids.forEach((id, k) => {
      const file = `${SENSORS_FOLDER}/${sensors[k]!.dir}/${dayTableFileName(date)}`;
      const sources = byId.get(id)!.get(date) ?? [];
      let table = emptyDayTable(date);
      if (sources.length > 0) {
        const summed = sumDayTables(
          date,
          sources.map((x) => read(x.path, date)),
        );
        table = keepRows(summed, inDay);
        if (sources.length === 1 && table === summed) {
          sensors[k]!.days.push({ ...sources[0]!.entry, file });
          paths.set(file, sources[0]!.path);
          tables.push(table);
          return;
        }
      }
      const gz = dayTableToGzip(table);
      const path = join(tmpDir, file);
      writeFileSync(path, gz);
      sensors[k]!.days.push({
        date,
        file,
        rows: table.ip.length,
        flows: totalFlows(table),
        sha256: sha256(gz),
      });
      paths.set(file, path);
      tables.push(table);
    });
    if (ids.length > 0) checkSum(dayTable, sumDayTables(date, tables));
  }
  return { sensors, paths };
}

/** The table with only the rows of IPs in `keep`; the table itself when it has no other. */
function keepRows(table: DayTable, keep: Set<string>): DayTable {
  const rows: number[] = [];
  for (let i = 0; i < table.ip.length; i++) if (keep.has(table.ip[i]!)) rows.push(i);
  return rows.length === table.ip.length ? table : pickRows(table, rows);
}

/** The day's table must be the sum of its sensors' tables: anything else is a bug (a plain Error). */
function checkSum(day: DayTable, sum: DayTable): void {
  const same =
    day.ip.length === sum.ip.length &&
    day.ip.every((ip, i) => ip === sum.ip[i]) &&
    (['flows', 'duration', 'packets', 'bytes'] as const).every((c) =>
      day[c].every((v, i) => v === sum[c][i]),
    );
  if (!same)
    throw new Error(
      `per-sensor tables of ${day.date} do not sum to the day's table (${sum.ip.length} IPs, ${totalFlows(sum)} flows; the day: ${day.ip.length} IPs, ${totalFlows(day)} flows)`,
    );
}
