import ipaddr from 'ipaddr.js';
import { isCanonicalIpv6 } from './ipv6-canonical.js';

/**
 * The canonical text of an IP address: dotted quad for IPv4, RFC 5952 (lower case, compressed) for IPv6, as Zeek
 * writes them. Returns undefined for anything that is not an address. IPv4 must be four decimal parts: ipaddr.js
 * alone would accept `10` or `0x0a.0.0.1`, which no log means as an address. An IPv6 zone id (`fe80::1%eth0`) is
 * refused too: it names an interface of the machine that logged it, and no day table or nft set can hold it.
 */
export function canonicalIp(text: string): string | undefined {
  // Fast path: a dotted quad already in canonical form (no leading zeros) is its own canonical text.
  if (isCanonicalIpv4(text)) return text;
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2: what a dual-stack socket reports for an IPv4
  // peer, e.g. Cowrie's src_ip) is that IPv4 host: one attacker, one row, and never an IPv6 "bogon".
  if (isMappedIpv4Text(text)) {
    if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
    return ipaddr.IPv6.parse(text).toIPv4Address().toString();
  }
  // Likewise IPv6 already in RFC 5952 form (what day tables hold), which ipaddr.js would give back unchanged.
  if (isCanonicalIpv6(text)) return text;
  if (text.includes(':')) {
    if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.IPv4.parse(text).toString();
}

/** Whether `text` starts as an IPv4-mapped IPv6 address in its usual spellings (`::ffff:`, any case). */
function isMappedIpv4Text(text: string): boolean {
  return text.length > 7 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58 && /^::ffff:/i.test(text);
}

/**
 * A 17-byte key that sorts IPs numerically with `Buffer.compare`: family (4 before 6), then the address bytes.
 * `ip` must be canonical (see canonicalIp).
 */
export function ipSortKey(ip: string): Buffer {
  const key = Buffer.alloc(17);
  const bytes = ipaddr.parse(ip).toByteArray();
  key[0] = bytes.length === 4 ? 4 : 6;
  key.set(bytes, 17 - bytes.length);
  return key;
}

/** Whether `text` is an IPv4 dotted quad in canonical form: four decimal parts 0..255, no leading zeros. */
export function isCanonicalIpv4(text: string): boolean {
  let part = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return false;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 0) leadingZero = c === 48;
      else if (leadingZero || digits === 3) return false;
      part = part * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return dots === 3 && digits > 0 && part <= 255;
}

/** IPv4 dotted quad → unsigned 32-bit number, or -1 if `ip` is not a canonical IPv4 text. */
export function ipv4ToNumber(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      // No leading zero (`010` is not canonical) and at most three digits.
      if (digits > 0 && (part === 0 || digits === 3)) return -1;
      part = part * 10 + (c - 48);
      digits++;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

/**
 * Sorts canonical IP strings numerically (IPv4 first), returning the permutation. IPv4 is compared as numbers (the
 * common case, and fast); IPv6 by 16-byte keys.
 */
export function sortIpIndex(ips: readonly string[]): number[] {
  const n = ips.length;
  const v4 = new Float64Array(n);
  const v6: (Buffer | undefined)[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const x = ipv4ToNumber(ips[i]!);
    v4[i] = x;
    if (x < 0) v6[i] = ipSortKey(ips[i]!);
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    const x = v4[a]!;
    const y = v4[b]!;
    if (x >= 0 && y >= 0) return x - y;
    if (x >= 0) return -1;
    if (y >= 0) return 1;
    return Buffer.compare(v6[a]!, v6[b]!);
  });
  return order;
}
