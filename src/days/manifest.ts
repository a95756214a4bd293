/** The dataset manifest (`manifest.json`) written by ingest and read by openDataset. */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface DayEntry {
  date: string;
  /**
   * The table's path relative to the dataset folder: `attacks.YYYY-MM-DD.csv.gz`, or for a sensor's table
   * `sensors/<dir>/attacks.YYYY-MM-DD.csv.gz`.
   */
  file: string;
  rows: number;
  flows: number;
  sha256: string;
}

export interface InputFileEntry {
  /** Path as given on the command line, or inside a given folder relative to it. */
  path: string;
  bytes: number;
  sha256: string;
  /** Lines (records and headers) read from the file. */
  lines: number;
}

export interface SkipReport {
  /** Malformed input, by reason: counted, never silent. */
  malformed: Record<string, number>;
  /** Records that are well formed but are not attacks under AIP's rule, by reason. */
  dropped: Record<string, number>;
  /** Up to a few located examples per reason, `file:line: field 'x': message`. */
  examples: Record<string, string[]>;
}

export interface DatasetManifest {
  manifestVersion: number;
  aiplabVersion: string;
  format: string;
  inputs: InputFileEntry[];
  honeypots: { path: string; sha256: string; count: number } | null;
  /** Reader options the input was read with (`tz`, `attack`); absent when none was given. */
  reader?: { tz?: string; attack?: string };
  from: string | null;
  to: string | null;
  days: DayEntry[];
  /** Days inside [from, to] that no input covered: unknown, not empty. */
  missingDays: string[];
  records: number;
  attackFlows: number;
  skipped: SkipReport;
  warnings: string[];
  /**
   * Per-sensor day tables (`ingest --per-sensor`; see docs/sensors.md): each sensor that saw an attack record, by id
   * ascending (code-unit order), with its folder under `sensors/` and a table for every day in `days` (header-only
   * when it saw nothing that day). Absent when the dataset keeps none.
   */
  sensors?: SensorEntry[];
}

/** One sensor of a dataset: its id (honeypot address, Cowrie `sensor`), its folder, its day tables. */
export interface SensorEntry {
  id: string;
  /** The folder name under `sensors/`: the id made file-safe (sensorDirs). */
  dir: string;
  /** One entry per day of the dataset's `days`, same dates, files `sensors/<dir>/attacks.YYYY-MM-DD.csv.gz`. */
  days: DayEntry[];
}
