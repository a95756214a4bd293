import { join } from 'node:path';
import { type RangeTable, RangeTableBuilder } from './range-table.js';
import { readRangeCsv } from './read-range-csv.js';

/** IP ranges → country (ISO 3166-1 alpha-2 code), from one of ip-location-db's country packages. */
export interface CountryData {
  ranges: RangeTable;
  /** The codes, by the value index `ranges` holds. */
  codes: readonly string[];
  /** Ranges that overlapped an earlier one (resolved: the narrowest range wins; see RangeTableBuilder). */
  overlaps: { v4: number; v6: number };
}

const CODE = /^[A-Z]{2}$/;

/**
 * Reads `<prefix>-ipv4-num.csv` and `<prefix>-ipv6-num.csv` (`start,end,country_code`) of an ip-location-db country
 * package folder, e.g. prefix `geo-whois-asn-country`.
 */
export async function readCountryData(dir: string, prefix: string): Promise<CountryData> {
  const builder = new RangeTableBuilder();
  const codes: string[] = [];
  const index = new Map<string, number>();
  const value = (rest: readonly string[]): number | [string, number] => {
    const code = rest[0]!;
    let v = index.get(code);
    if (v === undefined) {
      if (!CODE.test(code)) return [`not a two-letter country code: '${code}'`, 0];
      v = codes.length;
      codes.push(code);
      index.set(code, v);
    }
    return v;
  };
  const columns = ['ip_range_start', 'ip_range_end', 'country_code'];
  for (const family of [4, 6] as const)
    await readRangeCsv(builder, {
      path: join(dir, `${prefix}-ipv${family}-num.csv`),
      family,
      columns,
      value,
    });
  return { ranges: builder.build(), codes, overlaps: builder.overlaps };
}
