import ipaddr from 'ipaddr.js';

/**
 * The canonical text of an IP address: dotted quad for IPv4, RFC 5952 (lower case, compressed) for IPv6, as Zeek
 * writes them. Returns undefined for anything that is not an address. IPv4 must be four decimal parts: ipaddr.js
 * alone would accept `10` or `0x0a.0.0.1`, which no log means as an address.
 */
export function canonicalIp(text: string): string | undefined {
  if (text.includes(':')) {
    if (!ipaddr.IPv6.isValid(text)) return undefined;
    return ipaddr.IPv6.parse(text).toRFC5952String();
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.IPv4.parse(text).toString();
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

/** Sorts canonical IP strings numerically (IPv4 first), returning the permutation. */
export function sortIpIndex(ips: readonly string[]): number[] {
  const keys = ips.map(ipSortKey);
  const order = ips.map((_, i) => i);
  order.sort((a, b) => Buffer.compare(keys[a]!, keys[b]!));
  return order;
}
