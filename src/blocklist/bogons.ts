import { type IpRange, IpRangeSet, parseCidr, subtractRanges } from '../util/ip/index.js';

/**
 * One block of addresses no blocklist lists: a CIDR prefix, less the sub-blocks the registry marks globally reachable.
 * `source` names the registry entry (and its RFC) the block comes from.
 */
export interface BogonBlock {
  prefix: string;
  name: string;
  source: string;
  /** Sub-blocks that are globally reachable, so they stay listable. */
  except?: readonly string[];
}

const V4 = 'IANA IPv4 Special-Purpose Address Registry';
const V6 = 'IANA IPv6 Special-Purpose Address Registry';

/**
 * Private, reserved and bogon ranges: addresses that cannot be the source of an attack across the Internet, so a
 * blocklist never lists them (a spoofed, NATed or lab address would only break the firewall's own network). The rule,
 * from the IANA registries (https://www.iana.org/assignments/iana-ipv4-special-registry,
 * https://www.iana.org/assignments/iana-ipv6-special-registry, as of 2025): every special-purpose block whose
 * "Globally Reachable" is False, less its sub-blocks marked True; the multicast blocks (224.0.0.0/4, RFC 5771; ff00::/8,
 * RFC 4291: never a source); and for IPv6 everything outside 2000::/3, the only space IANA allocates for global
 * unicast (https://www.iana.org/assignments/ipv6-address-space; it holds ::/128, ::1, ::ffff:0:0/96, 64:ff9b::/96,
 * 64:ff9b:1::/48, 100::/64, 5f00::/16, fc00::/7, fe80::/10, ff00::/8 and the space reserved by the IETF). Blocks whose
 * reachability the registry gives as N/A are kept listable: Teredo 2001::/32 and 6to4 2002::/16 carry real clients,
 * 192.88.99.0/24 (deprecated 6to4 relays) may be reassigned. docs/daily-feed.md shows the table.
 */
export const BOGON_BLOCKS: readonly BogonBlock[] = [
  { prefix: '0.0.0.0/8', name: '"this network"', source: `${V4} (RFC 791)` },
  { prefix: '10.0.0.0/8', name: 'private use', source: `${V4} (RFC 1918)` },
  { prefix: '100.64.0.0/10', name: 'shared address space (carrier-grade NAT)', source: `${V4} (RFC 6598)` },
  { prefix: '127.0.0.0/8', name: 'loopback', source: `${V4} (RFC 1122)` },
  { prefix: '169.254.0.0/16', name: 'link local', source: `${V4} (RFC 3927)` },
  { prefix: '172.16.0.0/12', name: 'private use', source: `${V4} (RFC 1918)` },
  {
    prefix: '192.0.0.0/24',
    name: 'IETF protocol assignments',
    source: `${V4} (RFC 6890)`,
    // Port Control Protocol anycast (RFC 7723) and TURN anycast (RFC 8155) are globally reachable.
    except: ['192.0.0.9/32', '192.0.0.10/32'],
  },
  { prefix: '192.0.2.0/24', name: 'documentation (TEST-NET-1)', source: `${V4} (RFC 5737)` },
  { prefix: '192.168.0.0/16', name: 'private use', source: `${V4} (RFC 1918)` },
  { prefix: '198.18.0.0/15', name: 'benchmarking', source: `${V4} (RFC 2544)` },
  { prefix: '198.51.100.0/24', name: 'documentation (TEST-NET-2)', source: `${V4} (RFC 5737)` },
  { prefix: '203.0.113.0/24', name: 'documentation (TEST-NET-3)', source: `${V4} (RFC 5737)` },
  {
    prefix: '224.0.0.0/4',
    name: 'multicast',
    source: 'IANA IPv4 Multicast Address Space Registry (RFC 5771)',
  },
  {
    prefix: '240.0.0.0/4',
    name: 'reserved, and 255.255.255.255 limited broadcast',
    source: `${V4} (RFC 1112, RFC 919)`,
  },
  // IPv6: everything before 2000::/3 (0000::/3), and everything after it (4000::/2, 8000::/1).
  {
    prefix: '::/3',
    name: 'outside global unicast: unspecified, loopback, IPv4-mapped, NAT64 64:ff9b::/96 and 64:ff9b:1::/48, discard 100::/64, reserved',
    source: 'IANA IPv6 Address Space Registry (RFC 4291)',
  },
  {
    prefix: '4000::/2',
    name: 'outside global unicast: reserved, SRv6 SIDs 5f00::/16 (RFC 9602)',
    source: 'IANA IPv6 Address Space Registry (RFC 4291)',
  },
  {
    prefix: '8000::/1',
    name: 'outside global unicast: reserved, unique local fc00::/7, link local fe80::/10, multicast ff00::/8',
    source: 'IANA IPv6 Address Space Registry (RFC 4291, RFC 4193)',
  },
  {
    prefix: '2001::/23',
    name: 'IETF protocol assignments (benchmarking 2001:2::/48, deprecated ORCHID 2001:10::/28, unassigned)',
    source: `${V6} (RFC 2928)`,
    except: [
      '2001::/32', // Teredo: N/A (real tunnelled clients)
      '2001:1::1/128', // Port Control Protocol anycast (RFC 7723)
      '2001:1::2/128', // TURN anycast (RFC 8155)
      '2001:1::3/128', // DNS-SD Service Registration Protocol anycast (RFC 9665)
      '2001:3::/32', // AMT (RFC 7450)
      '2001:4:112::/48', // AS112-v6 (RFC 7535)
      '2001:20::/28', // ORCHIDv2 (RFC 7343)
      '2001:30::/28', // Drone Remote ID Protocol Entity Tags (RFC 9374)
    ],
  },
  { prefix: '2001:db8::/32', name: 'documentation', source: `${V6} (RFC 3849)` },
  { prefix: '3fff::/20', name: 'documentation', source: `${V6} (RFC 9637)` },
];

function rangeOf(cidr: string): IpRange {
  const r = parseCidr(cidr);
  if (r === undefined) throw new Error(`bad built-in bogon range '${cidr}'`);
  return r;
}

/** The bogon blocks as inclusive address ranges (sub-blocks excepted), in table order. */
export function bogonRanges(): IpRange[] {
  return BOGON_BLOCKS.flatMap((b) => subtractRanges(rangeOf(b.prefix), (b.except ?? []).map(rangeOf)));
}

let cached: IpRangeSet | undefined;

/** The bogon ranges as a set (`contains(ip)`: never list it), built once. */
export function bogons(): IpRangeSet {
  cached ??= new IpRangeSet(bogonRanges());
  return cached;
}

/** Whether `ip` (canonical text) is private, reserved or otherwise never a listable source (see BOGON_BLOCKS). */
export function isBogon(ip: string): boolean {
  return bogons().contains(ip);
}
