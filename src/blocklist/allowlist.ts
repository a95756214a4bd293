import ipaddr from 'ipaddr.js';
import { ipv4ToNumber } from '../util/ip.js';

/** One allowlist entry as an inclusive address range: IPv4 as uint32 numbers, IPv6 as 128-bit BigInts. */
export type AllowlistRange =
  | { family: 4; start: number; end: number }
  | { family: 6; start: bigint; end: bigint };

/**
 * Parses one entry — a single address or a CIDR range, IPv4 or IPv6, in any form ipaddr.js reads except IPv4 other
 * than four decimal parts (`10` or `0x0a.0.0.1` are not addresses in an allowlist either; see canonicalIp) and IPv6
 * zone ids (`fe80::1%eth0`), which no packet carries. Host bits after a CIDR prefix are ignored (`10.1.2.3/8` is
 * `10.0.0.0/8`), as firewalls read them. Returns undefined for anything else.
 */
export function parseAllowlistEntry(text: string): AllowlistRange | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const family = addrText.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  if (family === 4) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addrText)) return undefined;
    const value = ipv4ToNumber(addrText);
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

/**
 * AIP's "do not block these IPs": single addresses and CIDR ranges that must never reach a blocklist.
 * `contains` is a binary search over sorted, merged ranges (IPv4 as uint32, IPv6 as BigInt; a single address is a
 * range of one), so 100k entries and 100k lookups take well under a second.
 */
export class Allowlist {
  /** Entries as given (a duplicate counts twice). */
  readonly size: number;
  private readonly v4Start: Float64Array;
  private readonly v4End: Float64Array;
  private readonly v6Start: bigint[];
  private readonly v6End: bigint[];

  private constructor(ranges: readonly AllowlistRange[]) {
    this.size = ranges.length;
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
    if (ip.includes(':')) {
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

/** IPv6 text → 128-bit value: a quick parser for plain forms, ipaddr.js for the rest (and for the verdict on errors). */
function ipv6ToBigInt(text: string): bigint | undefined {
  const parts = parseIpv6Groups(text) ?? parseIpv6WithIpaddr(text);
  if (parts === undefined) return undefined;
  // Three numbers of at most 48 bits each, so only three BigInt conversions.
  const hi = (parts[0]! * 65536 + parts[1]!) * 65536 + parts[2]!;
  const mid = (parts[3]! * 65536 + parts[4]!) * 65536 + parts[5]!;
  const lo = parts[6]! * 65536 + parts[7]!;
  return (BigInt(hi) << 80n) | (BigInt(mid) << 32n) | BigInt(lo);
}

function parseIpv6WithIpaddr(text: string): number[] | undefined {
  try {
    return ipaddr.IPv6.parse(text).parts;
  } catch {
    return undefined;
  }
}

/**
 * Hex groups with at most one `::` (any case, 1–4 digits) → the 8 groups; undefined for anything else, including
 * valid forms it leaves to ipaddr.js (an embedded dotted quad, a zone id).
 */
function parseIpv6Groups(text: string): number[] | undefined {
  const head: number[] = [];
  const tail: number[] = [];
  let groups = head;
  let compressed = false;
  let value = 0;
  let digits = 0;
  let i = 0;
  const n = text.length;
  if (n >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    compressed = true;
    groups = tail;
    i = 2;
    if (i === n) return [0, 0, 0, 0, 0, 0, 0, 0];
  }
  for (; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 58;
    if (c === 58) {
      if (digits === 0) return undefined;
      groups.push(value);
      value = 0;
      digits = 0;
      if (i + 1 < n && text.charCodeAt(i + 1) === 58) {
        if (compressed) return undefined;
        compressed = true;
        groups = tail;
        i++;
        if (i + 1 === n) break;
      }
      continue;
    }
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else return undefined;
    if (++digits > 4) return undefined;
    value = value * 16 + d;
  }
  const count = head.length + tail.length;
  if (compressed ? count > 7 : count !== 8) return undefined;
  const out = head.slice();
  for (let k = count; k < 8; k++) out.push(0);
  return out.concat(tail);
}
