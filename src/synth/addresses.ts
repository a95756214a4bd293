/**
 * Addresses of the simulated world.
 * - Honeypots, the unlisted neighbours of the honeypots ("dark" addresses) and the honeypots' own resolver and time
 *   server live in the documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 * - Attackers get public-looking addresses: a counter passed through a bijective 32-bit mixer, so no two simulated
 *   attackers ever share an address (a one-shot scanner is truly seen on one day only), and private, reserved,
 *   multicast and documentation ranges are skipped. IPv6 attackers get addresses in typical global-unicast prefixes.
 */

/** Murmur3's 32-bit finaliser: a bijection on unsigned 32-bit integers. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** False for private, loopback, link-local, CGNAT, multicast, reserved, benchmark and documentation IPv4 space. */
export function isPublicIpv4(x: number): boolean {
  const a = x >>> 24;
  const b = (x >>> 16) & 0xff;
  const c = (x >>> 8) & 0xff;
  const d = x & 0xff;
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b < 128) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b < 32) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false;
  if (a === 192 && b === 88 && c === 99) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  if (a === 198 && b === 51 && c === 100) return false;
  if (a === 203 && b === 0 && c === 113) return false;
  // Network and broadcast-looking host parts are rare as sources; skip them too.
  return d !== 0 && d !== 255;
}

/** Dotted-quad text of an IPv4 address held as an unsigned 32-bit integer (util/ip's, named here as before). */
export { ipv4Text } from '../util/ip/index.js';

/** First groups of typical RIR IPv6 allocations (APNIC, ARIN, LACNIC, RIPE, AFRINIC blocks); never 2001:db8. */
const V6_FIRST_GROUPS = [
  0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2408, 0x2409, 0x240e, 0x2600, 0x2601,
  0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2800, 0x2803, 0x2a00, 0x2a01, 0x2a02, 0x2a03, 0x2a05,
  0x2a06, 0x2a0e, 0x2c0f,
];

/**
 * The simulated IPv6 attacker address with 32-bit code `p`: `g0:g1:g2:g3::g7` (g4..g6 zero). Uniqueness comes from
 * p's bits spread over g2, g3 and g7; g0 and g1 are derived from p.
 */
function ipv6Groups(p: number): [number, number, number, number, number] {
  const q = mix32(p ^ 0x9e3779b9);
  return [
    V6_FIRST_GROUPS[q % V6_FIRST_GROUPS.length]!,
    ((q >>> 8) & 0xffff) | 0x10,
    0x100 + (p >>> 24),
    ((p >>> 12) & 0xfff) + 1,
    (p & 0xfff) + 1,
  ];
}

/**
 * Text of the IPv6 attacker address with code `p`, in RFC 5952 form (lower-case hex, the run of three zero groups
 * compressed; g1..g3 and g7 are never zero, so this text is canonical).
 */
export function ipv6Text(p: number): string {
  const [g0, g1, g2, g3, g7] = ipv6Groups(p);
  return `${g0.toString(16)}:${g1.toString(16)}:${g2.toString(16)}:${g3.toString(16)}::${g7.toString(16)}`;
}

/**
 * Numeric order of IPv6 attacker addresses as two keys: the address compares as (hi, lo) does. hi = g0·2^16 + g1
 * (< 2^32), lo = g2·2^26 + g3·2^13 + g7 (g2 < 2^9, g3 and g7 ≤ 2^12, so < 2^35): both exact in a double.
 */
export function ipv6SortKeys(p: number): [number, number] {
  const [g0, g1, g2, g3, g7] = ipv6Groups(p);
  return [g0 * 65_536 + g1, g2 * 67_108_864 + g3 * 8192 + g7];
}

/**
 * Hands out unique attacker addresses. `salt` values come from the seeded generator. Addresses are numbers (IPv4:
 * the address itself; IPv6: a 32-bit code, see ipv6Text), so day tables can be sorted without parsing text.
 */
export class AddressAllocator {
  private n4 = 0;
  private n6 = 0;

  constructor(
    private readonly salt4: number,
    private readonly salt6: number,
  ) {}

  /** The next IPv4 attacker address, as an unsigned 32-bit integer. */
  nextIpv4(): number {
    for (;;) {
      const x = mix32((this.n4++ + this.salt4) >>> 0);
      if (isPublicIpv4(x)) return x;
    }
  }

  /** The code of the next IPv6 attacker address (see ipv6Text). */
  nextIpv6(): number {
    return mix32((this.n6++ + this.salt6) >>> 0);
  }
}

/** The i-th IPv4 honeypot (i < 200): 198.51.100.10.. then 203.0.113.10.. */
export function honeypotIpv4(i: number): string {
  return i < 100 ? `198.51.100.${10 + i}` : `203.0.113.${10 + i - 100}`;
}

/** The i-th IPv6 honeypot: 2001:db8:100::10, ::11, ... */
export function honeypotIpv6(i: number): string {
  return `2001:db8:100::${(0x10 + i).toString(16)}`;
}

/** Unlisted addresses next to the honeypots (scanners sweeping the subnet hit them too). */
export const DARK_IPV4: readonly string[] = Array.from({ length: 40 }, (_, k) =>
  k < 20 ? `198.51.100.${200 + k}` : `203.0.113.${200 + k - 20}`,
);
export const DARK_IPV6: readonly string[] = Array.from(
  { length: 20 },
  (_, k) => `2001:db8:100::${(0x1000 + k).toString(16)}`,
);

/** Services the honeypots themselves contact (their outbound traffic is never an attack). */
export const RESOLVER_IPV4 = '192.0.2.53';
export const RESOLVER_IPV6 = '2001:db8:53::53';
export const NTP_IPV4 = '192.0.2.123';
export const NTP_IPV6 = '2001:db8:123::123';

/** Largest supported honeypot count (the two /24 documentation nets, minus the dark neighbours). */
export const MAX_HONEYPOTS = 200;
