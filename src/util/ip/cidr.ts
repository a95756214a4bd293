import { ipFamily } from './canonical.js';
import { ipv4ToNumber } from './ipv4.js';
import { ipv6ToBigInt } from './ipv6.js';

/** An inclusive address range: IPv4 as uint32 numbers, IPv6 as 128-bit BigInts. */
export type IpRange = { family: 4; start: number; end: number } | { family: 6; start: bigint; end: bigint };

/**
 * Parses a single address or a CIDR range, IPv4 or IPv6, in any form ipaddr.js reads except IPv4 other than the
 * canonical dotted quad (`10`, `0x0a.0.0.1` or `010.0.0.1` are not addresses here either; see canonicalIp) and IPv6
 * zone ids (`fe80::1%eth0`), which no packet carries. Host bits after a CIDR prefix are ignored (`10.1.2.3/8` is
 * `10.0.0.0/8`), as firewalls read them. Returns undefined for anything else.
 */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const family = ipFamily(addrText);
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  if (family === 4) {
    const value = ipv4ToNumber(addrText);
    if (value < 0) return undefined;
    const size = 2 ** (32 - prefix);
    const start = Math.floor(value / size) * size;
    return { family, start, end: start + size - 1 };
  }
  if (addrText.includes('%')) return undefined;
  const value = ipv6ToBigInt(addrText);
  if (value === undefined) return undefined;
  const hostBits = BigInt(128 - prefix);
  const start = (value >> hostBits) << hostBits;
  return { family, start, end: start + (1n << hostBits) - 1n };
}

/** `range` less the ranges `holes` (each inside it or disjoint from it; other families ignored), as inclusive ranges. */
export function subtractRanges(range: IpRange, holes: readonly IpRange[]): IpRange[] {
  if (range.family === 4) {
    let pieces: [number, number][] = [[range.start, range.end]];
    for (const h of holes) {
      if (h.family !== 4) continue;
      pieces = pieces.flatMap(([s, e]): [number, number][] => {
        if (h.end < s || h.start > e) return [[s, e]];
        const out: [number, number][] = [];
        if (h.start > s) out.push([s, h.start - 1]);
        if (h.end < e) out.push([h.end + 1, e]);
        return out;
      });
    }
    return pieces.map(([start, end]) => ({ family: 4, start, end }));
  }
  let pieces: [bigint, bigint][] = [[range.start, range.end]];
  for (const h of holes) {
    if (h.family !== 6) continue;
    pieces = pieces.flatMap(([s, e]): [bigint, bigint][] => {
      if (h.end < s || h.start > e) return [[s, e]];
      const out: [bigint, bigint][] = [];
      if (h.start > s) out.push([s, h.start - 1n]);
      if (h.end < e) out.push([h.end + 1n, e]);
      return out;
    });
  }
  return pieces.map(([start, end]) => ({ family: 6, start, end }));
}

/**
 * A set of address ranges with a membership test: a binary search over sorted, merged ranges (IPv4 as uint32, IPv6
 * as BigInt; a single address is a range of one), so 100k ranges and 100k lookups take well under a second.
 */
export class IpRangeSet {
  private readonly v4Start: Float64Array;
  private readonly v4End: Float64Array;
  private readonly v6Start: bigint[];
  private readonly v6End: bigint[];

  constructor(ranges: readonly IpRange[]) {
    const v4: [number, number][] = [];
    const v6: [bigint, bigint][] = [];
    for (const r of ranges) {
      if (r.family === 4) v4.push([r.start, r.end]);
      else v6.push([r.start, r.end]);
    }
    const m4 = mergeRanges(
      v4,
      (a, b) => a - b,
      (x) => x + 1,
    );
    this.v4Start = Float64Array.from(m4, (r) => r[0]);
    this.v4End = Float64Array.from(m4, (r) => r[1]);
    const m6 = mergeRanges(
      v6,
      (a, b) => (a < b ? -1 : a > b ? 1 : 0),
      (x) => x + 1n,
    );
    this.v6Start = m6.map((r) => r[0]);
    this.v6End = m6.map((r) => r[1]);
  }

  /** Whether `ip` (canonical text, see canonicalIp) lies in a range; anything that is not an address does not. */
  contains(ip: string): boolean {
    if (ipFamily(ip) === 6) {
      if (this.v6Start.length === 0) return false;
      const value = ipv6ToBigInt(ip);
      if (value === undefined) return false;
      const i = lastAtOrBelow(this.v6Start, value);
      return i >= 0 && value <= this.v6End[i]!;
    }
    if (this.v4Start.length === 0) return false;
    const value = ipv4ToNumber(ip);
    if (value < 0) return false;
    const i = lastAtOrBelow(this.v4Start, value);
    return i >= 0 && value <= this.v4End[i]!;
  }
}

/** Sorts ranges and merges overlapping or adjacent ones, so at most one range can hold a given address. */
function mergeRanges<T extends number | bigint>(
  ranges: [T, T][],
  compare: (a: T, b: T) => number,
  next: (x: T) => T,
): [T, T][] {
  ranges.sort((a, b) => compare(a[0], b[0]));
  const out: [T, T][] = [];
  for (const [start, end] of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && compare(start, next(last[1])) <= 0) {
      if (compare(end, last[1]) > 0) last[1] = end;
    } else {
      out.push([start, end]);
    }
  }
  return out;
}

/** Index of the last element <= value in an ascending array, or -1. */
function lastAtOrBelow<T extends number | bigint>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
