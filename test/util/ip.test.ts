/**
 * The IP module (src/util/ip/) against ipaddr.js as the reference: parsing and canonical text, the IPv4 fast paths on
 * strings and bytes, IPv6 groups and values, the numeric keys and orders, and CIDR parsing, subtraction and
 * membership. Random inputs come from fast-check (addresses in every spelling, and near-misses from small alphabets).
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/util/errors.js';
import {
  canonicalIp,
  canonicalIpv4Bytes,
  compareIpKeys,
  IP_KEY_WORDS,
  type IpRange,
  IpRangeSet,
  ipFamily,
  ipKeyText,
  ipSortKey,
  ipv4InText,
  ipv4Text,
  ipv4ToNumber,
  ipv6Parts,
  ipv6ToBigInt,
  isCanonicalIpv4,
  isCanonicalIpv6,
  mappedIpv4,
  parseCidr,
  sortIpIndex,
  subtractRanges,
  writeIpKey,
} from '../../src/util/ip/index.js';
import { fuzzRuns } from '../helpers.js';

const runs = { numRuns: fuzzRuns(2000) };

// ---- references, from ipaddr.js alone ----

/** The value of an IPv4 text ipaddr.js calls a four-part decimal, else -1. */
function refIpv4(text: string): number {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return -1;
  return ipaddr.IPv4.parse(text)
    .toByteArray()
    .reduce((v, b) => v * 256 + b, 0);
}

/** ipaddr.js's IPv6 parts of `text`, or undefined where it refuses it. */
function refIpv6Parts(text: string): number[] | undefined {
  try {
    return ipaddr.IPv6.parse(text).parts;
  } catch {
    return undefined;
  }
}

/** canonicalIp as its doc states it, on ipaddr.js: IPv4 four-part decimal, IPv6 RFC 5952, mapped IPv6 → IPv4, no zone. */
function refCanonical(text: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text).toString();
  if (text.includes('%') || !text.includes(':') || !ipaddr.IPv6.isValid(text)) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
}

/** The address as one BigInt and its family, from ipaddr.js's bytes. */
function refValue(ip: string): { family: 4 | 6; value: bigint } {
  const bytes = ipaddr.parse(ip).toByteArray();
  return {
    family: bytes.length === 4 ? 4 : 6,
    value: bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n),
  };
}

/** Numeric order, IPv4 before IPv6. */
function refCompare(a: string, b: string): number {
  const x = refValue(a);
  const y = refValue(b);
  if (x.family !== y.family) return x.family - y.family;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
}

// ---- generators ----

/** An IPv6 text in some spelling: as fast-check writes it, upper case, or with groups padded to four digits. */
const ipv6Spelling = fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 2 })).map(([ip, how]) => {
  if (how === 1) return ip.toUpperCase();
  if (how === 2 && !ip.includes('.')) return ip.replace(/[0-9a-f]+/g, (g) => g.padStart(4, '0'));
  return ip;
});
/** IPv4-mapped IPv6 in the spellings logs use (and `::ffff:0:`, which is not one), dotted or in hex. */
const mapped = fc
  .tuple(fc.ipV4(), fc.constantFrom('::ffff:', '::FFFF:', '0:0:0:0:0:ffff:', '::ffff:0:'), fc.boolean())
  .map(([v4, prefix, hex]) => {
    if (!hex) return `${prefix}${v4}`;
    const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
    return `${prefix}${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
  });
/** Dotted quads and near-misses: parts at the edges (255, 256, leading zeros), sometimes three or five of them. */
const quadPart = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.constantFrom(
    '0',
    '9',
    '10',
    '99',
    '100',
    '199',
    '200',
    '249',
    '250',
    '255',
    '256',
    '260',
    '299',
    '300',
    '999',
  ),
  fc.constantFrom('00', '01', '010', '0255', '1000', '', '+1', '1e2'),
);
const quadish = fc
  .tuple(
    fc.array(fc.oneof({ weight: 4, arbitrary: quadPart }, quadPart), { minLength: 4, maxLength: 4 }),
    fc.integer({ min: -1, max: 5 }),
  )
  .map(([parts, odd]) => (odd === 3 ? parts.slice(0, 3) : odd === 4 ? [...parts, '1'] : parts).join('.'));
/** Texts near an address: short strings over the characters addresses use. */
const nearMiss = fc.string({ unit: fc.constantFrom(...'0123456789.:abcdefABCDEF%x/ '), maxLength: 20 });
const anyText = fc.oneof(
  fc.ipV4(),
  quadish,
  fc.ipV4Extended(),
  ipv6Spelling,
  mapped,
  nearMiss,
  fc.string({ maxLength: 12 }),
);

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['010.0.0.1', undefined],
    ['1.2.3', undefined],
    ['256.0.0.1', undefined],
    ['0x0a.0.0.1', undefined],
    ['10', undefined],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['1:0:0:0:0:0:0:1', '1::1'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:102:304', '1.2.3.4'],
    ['::ffff:102:304', '1.2.3.4'],
    ['fe80::1%eth0', undefined],
    ['::ffff:1.2.3.4%eth0', undefined],
    ['::', '::'],
    // Starts like an IPv4-mapped address but is not one: 0:0:0:0:ffff:1:2:3 (canonicalIp threw here before).
    ['::ffff:1:2:3', '::ffff:1:2:3'],
    ['::FFFF:0:1.2.3.4', '::ffff:0:102:304'],
    ['', undefined],
  ])('%s → %s', (text, want) => {
    expect(canonicalIp(text)).toBe(want);
  });

  it("agrees with ipaddr.js's parse-and-print on addresses in every spelling and on near-misses", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(canonicalIp(text)).toBe(refCanonical(text));
      }),
      runs,
    );
  });

  it('is idempotent, and ipFamily tells the family of what it gives', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const c = canonicalIp(text);
        if (c === undefined) return;
        expect(canonicalIp(c)).toBe(c);
        expect(ipFamily(c)).toBe(refValue(c).family);
      }),
      runs,
    );
  });
});

describe('IPv4 dotted quads', () => {
  const quadText = fc.oneof({ weight: 3, arbitrary: quadish }, anyText);
  const padded = fc.tuple(quadText, fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }));

  it('ipv4ToNumber and isCanonicalIpv4 accept exactly the four-part decimals, with their value', () => {
    fc.assert(
      fc.property(quadText, (text) => {
        const want = refIpv4(text);
        expect(ipv4ToNumber(text)).toBe(want);
        expect(isCanonicalIpv4(text)).toBe(want >= 0);
      }),
      runs,
    );
  });

  it('ipv4InText and canonicalIpv4Bytes read the same inside a longer text or buffer', () => {
    fc.assert(
      fc.property(padded, ([text, before, after]) => {
        const want = refIpv4(text);
        const whole = before + text + after;
        expect(ipv4InText(whole, before.length, before.length + text.length)).toBe(want);
        // Bytes as latin1 (one byte a character), where every character of an address is ASCII.
        const buf = Buffer.from(whole, 'latin1');
        const ascii = /^[\x00-\xff]*$/.test(whole);
        if (ascii) expect(canonicalIpv4Bytes(buf, before.length, before.length + text.length)).toBe(want);
      }),
      runs,
    );
  });

  it('ipv4Text prints the dotted quad ipaddr.js prints, and ipv4ToNumber reads it back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (v) => {
        const text = ipv4Text(v);
        const bytes = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
        expect(text).toBe(new ipaddr.IPv4(bytes).toString());
        expect(ipv4ToNumber(text)).toBe(v);
      }),
      runs,
    );
  });
});

describe('IPv6', () => {
  const v6Text = fc.oneof(ipv6Spelling, mapped, nearMiss, fc.constant('fe80::1%eth0'));

  it("ipv6Parts gives ipaddr.js's eight groups, or undefined where ipaddr.js refuses the text", () => {
    fc.assert(
      fc.property(v6Text, (text) => {
        expect(ipv6Parts(text)).toEqual(refIpv6Parts(text));
      }),
      runs,
    );
  });

  it("ipv6ToBigInt is the address's 128-bit value, mappedIpv4 its IPv4 when it is IPv4-mapped", () => {
    fc.assert(
      fc.property(v6Text, (text) => {
        const parts = refIpv6Parts(text);
        if (parts === undefined) {
          expect(ipv6ToBigInt(text)).toBeUndefined();
          return;
        }
        const v6 = ipaddr.IPv6.parse(text);
        const value = v6.toByteArray().reduce((v, b) => (v << 8n) | BigInt(b), 0n);
        expect(ipv6ToBigInt(text)).toBe(value);
        const want = v6.isIPv4MappedAddress() ? refIpv4(v6.toIPv4Address().toString()) : -1;
        expect(mappedIpv4(parts)).toBe(want);
      }),
      runs,
    );
  });

  it('isCanonicalIpv6 accepts exactly the RFC 5952 texts ipaddr.js prints (no zone)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          v6Text,
          fc.ipV6().map((ip) => canonicalIp(ip) ?? ip),
        ),
        (text) => {
          const parts = text.includes('%') ? undefined : refIpv6Parts(text);
          const want = parts !== undefined && new ipaddr.IPv6(parts).toRFC5952String() === text;
          expect(isCanonicalIpv6(text)).toBe(want);
        },
      ),
      runs,
    );
  });
});

describe('order: sort keys, the 5-word keys, sortIpIndex', () => {
  /** Canonical addresses, many close together so that ties of leading words happen. */
  const canonical = fc
    .oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }))
        .map(([a, b]) => `10.0.${a}.${b}`),
      fc
        .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffff }))
        .map(([a, b]) => `2001:db8::${a}:${b.toString(16)}`),
    )
    .map((ip) => canonicalIp(ip)!);

  it('sortIpIndex, ipSortKey and compareIpKeys order IPs numerically, IPv4 first', () => {
    fc.assert(
      fc.property(fc.array(canonical, { maxLength: 40 }), (ips) => {
        const want = [...ips].sort(refCompare);
        expect(sortIpIndex(ips).map((i) => ips[i])).toEqual(want);
        const byBuffer = [...ips].sort((a, b) => Buffer.compare(ipSortKey(a), ipSortKey(b)));
        expect(byBuffer).toEqual(want);
        const keys = new Uint32Array(ips.length * IP_KEY_WORDS);
        for (let i = 0; i < ips.length; i++) writeIpKey(ips[i]!, keys, i * IP_KEY_WORDS);
        const byKeys = ips.map((_, i) => i).sort((a, b) => compareIpKeys(keys, a, b));
        expect(byKeys.map((i) => ips[i])).toEqual(want);
      }),
      runs,
    );
  });

  it("a key holds the family and the address's bytes, and ipKeyText gives the canonical text back", () => {
    fc.assert(
      fc.property(fc.oneof(canonical, ipv6Spelling), (ip) => {
        const key = new Uint32Array(IP_KEY_WORDS + 2);
        writeIpKey(ip, key, 2);
        const { family, value } = refValue(ip);
        expect(key[2]).toBe(family);
        const words = [3, 4, 5, 6].map((k) => BigInt(key[k]!));
        expect(words.reduce((v, w) => (v << 32n) | w, 0n)).toBe(value);
        // A key knows the address, not its spelling: the text is canonical (IPv4-mapped stays IPv6 here).
        const text = ipKeyText(key, 2);
        expect(text).toBe(family === 4 ? ip : ipaddr.IPv6.parse(ip).toRFC5952String());
      }),
      runs,
    );
  });

  it.each(['x', '', '010.0.0.1', '1.2.3', '1.2.3.4 ', '1::2::3'])(
    'writeIpKey refuses %j with a DataError',
    (text) => {
      expect(() => writeIpKey(text, new Uint32Array(IP_KEY_WORDS), 0)).toThrow(DataError);
    },
  );
});

describe('CIDR: parseCidr, subtractRanges, IpRangeSet', () => {
  /** CIDR texts in a small space (so random addresses fall in them), the prefix anywhere from /0 to the full length. */
  const v4Cidr = fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 0, max: 32 }),
      fc.boolean(),
    )
    .map(([a, b, p, bare]) => (bare ? `10.0.${a}.${b}` : `10.0.${a}.${b}/${p < 14 ? p + 14 : p}`));
  const v6Cidr = fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 100, max: 128 }),
      fc.boolean(),
    )
    .map(([a, b, p, bare]) => `2001:db8::${a}:${b.toString(16)}${bare ? '' : `/${p}`}`);
  const probe = fc.oneof(
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }))
      .map(([a, b]) => `10.0.${a}.${b}`),
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 0xffff }))
      .map(([a, b]) => canonicalIp(`2001:db8::${a}:${b.toString(16)}`)!),
    fc.ipV4(),
    fc.ipV6().map((ip) => canonicalIp(ip)!),
  );

  /** Whether ipaddr.js's match puts `ip` in the CIDR (or equal to the single address) `cidr`. */
  function refIn(ip: string, cidr: string): boolean {
    const addr = ipaddr.parse(ip);
    const [range, bits] = cidr.includes('/')
      ? ipaddr.parseCIDR(cidr)
      : [ipaddr.parse(cidr), cidr.includes(':') ? 128 : 32];
    return addr.kind() === range.kind() && addr.match(range, bits);
  }

  it('parseCidr gives the block ipaddr.js describes: its first and last address, host bits ignored', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          v4Cidr,
          v6Cidr,
          fc.tuple(fc.ipV6(), fc.nat(128)).map(([a, p]) => `${a}/${p}`),
        ),
        (cidr) => {
          const r = parseCidr(cidr)!;
          const [addr, bits] = cidr.includes('/')
            ? ipaddr.parseCIDR(cidr)
            : [ipaddr.parse(cidr), cidr.includes(':') ? 128 : 32];
          const total = addr.kind() === 'ipv4' ? 32 : 128;
          const value = addr.toByteArray().reduce((v, b) => (v << 8n) | BigInt(b), 0n);
          const host = BigInt(total - bits);
          const start = (value >> host) << host;
          expect(r.family).toBe(total === 32 ? 4 : 6);
          expect(BigInt(r.start)).toBe(start);
          expect(BigInt(r.end)).toBe(start + (1n << host) - 1n);
        },
      ),
      runs,
    );
  });

  it.each([
    '010.0.0.0/8',
    '10.0.0.0/33',
    '10.0.0.0/',
    '10.0.0.0/-1',
    '10.0.0.0/08 ',
    '::/129',
    'fe80::1%eth0',
    'fe80::/10%eth0',
    '10/8',
    '',
  ])('parseCidr refuses %j', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("IpRangeSet.contains agrees with ipaddr.js's match over every block", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(v4Cidr, v6Cidr), { maxLength: 12 }),
        fc.array(probe, { maxLength: 30 }),
        (cidrs, probes) => {
          const set = new IpRangeSet(cidrs.map((c) => parseCidr(c)!));
          for (const ip of probes) expect(set.contains(ip), ip).toBe(cidrs.some((c) => refIn(ip, c)));
          // Not addresses: never contained.
          expect(set.contains('not-an-ip')).toBe(false);
          expect(set.contains('10.0.0.01')).toBe(false);
        },
      ),
      runs,
    );
  });

  it('subtractRanges keeps exactly the addresses of the range outside every hole', () => {
    // IPv4 in a 64-address window, so every address can be checked.
    const range = fc.tuple(fc.nat(63), fc.nat(63)).map(
      ([a, b]): IpRange => ({
        family: 4,
        start: Math.min(a, b),
        end: Math.max(a, b),
      }),
    );
    fc.assert(
      fc.property(range, fc.array(range, { maxLength: 5 }), (r, holes) => {
        // subtractRanges' contract: each hole inside the range or disjoint from it.
        const fitting = holes.filter(
          (h) => (h.start >= r.start && h.end <= r.end) || h.end < r.start || h.start > r.end,
        );
        const pieces = subtractRanges(r, fitting);
        const set = new IpRangeSet(pieces);
        for (let x = 0; x < 64; x++) {
          const want = x >= r.start && x <= r.end && !fitting.some((h) => x >= h.start && x <= h.end);
          expect(set.contains(ipv4Text(x)), String(x)).toBe(want);
        }
      }),
      runs,
    );
  });
});
