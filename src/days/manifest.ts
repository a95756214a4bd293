/** The dataset manifest (`manifest.json`) written by ingest and read by openDataset. */
export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface DayEntry {
  date: string;
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
}
