import ipaddr from 'ipaddr.js';
import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { describe, expect, it } from 'vitest';
import { canonicalIp, formatDay, isCanonicalIpv4, parseDay } from '../../src/index.js';
import { parseDecimalBytes } from '../../src/ingest/parse-number.js';
import { dayRange } from '../../src/util/dates.js';
import { sortIpIndex } from '../../src/util/ip/order.js';
import { formatDuration } from '../../src/util/number-format.js';

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['fe80::1004:c66a:a1bd:237f', 'fe80::1004:c66a:a1bd:237f'],
    // IPv4-mapped IPv6 (RFC 4291 §2.5.5.2) is the IPv4 host, in every spelling.
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:102:304', '1.2.3.4'],
    ['0:0:0:0:0:ffff:0102:0304', '1.2.3.4'],
    ['::ffff:1.2.3.4%eth0', undefined],
    ['::fffe:102:304', '::fffe:102:304'],
    ['10', undefined],
    ['0x0a.0.0.1', undefined],
    ['1.2.3.256', undefined],
    ['-', undefined],
    ['', undefined],
    ['2001:db8::g', undefined],
  ])('%s → %s', (input, want) => {
    expect(canonicalIp(input)).toBe(want);
  });
});

describe('sortIpIndex', () => {
  it('sorts numerically, IPv4 before IPv6', () => {
    const ips = ['10.0.0.1', '2001:db8::1', '9.0.0.1', '::1', '9.0.0.10', '9.0.0.9', 'fe80::1'];
    expect(sortIpIndex(ips).map((i) => ips[i])).toEqual([
      '9.0.0.1',
      '9.0.0.9',
      '9.0.0.10',
      '10.0.0.1',
      '::1',
      '2001:db8::1',
      'fe80::1',
    ]);
  });
});

describe('days', () => {
  it.each([
    ['1970-01-01', 0],
    ['2018-05-06', 17657],
    ['2024-02-29', 19782],
    ['2023-02-29', undefined],
    ['2018-5-6', undefined],
  ])('parseDay(%s) = %s', (text, want) => {
    expect(parseDay(text)).toBe(want);
  });

  it('formatDay inverts parseDay, dayRange is inclusive', () => {
    expect(formatDay(17657)).toBe('2018-05-06');
    expect(dayRange('2018-06-28', '2018-07-01')).toEqual([
      '2018-06-28',
      '2018-06-29',
      '2018-06-30',
      '2018-07-01',
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0.0'],
    [3, '3.0'],
    [18.73475, '18.73475'],
    [1.329376220703125, '1.329376'],
    [0.0000004, '0.0'],
    [0.0000006, '0.000001'],
  ])('%s → %s', (x, want) => {
    expect(formatDuration(x)).toBe(want);
  });
});

describe('parseDecimalBytes', () => {
  it('equals Number() on random decimals and rejects junk', () => {
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let k = 0; k < 20000; k++) {
      const int = String(next() % 10 ** (1 + (next() % 10)));
      const fracDigits = next() % 9;
      const frac = fracDigits === 0 ? '' : `.${String(next()).padStart(9, '0').slice(0, fracDigits)}`;
      const text = (next() % 10 === 0 ? '-' : '') + int + frac;
      const buf = Buffer.from(`x\t${text}\ty`);
      expect(parseDecimalBytes(buf, 2, 2 + text.length), text).toBe(Number(text));
    }
    for (const junk of ['', '-', 'abc', '1.2.3', '1e', '--1']) {
      const buf = Buffer.from(junk);
      expect(parseDecimalBytes(buf, 0, buf.length), junk).toBeNaN();
    }
    const sci = Buffer.from('1.5e-3');
    expect(parseDecimalBytes(sci, 0, sci.length)).toBe(0.0015);
  });
});

describe('isCanonicalIpv4 (the fast path of canonicalIp)', () => {
  it("agrees with ipaddr.js's parse-and-print on edge cases and random dotted strings", () => {
    const cases = [
      '1.2.3.4',
      '0.0.0.0',
      '255.255.255.255',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3.04',
      '1.2.3',
      '1.2.3.4.5',
    ];
    cases.push('1..2.3', '1.2.3.4 ', 'a.b.c.d', '1.2.3.', '000.1.1.1', '1.2.3.256', '00.1.1.1', '', '.1.2.3');
    const g = xoroshiro128plus(5);
    const alphabet = '0123456789..';
    for (let i = 0; i < 20_000; i++) {
      const len = unsafeUniformIntDistribution(1, 16, g);
      let s = '';
      for (let j = 0; j < len; j++) s += alphabet[unsafeUniformIntDistribution(0, alphabet.length - 1, g)];
      cases.push(s);
    }
    for (const c of cases) {
      const slow = ipaddr.IPv4.isValidFourPartDecimal(c) ? ipaddr.IPv4.parse(c).toString() : undefined;
      expect(isCanonicalIpv4(c), c).toBe(slow === c);
      expect(canonicalIp(c), c).toBe(slow);
    }
  });
});
