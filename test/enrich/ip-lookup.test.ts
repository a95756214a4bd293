/**
 * The offline lookup against the packages' own text CSVs, read here independently (raw-ranges.ts: ipaddr.js on the
 * `*-ipv4.csv` / `*-ipv6.csv` files, where the loader reads the `-num` files): the first and last address of chosen
 * ranges, addresses in gaps, IPv6, the nested ranges of the country data (the narrowest range wins, also where a
 * broader line with the same start follows it), and seeded random
 * range boundaries against a brute-force scan of every line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type IpInfo, type IpLookup, loadIpLookup } from '../../src/enrich/index.js';
import { ROOT } from '../helpers.js';
import { testRng } from '../knowledge/memory-dataset.js';
import {
  bruteForce,
  packageVersion,
  type RawRange,
  readRaw,
  v4Key,
  v4Text,
  v6Key,
  v6Text,
} from './raw-ranges.js';

const ASN = '@ip-location-db/asn';
const COUNTRY = '@ip-location-db/geo-whois-asn-country';

let lookup: IpLookup;
let asn4: RawRange<number>[];
let asn6: RawRange<string>[];
let cc4: RawRange<number>[];
let cc6: RawRange<string>[];

beforeAll(async () => {
  lookup = await loadIpLookup();
  asn4 = readRaw(ASN, 'asn-ipv4.csv', v4Key);
  asn6 = readRaw(ASN, 'asn-ipv6.csv', v6Key);
  cc4 = readRaw(COUNTRY, 'geo-whois-asn-country-ipv4.csv', v4Key);
  cc6 = readRaw(COUNTRY, 'geo-whois-asn-country-ipv6.csv', v6Key);
});

const asnOf = (values: string[] | undefined): IpInfo =>
  values ? { asn: Number(values[0]), asName: values[1]! } : {};
const asnPart = ({ asn, asName }: IpInfo): IpInfo => ({
  ...(asn !== undefined ? { asn } : {}),
  ...(asName !== undefined ? { asName } : {}),
});

const nextV4 = (k: number) => k + 1;
const nextV6 = (k: string) => (BigInt(`0x${k}`) + 1n).toString(16).padStart(32, '0');

/** The first range followed by a gap (the address after its end is before the next start). */
function firstGap<K>(ranges: RawRange<K>[], next: (k: K) => K): RawRange<K> {
  return ranges.find((r, i) => i + 1 < ranges.length && next(r.end) < ranges[i + 1]!.start)!;
}

describe('ASN lookup (IPv4)', () => {
  it('the first and last address of the first and last ranges', () => {
    for (const r of [asn4[0]!, asn4[asn4.length - 1]!])
      for (const k of [r.start, r.end])
        expect(asnPart(lookup.lookup(v4Text(k))), `line ${r.line}`).toEqual(asnOf(r.values));
  });

  it('an AS name with a comma, and one with doubled quotes, come back unquoted', () => {
    const comma = asn4.find((r) => r.values[1]!.includes(','))!;
    const quotes = asn4.find((r) => r.values[1]!.includes('"'))!;
    expect(lookup.lookup(v4Text(comma.start)).asName).toBe(comma.values[1]);
    expect(lookup.lookup(v4Text(quotes.end)).asName).toBe(quotes.values[1]);
    expect(quotes.values[1]).toMatch(/"/);
  });

  it('an address in a gap between ranges has no AS; the addresses around it have theirs', () => {
    const before = firstGap(asn4, nextV4);
    const after = asn4[asn4.indexOf(before) + 1]!;
    expect(lookup.lookup(v4Text(before.end + 1))).not.toHaveProperty('asn');
    expect(lookup.asnOf(v4Text(before.end + 1))).toBe(0);
    expect(lookup.lookup(v4Text(after.start - 1))).not.toHaveProperty('asn');
    expect(lookup.asnOf(v4Text(before.end))).toBe(Number(before.values[0]));
    expect(lookup.asnOf(v4Text(after.start))).toBe(Number(after.values[0]));
  });

  it('0.0.0.0 and 255.255.255.255, before the first and after the last range, have no AS', () => {
    expect(asn4[0]!.start).toBeGreaterThan(0);
    expect(asn4[asn4.length - 1]!.end).toBeLessThan(0xffff_ffff);
    expect(asnPart(lookup.lookup('0.0.0.0'))).toEqual({});
    expect(asnPart(lookup.lookup('255.255.255.255'))).toEqual({});
  });
});

describe('ASN lookup (IPv6)', () => {
  it('the first and last address of the first and last ranges, and a gap', () => {
    for (const r of [asn6[0]!, asn6[asn6.length - 1]!])
      for (const k of [r.start, r.end])
        expect(asnPart(lookup.lookup(v6Text(k))), `line ${r.line}`).toEqual(asnOf(r.values));
    const inGap = nextV6(firstGap(asn6, nextV6).end);
    expect(asnPart(lookup.lookup(v6Text(inGap)))).toEqual({});
  });

  it('an IPv4-mapped IPv6 address is looked up as its IPv4 address', () => {
    const r = asn4[1000]!;
    expect(lookup.lookup(`::ffff:${v4Text(r.start)}`)).toEqual(lookup.lookup(v4Text(r.start)));
    expect(lookup.lookup(`::ffff:${v4Text(r.start)}`).asn).toBe(Number(r.values[0]));
  });
});

describe('country lookup', () => {
  it('the first and last address of ranges that overlap nothing', () => {
    const clean = cc4.filter(
      (r, i) => i > 0 && cc4[i - 1]!.end < r.start && cc4[i + 1] && r.end < cc4[i + 1]!.start,
    );
    for (const r of [clean[0]!, clean[Math.floor(clean.length / 2)]!, clean[clean.length - 1]!])
      for (const k of [r.start, r.end])
        expect(lookup.lookup(v4Text(k)).country, `line ${r.line}`).toBe(r.values[0]);
    const r6 = cc6[cc6.length - 1]!;
    expect(lookup.lookup(v6Text(r6.end)).country).toBe(r6.values[0]);
  });

  it('a range nested in the line before it wins inside itself; the outer range keeps the rest', () => {
    const i = cc4.findIndex(
      (r, j) =>
        j > 0 &&
        r.start > cc4[j - 1]!.start &&
        r.end < cc4[j - 1]!.end &&
        r.values[0] !== cc4[j - 1]!.values[0],
    );
    expect(i).toBeGreaterThan(0);
    const [outer, inner] = [cc4[i - 1]!, cc4[i]!];
    expect(lookup.lookup(v4Text(inner.start)).country).toBe(inner.values[0]);
    expect(lookup.lookup(v4Text(inner.end)).country).toBe(inner.values[0]);
    expect(lookup.lookup(v4Text(inner.start - 1)).country).toBe(outer.values[0]);
    expect(lookup.lookup(v4Text(outer.start)).country).toBe(outer.values[0]);
  });

  it('a narrow line followed by a broader one with the same start: the narrow one wins (real addresses)', () => {
    for (const ip of ['209.170.81.40', '210.57.31.52']) {
      const k = v4Key(ip);
      const holding = cc4.filter((r) => r.start <= k && k <= r.end);
      // The case the rule is for: two lines with one start, the narrower first, with different countries.
      expect(holding.length, ip).toBe(2);
      const [first, second] = holding as [RawRange<number>, RawRange<number>];
      expect(first.start).toBe(second.start);
      expect(first.end).toBeLessThan(second.end);
      expect(first.values[0]).not.toBe(second.values[0]);
      expect(lookup.lookup(ip).country, ip).toBe(first.values[0]);
    }
  });

  it('not an address: nothing', () => {
    for (const bad of ['', 'x', '1.2.3', '01.2.3.4', '1.2.3.4.5', 'fe80::1::2', ':::'])
      expect(lookup.lookup(bad), bad).toEqual({});
  });
});

describe('against a brute-force scan of every line (seeded random range boundaries)', () => {
  const pick = <K>(ranges: RawRange<K>[], r: (lo: number, hi: number) => number, n: number) =>
    Array.from({ length: n }, () => ranges[r(0, ranges.length - 1)]!);

  it('IPv4: ASN and country at start - 1, start, a middle address, end, end + 1', () => {
    const r = testRng(13);
    const keys: number[] = [];
    for (const range of [...pick(asn4, r, 40), ...pick(cc4, r, 40)]) {
      const mid = range.start + Math.floor((range.end - range.start) / 2);
      keys.push(range.start - 1, range.start, mid, range.end, range.end + 1);
    }
    for (const k of keys.filter((k) => k >= 0 && k <= 0xffff_ffff)) {
      const ip = v4Text(k);
      const got = lookup.lookup(ip);
      expect(asnPart(got), ip).toEqual(asnOf(bruteForce(asn4, k)));
      expect(got.country, ip).toBe(bruteForce(cc4, k)?.[0]);
    }
  });

  it('IPv6: ASN and country at start - 1, start, end, end + 1', () => {
    const r = testRng(17);
    const keys: string[] = [];
    const hex = (x: bigint) => x.toString(16).padStart(32, '0');
    for (const range of [...pick(asn6, r, 15), ...pick(cc6, r, 15)]) {
      const start = BigInt(`0x${range.start}`);
      const end = BigInt(`0x${range.end}`);
      keys.push(range.start, range.end, hex(end + 1n));
      if (start > 0n) keys.push(hex(start - 1n));
    }
    for (const k of keys) {
      const ip = v6Text(k);
      const got = lookup.lookup(ip);
      expect(asnPart(got), ip).toEqual(asnOf(bruteForce(asn6, k)));
      expect(got.country, ip).toBe(bruteForce(cc6, k)?.[0]);
    }
  });
});

describe('loading', () => {
  it('names the packages and the versions installed, pinned exactly in src/package.json', () => {
    const pinned = (
      JSON.parse(readFileSync(join(ROOT, 'src', 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      }
    ).dependencies;
    expect(lookup.sources.map((s) => [s.kind, s.package, s.version])).toEqual([
      ['asn', ASN, packageVersion(ASN)],
      ['country', COUNTRY, packageVersion(COUNTRY)],
    ]);
    for (const s of lookup.sources) {
      expect(pinned[s.package]).toBe(s.version);
      expect(s.version).toMatch(/^\d+\.\d+\.\d{10}$/);
    }
    expect(lookup.sources[0]!.attribution).toMatch(/RouteViews.*DB-IP.*NRO.*CC BY 4\.0/);
    // The country package's README licenses its data CC BY 4.0 by NRO and the package ships NRO_LICENSE.
    expect(lookup.sources[1]!.license).toBe('CC0-1.0 (compilation); data CC-BY-4.0 (NRO)');
  });

  it('loads only what is asked for', async () => {
    const only = await loadIpLookup({ country: false });
    const r = asn4[5]!;
    expect(only.lookup(v4Text(r.start))).toEqual(asnOf(r.values));
    expect(only.sources.map((s) => s.kind)).toEqual(['asn']);
    const countries = await loadIpLookup({ asn: false });
    expect(countries.asnOf(v4Text(r.start))).toBe(0);
    expect(Object.keys(countries.lookup(v4Text(r.start)))).toEqual(['country']);
  });
});
