import type { AttackTableBuilder } from '../attack-table-builder.js';
import type { ReadStats } from '../input-files.js';
import type { SkipCounter } from '../skips.js';

export interface ReadContext {
  collector: AttackTableBuilder;
  skips: SkipCounter;
  /** Compressed bytes read so far, for progress. */
  onRawBytes?: (n: number) => void;
  /** File-level notes for the manifest (a missing optional column...). */
  warnings: string[];
  /** The reader options given to ingest (`--tz`, `--attack`), already checked against the format's `options`. */
  reader: ReaderOptions;
}

/**
 * Options that change how a format reads its input, given on the command line (`aiplab ingest --tz … --attack …`) and
 * recorded in the manifest. A format lists the ones it takes in `InputFormat.options`; any other is a usage error.
 */
export interface ReaderOptions {
  /** IANA time zone the input's local times are in (nfdump prints local time). @default 'UTC' */
  tz?: string;
  /** Which records are attacks (Cowrie: `connections`, every session; `login-success`, only IPs that logged in). */
  attack?: string;
}

/** An input format ingest can read: one file each, registered in `registry.ts`. */
export interface InputFormat {
  name: string;
  description: string;
  /** Whether attacks are identified by a honeypot list (`--honeypots`). */
  needsHoneypots: boolean;
  /** Reader options this format takes (`tz`, `attack`), with the values it accepts (undefined: any). */
  options?: { [K in keyof ReaderOptions]?: readonly string[] | undefined };
  /** Which files in a given folder belong to this format (files named on the command line are always read). */
  accept(fileName: string): boolean;
  /** Reads one file into the collector; returns what was read, for the manifest. */
  read(path: string, display: string, ctx: ReadContext): Promise<ReadStats & { lines: number }>;
}
