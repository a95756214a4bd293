import { type IpRange, IpRangeSet, parseCidr } from '../util/ip/index.js';

/** One allowlist entry as an inclusive address range: IPv4 as uint32 numbers, IPv6 as 128-bit BigInts. */
export type AllowlistRange = IpRange;

/**
 * Parses one entry — a single address or a CIDR range, IPv4 or IPv6 — as util/ip's parseCidr does: any form ipaddr.js
 * reads except IPv4 other than four decimal parts and IPv6 zone ids; host bits after a CIDR prefix are ignored.
 * Returns undefined for anything else.
 */
export function parseAllowlistEntry(text: string): AllowlistRange | undefined {
  return parseCidr(text);
}

/**
 * AIP's "do not block these IPs": single addresses and CIDR ranges that must never reach a blocklist. `contains` is
 * util/ip's IpRangeSet (a binary search over sorted, merged ranges), so 100k entries and 100k lookups take well under
 * a second.
 */
export class Allowlist {
  /** Entries as given (a duplicate counts twice). */
  readonly size: number;
  private readonly ranges: IpRangeSet;

  private constructor(ranges: readonly AllowlistRange[]) {
    this.size = ranges.length;
    this.ranges = new IpRangeSet(ranges);
  }

  /** An allowlist of the given entries; throws a RangeError naming the first one that is not an address or CIDR. */
  static from(entries: Iterable<string>): Allowlist {
    const ranges: AllowlistRange[] = [];
    for (const e of entries) {
      const r = parseAllowlistEntry(e);
      if (r === undefined) throw new RangeError(`not an IP address or CIDR range: '${e}'`);
      ranges.push(r);
    }
    return new Allowlist(ranges);
  }

  static fromRanges(ranges: readonly AllowlistRange[]): Allowlist {
    return new Allowlist(ranges);
  }

  static empty(): Allowlist {
    return new Allowlist([]);
  }

  /** Whether `ip` (canonical text, see canonicalIp) is allowlisted; anything that is not an address is not. */
  contains(ip: string): boolean {
    return this.ranges.contains(ip);
  }
}
