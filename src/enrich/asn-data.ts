import { join } from 'node:path';
import { type RangeTable, RangeTableBuilder } from './range-table.js';
import { readRangeCsv } from './read-range-csv.js';

/** IP ranges → autonomous system: number and organisation name (ip-location-db's `asn` files). */
export interface AsnData {
  ranges: RangeTable;
  /** Per value index (what `ranges` holds): the AS number and its name's index in `names`. */
  asn: Uint32Array;
  name: Uint32Array;
  /** Distinct AS names. */
  names: readonly string[];
  /** Ranges that overlapped an earlier one (resolved: the narrowest range wins; see RangeTableBuilder). */
  overlaps: { v4: number; v6: number };
}

const AS_NUMBER = /^\d{1,10}$/;

/**
 * Reads `asn-ipv4-num.csv` and `asn-ipv6-num.csv` of an `@ip-location-db/asn` folder (`start,end,asn,name`): one value
 * per distinct text of the (number, name) columns, each name kept once in `names`. AS 0 (RFC 7607: no AS) is kept
 * as read; IpLookup reads it as unknown.
 */
export async function readAsnData(dir: string): Promise<AsnData> {
  const builder = new RangeTableBuilder();
  const asns: number[] = [];
  const nameIds: number[] = [];
  const names: string[] = [];
  const nameIndex = new Map<string, number>();
  const value = (rest: readonly string[]): number | [string, number] => {
    const [num, name] = rest as [string, string];
    if (!AS_NUMBER.test(num) || Number(num) > 0xffff_ffff) return [`not an AS number: '${num}'`, 0];
    let n = nameIndex.get(name);
    if (n === undefined) {
      n = names.length;
      names.push(name);
      nameIndex.set(name, n);
    }
    asns.push(Number(num));
    nameIds.push(n);
    return asns.length - 1;
  };
  const columns = [
    'ip_range_start',
    'ip_range_end',
    'autonomous_system_number',
    'autonomous_system_organization',
  ];
  for (const [family, file] of [
    [4, 'asn-ipv4-num.csv'],
    [6, 'asn-ipv6-num.csv'],
  ] as const)
    await readRangeCsv(builder, { path: join(dir, file), family, columns, value });
  return {
    ranges: builder.build(),
    asn: Uint32Array.from(asns),
    name: Uint32Array.from(nameIds),
    names,
    overlaps: builder.overlaps,
  };
}
