import type { SkipReport } from '../days/manifest.js';
import { DataError, formatLocation } from '../util/errors.js';

export type OnError = 'skip' | 'fail';

const EXAMPLES_PER_REASON = 3;

/**
 * Counts what ingest does not turn into attacks. Malformed records are skips (or, with `--on-error fail`, the first
 * one is an error naming file, line and field); well-formed records that AIP's rule excludes are drops.
 */
export class SkipCounter {
  readonly malformed: Record<string, number> = {};
  private readonly drops = new Map<string, number>();
  readonly examples: Record<string, string[]> = {};

  constructor(private readonly onError: OnError = 'skip') {}

  malformedRecord(reason: string, message: string, file: string, line: number, field?: string): void {
    const where = field === undefined ? { file, line } : { file, line, field };
    if (this.onError === 'fail') throw new DataError(message, where);
    this.malformed[reason] = (this.malformed[reason] ?? 0) + 1;
    const list = this.examples[reason] ?? [];
    this.examples[reason] = list;
    if (list.length < EXAMPLES_PER_REASON) list.push(formatLocation(where) + message);
  }

  drop(reason: string, n = 1): void {
    this.drops.set(reason, (this.drops.get(reason) ?? 0) + n);
  }

  get totalMalformed(): number {
    return Object.values(this.malformed).reduce((a, b) => a + b, 0);
  }

  report(): SkipReport {
    return {
      malformed: sortKeys(this.malformed),
      dropped: sortKeys(Object.fromEntries(this.drops)),
      examples: sortKeys(this.examples),
    };
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
