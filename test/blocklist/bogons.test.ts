/**
 * The built-in bogon ranges (src/blocklist/bogons.ts, docs/daily-feed.md): `contains` is checked by brute force
 * against the table below, written here from the IANA registries (not from the code), at the edges of every range
 * and every exception, and at seeded random addresses.
 */
import { describe, expect, it } from 'vitest';
import { BOGON_BLOCKS, isBogon } from '../../src/blocklist/bogons.js';
import { seededRandom } from './helpers.js';

/** [block, its globally reachable sub-blocks], from the registries (see the doc). */
const V4: [string, string[]][] = [
  ['0.0.0.0/8', []],
  ['10.0.0.0/8', []],
  ['100.64.0.0/10', []],
  ['127.0.0.0/8', []],
  ['169.254.0.0/16', []],
  ['172.16.0.0/12', []],
  ['192.0.0.0/24', ['192.0.0.9/32', '192.0.0.10/32']],
  ['192.0.2.0/24', []],
  ['192.168.0.0/16', []],
  ['198.18.0.0/15', []],
  ['198.51.100.0/24', []],
  ['203.0.113.0/24', []],
  ['224.0.0.0/4', []],
  ['240.0.0.0/4', []],
];
const V6: [string, string[]][] = [
  ['0000::/3', []], // below 2000::/3: ::, ::1, ::ffff:0:0/96, 64:ff9b::/96, 64:ff9b:1::/48, 100::/64, …
  ['4000::/2', []], // 5f00::/16 SRv6 SIDs among the reserved space
  ['8000::/1', []], // fc00::/7, fe80::/10, ff00::/8 among the reserved space
  [
    '2001::/23',
    [
      '2001::/32',
      '2001:1::1/128',
      '2001:1::2/128',
      '2001:1::3/128',
      '2001:3::/32',
      '2001:4:112::/48',
      '2001:20::/28',
      '2001:30::/28',
    ],
  ],
  ['2001:db8::/32', []],
  ['3fff::/20', []],
];

// ---- A small independent address arithmetic (BigInt for both families).

function v4Value(text: string): bigint {
  return text.split('.').reduce((a, p) => a * 256n + BigInt(Number(p)), 0n);
}

function v6Value(text: string): bigint {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((a, g) => a * 65536n + BigInt(Number.parseInt(g, 16)), 0n);
}

function cidr(text: string, family: 4 | 6): [bigint, bigint] {
  const [addr, len] = text.split('/') as [string, string];
  const bits = family === 4 ? 32n : 128n;
  const size = 1n << (bits - BigInt(len));
  const start = family === 4 ? v4Value(addr) : v6Value(addr);
  return [start, start + size - 1n];
}

function v4Text(x: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((x >> s) & 255n)).join('.');
}

/** Full 8-group form (valid IPv6 text, not RFC 5952: contains must read it too). */
function v6Text(x: bigint): string {
  return [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => ((x >> s) & 0xffffn).toString(16)).join(':');
}

const table = (rows: [string, string[]][], family: 4 | 6) =>
  rows.map(([block, except]) => ({
    range: cidr(block, family),
    except: except.map((e) => cidr(e, family)),
  }));
const T4 = table(V4, 4);
const T6 = table(V6, 6);

/** Brute force: in some block and in none of its exceptions. */
function expected(x: bigint, t: typeof T4): boolean {
  return t.some(
    ({ range, except }) => x >= range[0] && x <= range[1] && !except.some(([s, e]) => x >= s && x <= e),
  );
}

function edges(t: typeof T4, max: bigint): bigint[] {
  const out: bigint[] = [0n, max];
  for (const { range, except } of t)
    for (const [s, e] of [range, ...except]) out.push(s - 1n, s, s + 1n, e - 1n, e, e + 1n);
  return out.filter((x) => x >= 0n && x <= max);
}

describe('bogon ranges', () => {
  it('match the documented table at the edges of every range and exception (IPv4)', () => {
    const points = edges(T4, (1n << 32n) - 1n);
    expect(points.length).toBeGreaterThan(90);
    for (const x of points) expect(isBogon(v4Text(x)), v4Text(x)).toBe(expected(x, T4));
  });

  it('match the documented table at the edges of every range and exception (IPv6)', () => {
    const points = edges(T6, (1n << 128n) - 1n);
    for (const x of points) expect(isBogon(v6Text(x)), v6Text(x)).toBe(expected(x, T6));
  });

  it('match the table at seeded random addresses, and at the addresses the brief names', () => {
    const rnd = seededRandom(13);
    for (let k = 0; k < 5_000; k++) {
      const x4 = BigInt(Math.floor(rnd() * 2 ** 32));
      expect(isBogon(v4Text(x4)), v4Text(x4)).toBe(expected(x4, T4));
      // IPv6: mostly inside 2000::/3, where the special blocks are.
      let x6 = 0n;
      for (let g = 0; g < 8; g++) x6 = (x6 << 16n) | BigInt(Math.floor(rnd() * 65536));
      if (rnd() < 0.7) x6 = (x6 & ((1n << 125n) - 1n)) | (1n << 125n);
      if (rnd() < 0.3)
        x6 = (x6 & ((1n << 96n) - 1n)) | (0x2001n << 112n) | (BigInt(Math.floor(rnd() * 64)) << 96n);
      expect(isBogon(v6Text(x6)), v6Text(x6)).toBe(expected(x6, T6));
    }
    for (const ip of [
      '10.0.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.127.0.1',
      '127.0.0.1',
      '169.254.1.1',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.251',
      '198.19.255.255',
      '2001:db8::1',
      '::',
      '::1',
      '::ffff:10.0.0.1',
      '64:ff9b::808:808',
      '100::1',
      'fd00::1',
      'fe80::1',
      'ff02::1',
      '2001:2::1',
      '3fff::1',
      '5f00::1',
    ])
      expect(isBogon(ip), ip).toBe(true);
    for (const ip of [
      '8.8.8.8',
      '1.1.1.1',
      '100.63.255.255',
      '100.128.0.0',
      '172.32.0.0',
      '192.0.0.9',
      '192.0.0.10',
      '192.88.99.1',
      '2001:4860:4860::8888',
      '2a01:4f8::1',
      '2001::1',
      '2001:1::1',
      '2002:c000:204::1',
    ])
      expect(isBogon(ip), ip).toBe(false);
  });

  it('every block names its source registry', () => {
    for (const b of BOGON_BLOCKS) expect(b.source, b.prefix).toMatch(/IANA .* Regist/);
  });
});
