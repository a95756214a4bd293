import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { dayTableFileName, emptyDayTable } from '../days/day-table.js';
import { dayTableToGzip } from '../days/day-table-csv.js';
import {
  type DatasetManifest,
  type DayEntry,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type SensorEntry,
} from '../days/manifest.js';
import { SENSORS_FOLDER } from '../days/sensor-dirs.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { sha256 } from '../util/sha256.js';
import { VERSION } from '../version.js';
import type { AipDayResult } from './aip-day.js';

export interface SensorManifestInput {
  /** The written days' results, in day order, with their sensors' tables (world.sensors). */
  results: AipDayResult[];
  /** The dates of the days, in order (results[k] is day k). */
  dates: string[];
  /** Honeypot addresses by honeypot index, and their folders under sensors/. */
  hpIp: string[];
  sensorDir: string[];
  honeypots: NonNullable<DatasetManifest['honeypots']>;
  /** Conn records simulated. */
  records: number;
  /** Paths written so far (relative): the sensors' tables are added, sensor by sensor, day by day. */
  files: string[];
}

/**
 * Completes a synth aip output with sensors (SynthOptions.sensorOverlap) into a dataset as `ingest --per-sensor` of
 * the zeek output makes it: every sensor (a honeypot with a counted flow on some day, in code-unit order of its
 * address) gets a header-only table for each day it saw nothing, and `manifest.json` lists the day tables and the
 * sensors' tables with their sha256, so openDataset finds the sensors. The days and sensors entries are those that
 * ingest writes; the rest of the manifest says it was made by synth (format `synth`, no inputs).
 */
export async function writeSensorManifest(outDir: string, d: SensorManifestInput): Promise<void> {
  const days: DayEntry[] = d.results.map((r) => ({
    date: d.dates[r.d]!,
    file: dayTableFileName(d.dates[r.d]!),
    rows: r.rows.length,
    flows: r.counts.attackFlows,
    sha256: r.sha256!,
  }));
  const byHp = new Map<number, Map<number, DayEntry>>();
  for (const r of d.results) {
    const date = d.dates[r.d]!;
    for (const t of r.sensors!) {
      const file = `${SENSORS_FOLDER}/${d.sensorDir[t.hp]}/${dayTableFileName(date)}`;
      const list = byHp.get(t.hp) ?? new Map<number, DayEntry>();
      list.set(r.d, { date, file, rows: t.rows, flows: t.flows, sha256: t.sha256 });
      byHp.set(t.hp, list);
    }
  }
  const hps = [...byHp.keys()].sort((a, b) => (d.hpIp[a]! < d.hpIp[b]! ? -1 : 1));
  const empty = dayTableToGzip(emptyDayTable(''));
  const emptySha = sha256(empty);
  const sensors: SensorEntry[] = [];
  for (const hp of hps) {
    const written = byHp.get(hp)!;
    const entries: DayEntry[] = [];
    for (const r of d.results) {
      const entry = written.get(r.d);
      if (entry !== undefined) {
        d.files.push(entry.file);
        entries.push(entry);
        continue;
      }
      const date = d.dates[r.d]!;
      const file = `${SENSORS_FOLDER}/${d.sensorDir[hp]}/${dayTableFileName(date)}`;
      await mkdir(join(outDir, SENSORS_FOLDER, d.sensorDir[hp]!), { recursive: true });
      await writeFileAtomic(join(outDir, file), empty);
      d.files.push(file);
      entries.push({ date, file, rows: 0, flows: 0, sha256: emptySha });
    }
    sensors.push({ id: d.hpIp[hp]!, dir: d.sensorDir[hp]!, days: entries });
  }
  const manifest: DatasetManifest = {
    manifestVersion: MANIFEST_VERSION,
    aiplabVersion: VERSION,
    format: 'synth',
    inputs: [],
    honeypots: d.honeypots,
    from: days[0]?.date ?? null,
    to: days[days.length - 1]?.date ?? null,
    days,
    missingDays: [],
    records: d.records,
    attackFlows: days.reduce((a, x) => a + x.flows, 0),
    skipped: { malformed: {}, dropped: {}, examples: {} },
    warnings: [],
    sensors,
  };
  await writeFileAtomic(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  d.files.push(MANIFEST_FILE);
}
