import { UsageError } from '../../util/errors.js';

/**
 * The optional columns of the `csv` format, after `ip`, `rank` and (ranked lists) `score`:
 * - `country`: ISO 3166-1 alpha-2 code of the address (enrichment data, docs/enrichment.md);
 * - `asn`, `as_name`: its autonomous system's number and organisation name (enrichment data);
 * - `first_seen`, `last_seen`: the first and last day (YYYY-MM-DD) the IP attacked, among the days before the list's;
 * - `days_seen`: on how many of those days it attacked.
 */
export const CSV_COLUMNS = ['country', 'asn', 'as_name', 'first_seen', 'last_seen', 'days_seen'] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/**
 * The csv columns from a comma-separated text (`country,asn,first_seen`) or a list: each a known column, none twice.
 * Anything else is a UsageError naming the known columns.
 */
export function parseCsvColumns(columns: string | readonly string[]): CsvColumn[] {
  const names = typeof columns === 'string' ? columns.split(',').map((c) => c.trim()) : [...columns];
  const out: CsvColumn[] = [];
  for (const name of names) {
    if (!(CSV_COLUMNS as readonly string[]).includes(name))
      throw new UsageError(`unknown csv column '${name}' (known: ${CSV_COLUMNS.join(', ')})`);
    if (out.includes(name as CsvColumn)) throw new UsageError(`csv column '${name}' is named twice`);
    out.push(name as CsvColumn);
  }
  return out;
}
