import { DataError } from '../util/errors.js';
/**
 * The day table (DESIGN §2.2): one row per attacker IP for one UTC day, AIP semantics. Columnar so the knowledge base
 * can fold it without per-row objects.
 */
export interface DayTable {
  /** `YYYY-MM-DD` */
  date: string;
  /** Canonical attacker IPs, sorted numerically (IPv4 before IPv6). */
  ip: string[];
  /** Connections (AIP `flows`). */
  flows: Float64Array;
  /** Sum of connection durations in seconds; unset counts as 0. */
  duration: Float64Array;
  /** Sum of `orig_pkts`. */
  packets: Float64Array;
  /** Sum of `orig_ip_bytes`. */
  bytes: Float64Array;
}

export const DAY_TABLE_COLUMNS = ['orig', 'flows', 'duration', 'packets', 'bytes'] as const;
export const DAY_TABLE_HEADER = DAY_TABLE_COLUMNS.join(',');

export function dayTableFileName(date: string): string {
  return `attacks.${date}.csv.gz`;
}

/**
 * Total flows of a day table, for the manifest. Each row's flows is a whole number up to 2^53 − 1, but their sum may
 * not be (an AIP table may claim any counts): a total past 2^53 − 1 would be rounded, so it is a DataError.
 */
export function totalFlows(table: DayTable): number {
  let total = 0;
  for (const f of table.flows) total += f;
  if (total > Number.MAX_SAFE_INTEGER)
    throw new DataError(
      `the day's flows sum past 2^53 − 1 (${Number.MAX_SAFE_INTEGER}), more than the manifest counts exactly`,
      { file: dayTableFileName(table.date), field: 'flows' },
    );
  return total;
}

export function emptyDayTable(date: string): DayTable {
  return {
    date,
    ip: [],
    flows: new Float64Array(0),
    duration: new Float64Array(0),
    packets: new Float64Array(0),
    bytes: new Float64Array(0),
  };
}
