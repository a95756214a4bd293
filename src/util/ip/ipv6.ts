import ipaddr from 'ipaddr.js';

/**
 * Whether `text` is an IPv6 address in the form canonicalIp gives (ipaddr.js's toRFC5952String): lower-case hex groups
 * without leading zeros, the longest run of two or more zero groups (the leftmost of equal runs) written `::`, no
 * other `::`, no embedded IPv4, no zone. False for anything else, canonical or not, which canonicalIp then parses.
 */
export function isCanonicalIpv6(text: string): boolean {
  const n = text.length;
  if (n < 2 || n > 39) return false;
  let i = 0;
  /** Explicit groups so far. */
  let groups = 0;
  /** How many explicit groups come before the `::`, or -1 when there is none. */
  let gap = -1;
  /** Bit g set: explicit group g is 0. */
  let zeros = 0;
  let digits = 0;
  let leadingZero = false;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return false;
    gap = 0;
    i = 2;
  }
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 58) {
      if (digits === 0 || groups === 7) return false;
      if (leadingZero) zeros |= 1 << groups;
      groups++;
      digits = 0;
      if (i + 1 === n) return false;
      if (text.charCodeAt(i + 1) === 58) {
        if (gap >= 0) return false;
        gap = groups;
        i++;
      }
    } else if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero || digits === 4) return false;
      digits++;
    } else return false;
  }
  if (digits > 0) {
    if (leadingZero) zeros |= 1 << groups;
    groups++;
  }
  if (groups > 8) return false;
  if (gap < 0) return groups === 8 && (zeros & (zeros >> 1)) === 0;
  // `::` stands for run zero groups; it must stand for 2 or more, touch no explicit 0 group, and be longer than
  // every run of explicit zero groups before it and at least as long as every one after it.
  const run = 8 - groups;
  if (run < 2) return false;
  if (gap > 0 && (zeros >> (gap - 1)) & 1) return false;
  if ((zeros >> gap) & 1) return false;
  let current = 0;
  for (let g = 0; g < groups; g++) {
    if (g === gap) current = 0;
    if ((zeros >> g) & 1) {
      current++;
      if (g < gap ? current >= run : current > run) return false;
    } else current = 0;
  }
  return true;
}

/**
 * The eight 16-bit groups of an IPv6 address in any form ipaddr.js reads (zone ids included: callers that must refuse
 * them check for `%`), or undefined. Plain hex groups with at most one `::` go through a quick parser; the rest
 * (an embedded dotted quad, a zone id, anything malformed) through ipaddr.js, which also gives the verdict on errors.
 */
export function ipv6Parts(text: string): number[] | undefined {
  return parseIpv6Groups(text) ?? parseIpv6WithIpaddr(text);
}

/** IPv6 text (any form ipv6Parts reads) → its 128-bit value, or undefined. */
export function ipv6ToBigInt(text: string): bigint | undefined {
  const parts = ipv6Parts(text);
  if (parts === undefined) return undefined;
  // Three numbers of at most 48 bits each, so only three BigInt conversions.
  const hi = (parts[0]! * 65536 + parts[1]!) * 65536 + parts[2]!;
  const mid = (parts[3]! * 65536 + parts[4]!) * 65536 + parts[5]!;
  const lo = parts[6]! * 65536 + parts[7]!;
  return (BigInt(hi) << 80n) | (BigInt(mid) << 32n) | BigInt(lo);
}

/**
 * The IPv4 address, as a number, that an IPv4-mapped IPv6 address (::ffff:0:0/96, RFC 4291 §2.5.5.2; ipaddr.js's
 * isIPv4MappedAddress) given as its eight groups stands for; -1 when it is not one.
 */
export function mappedIpv4(parts: readonly number[]): number {
  if (
    parts[0] !== 0 ||
    parts[1] !== 0 ||
    parts[2] !== 0 ||
    parts[3] !== 0 ||
    parts[4] !== 0 ||
    parts[5] !== 0xffff
  )
    return -1;
  return parts[6]! * 65536 + parts[7]!;
}

/** RFC 5952 text (as canonicalIp writes it) of the IPv6 address whose 16 bytes are given, most significant first. */
export function ipv6TextOfBytes(bytes: readonly number[]): string {
  return (ipaddr.fromByteArray(bytes as number[]) as ipaddr.IPv6).toRFC5952String();
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
