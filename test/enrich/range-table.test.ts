/**
 * The range table and the range-file reader on small hand-made inputs: overlapping ranges resolved as "the narrowest
 * range holding an address wins, the later line among equally wide ones" (checked at every address against a
 * brute-force scan, and by hand for equal starts), IPv6 words, and located errors for malformed lines.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAsnData } from '../../src/enrich/asn-data.js';
import { readCountryData } from '../../src/enrich/country-data.js';
import { RangeTableBuilder } from '../../src/enrich/range-table.js';
import { DataError } from '../../src/util/errors.js';
import { rejection, tempDir } from '../helpers.js';
import { testRng } from '../knowledge/memory-dataset.js';

/** The value at `x` by the rule: the narrowest range that holds it (the last in input order among those), else -1. */
function naive(ranges: readonly (readonly [number, number, number])[], x: number): number {
  let best = -1;
  let width = Number.POSITIVE_INFINITY;
  for (const [s, e, v] of ranges)
    if (s <= x && x <= e && e - s <= width) {
      best = v;
      width = e - s;
    }
  return best;
}

describe('RangeTableBuilder', () => {
  it.each([
    {
      name: 'disjoint with gaps',
      ranges: [
        [2, 4, 0],
        [7, 7, 1],
        [9, 12, 2],
      ],
    },
    {
      name: 'adjacent',
      ranges: [
        [0, 3, 0],
        [4, 8, 1],
      ],
    },
    {
      name: 'nested (a more specific range after its container)',
      ranges: [
        [0, 20, 0],
        [5, 8, 1],
        [9, 9, 2],
        [15, 20, 3],
      ],
    },
    {
      name: 'same start, smaller second',
      ranges: [
        [3, 10, 0],
        [3, 5, 1],
      ],
    },
    {
      name: 'partial overlap',
      ranges: [
        [0, 10, 0],
        [8, 15, 1],
        [14, 20, 2],
      ],
    },
    {
      name: 'doubly nested',
      ranges: [
        [0, 30, 0],
        [2, 20, 1],
        [4, 6, 2],
        [10, 25, 3],
      ],
    },
    {
      name: 'same start, broader second',
      ranges: [
        [3, 5, 0],
        [3, 10, 1],
      ],
    },
    {
      name: 'same start, three widths, broadest in the middle',
      ranges: [
        [0, 4, 0],
        [0, 12, 1],
        [0, 7, 2],
      ],
    },
    {
      name: 'partial overlap, the later range broader',
      ranges: [
        [0, 5, 0],
        [3, 20, 1],
      ],
    },
    {
      name: 'a broad range after narrow ones it covers, and gaps',
      ranges: [
        [2, 3, 0],
        [2, 25, 1],
        [6, 6, 2],
        [9, 12, 3],
        [24, 30, 4],
      ],
    },
    {
      name: 'same range twice',
      ranges: [
        [1, 5, 0],
        [1, 5, 1],
      ],
    },
  ] as { name: string; ranges: [number, number, number][] }[])('$name', ({ ranges }) => {
    const b = new RangeTableBuilder();
    for (const [s, e, v] of ranges) expect(b.addV4(s, e, v)).toBeUndefined();
    const t = b.build();
    for (let x = 0; x <= 32; x++) expect(t.findV4(x), `address ${x}`).toBe(naive(ranges, x));
  });

  it('equal starts and partial overlaps, by hand: the narrower range wins; equal widths: the later line', () => {
    const b = new RangeTableBuilder();
    b.addV4(10, 13, 0); // narrow first
    b.addV4(10, 19, 1); // same start, broader: keeps only 14..19
    b.addV4(18, 30, 2); // partial overlap, broader (13 addresses against 10): 18..19 stay 1
    b.addV4(25, 27, 3); // nested in 2
    b.addV4(25, 27, 4); // the same range again: the later line
    const t = b.build();
    const want = new Map<number, number>([
      [9, -1],
      [10, 0],
      [13, 0],
      [14, 1],
      [19, 1],
      [20, 2],
      [24, 2],
      [25, 4],
      [27, 4],
      [28, 2],
      [30, 2],
      [31, -1],
    ]);
    for (const [x, v] of want) expect(t.findV4(x), `address ${x}`).toBe(v);
    // Partial overlap of equal widths: the later line takes the shared part.
    const c = new RangeTableBuilder();
    c.addV4(0, 9, 0);
    c.addV4(5, 14, 1);
    const u = c.build();
    expect([4, 5, 9, 10, 14].map((x) => u.findV4(x))).toEqual([0, 1, 1, 1, 1]);
    // IPv6 likewise: a broader range with the same start does not hide the narrower one.
    const d = new RangeTableBuilder();
    const hi = 0x2001_0db8n << 96n;
    d.addV6(hi, hi + 0xffn, 0);
    d.addV6(hi, hi + 0x1ffn, 1);
    const words = (x: bigint) => [96n, 64n, 32n, 0n].map((s) => Number((x >> s) & 0xffff_ffffn));
    expect([hi, hi + 0xffn, hi + 0x100n, hi + 0x1ffn].map((x) => d.build().findV6(words(x)))).toEqual([
      0, 0, 1, 1,
    ]);
  });

  it('random overlapping ranges sorted by start: every address as the brute force says', () => {
    const r = testRng(5);
    for (let run = 0; run < 200; run++) {
      const ranges: [number, number, number][] = [];
      for (let i = 0; i < r(1, 8); i++) {
        const s = r(0, 40);
        ranges.push([s, s + r(0, 12), i]);
        if (r(0, 3) === 0) ranges.push([s, s + r(0, 12), i + 100]); // same start
      }
      ranges.sort((a, b) => a[0] - b[0]);
      const b = new RangeTableBuilder();
      for (const [s, e, v] of ranges) b.addV4(s, e, v);
      const t = b.build();
      for (let x = 0; x <= 55; x++)
        expect(t.findV4(x), `${JSON.stringify(ranges)} at ${x}`).toBe(naive(ranges, x));
    }
  });

  it('counts overlaps; refuses a range that ends before it starts or starts before the previous one', () => {
    const b = new RangeTableBuilder();
    expect(b.addV4(10, 20, 0)).toBeUndefined();
    expect(b.addV4(12, 14, 1)).toBeUndefined();
    expect(b.overlaps).toEqual({ v4: 1, v6: 0 });
    expect(b.addV4(30, 29, 2)).toMatch(/start after its end/);
    expect(b.addV4(11, 40, 2)).toMatch(/starts before the previous one/);
  });

  it('IPv6: compares all four words (ranges differing only in the low or the high word)', () => {
    const b = new RangeTableBuilder();
    const hi = 0x2001_0db8n << 96n;
    b.addV6(hi, hi + 0xffn, 0);
    b.addV6(hi + (1n << 32n), hi + (1n << 32n) + 5n, 1);
    b.addV6((0xffff_ffffn << 96n) + 1n, (1n << 128n) - 1n, 2);
    const t = b.build();
    const words = (x: bigint) => [96n, 64n, 32n, 0n].map((s) => Number((x >> s) & 0xffff_ffffn));
    expect(t.findV6(words(hi))).toBe(0);
    expect(t.findV6(words(hi + 0xffn))).toBe(0);
    expect(t.findV6(words(hi + 0x100n))).toBe(-1);
    expect(t.findV6(words(hi + (1n << 32n) + 5n))).toBe(1);
    expect(t.findV6(words(hi + (1n << 32n) + 6n))).toBe(-1);
    expect(t.findV6(words(hi - 1n))).toBe(-1);
    expect(t.findV6(words((1n << 128n) - 1n))).toBe(2);
    expect(t.findV6(words(0xffff_ffffn << 96n))).toBe(-1);
    expect(t.sizes).toEqual({ v4: 0, v6: 3 });
  });
});

describe('reading the range files', () => {
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('aiplab-enrich-'));
  });
  afterAll(() => cleanup());

  const asnFolder = async (name: string, v4: string, v6 = '') => {
    const d = join(dir, name);
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'asn-ipv4-num.csv'), v4);
    await writeFile(join(d, 'asn-ipv6-num.csv'), v6);
    return d;
  };

  it('reads quoted names, CRLF lines, a blank last line; one value per distinct (AS, name)', async () => {
    const d = await asnFolder(
      'good',
      '16777216,16777471,13335,"Cloudflare, Inc."\r\n' +
        '16777472,16777727,201907,"LLC ""SPUTNIK"""\r\n' +
        '16777728,16777983,13335,"Cloudflare, Inc."\r\n\n',
      '42540488161975842760550356425300246528,42540488241204005274814694018844196863,6939,Hurricane Electric LLC\n',
    );
    const data = await readAsnData(d);
    expect(data.names).toEqual(['Cloudflare, Inc.', 'LLC "SPUTNIK"', 'Hurricane Electric LLC']);
    expect([...data.asn]).toEqual([13335, 201907, 6939]);
    expect(data.ranges.findV4(16777983)).toBe(0);
    expect(data.ranges.findV4(16777472)).toBe(1);
    expect(data.ranges.sizes).toEqual({ v4: 3, v6: 1 });
  });

  it.each([
    ['1.0.0.0,16777471,13335,X\n', 1, 'ip_range_start', /not a decimal address: '1\.0\.0\.0'/],
    ['16777216,16777471,13335,X\n16777472,x,1,Y\n', 2, 'ip_range_end', /not a decimal address/],
    ['16777216,16777471\n', 1, 'ip_range_start', /expected 4 columns/],
    ['16777216,16777471,13335\n', 1, 'autonomous_system_number', /expected 4 columns, found 3/],
    ['16777216,16777471,AS13335,X\n', 1, 'autonomous_system_number', /not an AS number: 'AS13335'/],
    ['16777216,16777471,1,"open\n', 1, 'autonomous_system_number', /unbalanced quotes/],
    ['16777216,4294967296,1,X\n', 1, 'ip_range_end', /above 2\^32 - 1/],
    ['16777216,16777215,1,X\n', 1, 'ip_range_start', /start after its end/],
    ['16777216,16777471,1,X\n16777000,16777100,1,X\n', 2, 'ip_range_start', /starts before the previous one/],
  ])('%j: a DataError at line %i, field %s', async (v4, line, field, message) => {
    const d = await asnFolder(`bad-${line}-${field}-${Math.abs(v4.length)}-${String(message).length}`, v4);
    const e = await rejection(readAsnData(d));
    expect(e).toBeInstanceOf(DataError);
    expect(e).toMatchObject({ file: join(d, 'asn-ipv4-num.csv'), line, field });
    expect(e.message).toMatch(message);
  });

  it('IPv6 above 2^128 - 1, a bad country code, a missing file: located DataErrors', async () => {
    const d = await asnFolder('v6', '', `0,${(1n << 128n).toString()},1,X\n`);
    expect(await rejection(readAsnData(d))).toMatchObject({ line: 1, field: 'ip_range_end' });
    const c = join(dir, 'country');
    await mkdir(c, { recursive: true });
    await writeFile(join(c, 'x-ipv4-num.csv'), '0,5,DE\n6,9,de\n');
    await writeFile(join(c, 'x-ipv6-num.csv'), '');
    const e = await rejection(readCountryData(c, 'x'));
    expect(e).toMatchObject({ line: 2, field: 'country_code' });
    expect(e.message).toMatch(/not a two-letter country code: 'de'/);
    const missing = await rejection(readCountryData(c, 'nope'));
    expect(missing).toBeInstanceOf(DataError);
    expect(missing.message).toMatch(/nope-ipv4-num\.csv: the enrichment data file is missing/);
  });
});
