import ipaddr from 'ipaddr.js';
import { isCanonicalIpv4 } from './ipv4.js';
import { isCanonicalIpv6 } from './ipv6.js';

/**
 * The canonical text of an IP address: dotted quad for IPv4, RFC 5952 (lower case, compressed) for IPv6, as Zeek
 * writes them. Returns undefined for anything that is not an address. IPv4 must be four decimal parts: ipaddr.js
 * alone would accept `10` or `0x0a.0.0.1`, which no log means as an address. An IPv6 zone id (`fe80::1%eth0`) is
 * refused too: it names an interface of the machine that logged it, and no day table or nft set can hold it.
 */
export function canonicalIp(text: string): string | undefined {
  // Fast path: a dotted quad already in canonical form (no leading zeros) is its own canonical text.
  if (isCanonicalIpv4(text)) return text;
  // IPv6 already in RFC 5952 form (what day tables hold) is its own canonical text, as ipaddr.js would give it back,
  // unless it starts `::ffff:`. An IPv4-mapped IPv6 address (::ffff:a.b.c.d, RFC 4291 §2.5.5.2: what a dual-stack
  // socket reports for an IPv4 peer, e.g. Cowrie's src_ip) is that IPv4 host: one attacker, one row, and never an
  // IPv6 "bogon". ipaddr.js decides which those are (`::ffff:1:2:3`, 0:0:0:0:ffff:1:2:3, is not one).
  if (!isMappedIpv4Text(text) && isCanonicalIpv6(text)) return text;
  if (text.includes(':')) {
    if (text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
  }
  // Any other IPv4 spelling is none: ipaddr.js's IPv4.isValidFourPartDecimal accepts exactly the canonical one.
  return undefined;
}

/** Whether `text` starts as an IPv4-mapped IPv6 address in its usual spellings (`::ffff:`, any case). */
function isMappedIpv4Text(text: string): boolean {
  return text.length > 7 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58 && /^::ffff:/i.test(text);
}

/** The family of an IP text: 6 when it holds a `:` (only IPv6 does), else 4. Says nothing of whether it is valid. */
export function ipFamily(ip: string): 4 | 6 {
  return ip.includes(':') ? 6 : 4;
}
