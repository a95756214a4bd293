import type { AttackCollector } from '../attack-collector.js';
import type { ReadStats } from '../input-files.js';
import type { SkipCounter } from '../skips.js';

export interface ReadContext {
  collector: AttackCollector;
  skips: SkipCounter;
  /** Compressed bytes read so far, for progress. */
  onRawBytes?: (n: number) => void;
  /** File-level notes for the manifest (a missing optional column...). */
  warnings: string[];
}

/** An input format ingest can read: one file each, registered in `registry.ts`. */
export interface InputFormat {
  name: string;
  description: string;
  /** Whether attacks are identified by a honeypot list (`--honeypots`). */
  needsHoneypots: boolean;
  /** Which files in a given folder belong to this format (files named on the command line are always read). */
  accept(fileName: string): boolean;
  /** Reads one file into the collector; returns what was read, for the manifest. */
  read(path: string, display: string, ctx: ReadContext): Promise<ReadStats & { lines: number }>;
}
