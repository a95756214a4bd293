/**
 * The fast paths of the day-table reader (issue 11) against the code they replace: parsePlainDecimal gives the
 * double Number() gives, isCanonicalIpv6 accepts exactly ipaddr.js's RFC 5952 texts, and parseDayTableCsv agrees
 * with the reference parser (test/days/day-table-reference.ts) on results and on every error: class, message, file,
 * line and field.
 */

import { gzipSync } from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseDayTableCsv } from '../../src/days/day-table-csv.js';
import { dayTableText, decodeDayTableText } from '../../src/days/day-table-text.js';
import { DataError } from '../../src/util/errors.js';
import { canonicalIp, isCanonicalIpv6 } from '../../src/util/ip/index.js';
import { referenceCanonicalIp, referenceParseDayTableCsv } from './day-table-reference.js';

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function* strings(alphabet: string, maxLength: number, prefix = ''): Generator<string> {
  if (prefix.length > 0) yield prefix;
  if (prefix.length === maxLength) return;
  for (const c of alphabet) yield* strings(alphabet, maxLength, prefix + c);
}

/**
 * Each text as a number cell through parseDayTableCsv and the reference parser: the same doubles bit for bit, or the
 * same error. Texts Number() accepts go in tables of many rows, as the duration and, when they are whole numbers up to
 * 2^53 − 1, as flows, packets and bytes (else 0 there); a number outside a column's domain (a fraction or more than
 * 2^53 − 1 as a count, more than 2^53 µs as a duration) goes in that column of a table of one row, as do the texts
 * that are no numbers, since the first bad cell ends a parse (at most `perKind` each, to keep the test quick).
 */
function expectSameNumbers(texts: string[], perKind = 3000): { valid: number; invalid: number } {
  const h = 'orig,flows,duration,packets,bytes\n';
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const s of texts) {
    if (/[,\n\r]/.test(s)) continue;
    const v = Number(s.trim());
    (s.trim() !== '' && Number.isFinite(v) && v >= 0 ? valid : invalid).push(s);
  }
  const isCount = (s: string) => Number.isInteger(Number(s.trim())) && Number(s.trim()) <= 2 ** 53 - 1;
  const isDuration = (s: string) => Number(s.trim()) <= 9007199254.740992;
  const ip = (k: number) => `10.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
  const row = (k: number, s: string) => {
    const c = isCount(s) ? s : '0';
    return `${ip(k)},${c},${isDuration(s) ? s : '0'},${c},${c}\n`;
  };
  for (let at = 0; at < valid.length; at += 50_000) {
    const rows = valid.slice(at, at + 50_000).map((s, k) => row(k, s));
    expect(expectSameParse(h + rows.join('')).ok).toBe(true);
  }
  for (const s of valid.filter((x) => !isCount(x)).slice(0, perKind))
    expect(expectSameParse(`${h}${ip(0)},${s},0,0,0\n`).ok, s).toBe(false);
  for (const s of valid.filter((x) => !isDuration(x)).slice(0, perKind))
    expect(expectSameParse(`${h}${ip(0)},0,${s},0,0\n`).ok, s).toBe(false);
  for (const s of invalid) expect(expectSameParse(`${h}${ip(0)},${s},${s},${s},${s}\n`).ok, s).toBe(false);
  return { valid: valid.length, invalid: invalid.length };
}

describe('numbers', () => {
  it('are the doubles Number() gives: every string of up to 5 characters of digits, dot, sign, exponent', () => {
    const n = expectSameNumbers([...strings('019.e-', 5), ...strings('0123456789.', 4)]);
    expect(n.valid).toBeGreaterThan(10_000);
    expect(n.invalid).toBeGreaterThan(1_000);
  });

  it('are the doubles Number() gives: long mantissas, many fraction digits, near 2^53, odd spellings', () => {
    const r = rng(7);
    const digit = () => String(Math.floor(r() * 10));
    const texts: string[] = [];
    for (let n = 0; n < 200_000; n++) {
      const length = 1 + Math.floor(r() * 26);
      let s = '';
      for (let k = 0; k < length; k++) s += digit();
      if (r() < 0.3) s = '0'.repeat(Math.floor(r() * 4)) + s;
      if (r() < 0.8) {
        const at = Math.floor(r() * (s.length + 1));
        s = `${s.slice(0, at)}.${s.slice(at)}`;
      }
      texts.push(s);
    }
    for (const base of ['9007199254740991', '9007199254740992', '9007199254740993', '18014398509481985']) {
      for (let at = 0; at <= base.length; at++)
        texts.push(`${base.slice(0, at)}.${base.slice(at)}`, `0.${'0'.repeat(at)}${base}`);
      texts.push(base);
    }
    for (let k = 15; k <= 25; k++)
      texts.push(`0.${'0'.repeat(k - 1)}1`, `1.${'0'.repeat(k - 2)}1`, '9'.repeat(k), `0.${'3'.repeat(k)}`);
    texts.push(
      '0',
      '00',
      '0.0',
      '5.',
      '.5',
      '.',
      '',
      '1e3',
      '-0',
      '-1',
      '+1',
      ' 1',
      '1 ',
      '0x10',
      'Infinity',
    );
    texts.push('\u00a07', '7\t', '0b11', '0o7', '1_0', 'NaN', '1e400', '1.5e-7', '-0.0');
    const n = expectSameNumbers(texts);
    expect(n.valid).toBeGreaterThan(190_000);
  });
});

describe('isCanonicalIpv6', () => {
  const r = rng(11);
  const randomGroups = (): number[] =>
    Array.from({ length: 8 }, () => {
      const x = r();
      if (x < 0.55) return 0;
      if (x < 0.7) return Math.floor(r() * 16);
      if (x < 0.85) return Math.floor(r() * 4096);
      return Math.floor(r() * 65536);
    });

  it('accepts ipaddr.js RFC 5952 texts and rejects every other spelling of the same address', () => {
    for (let n = 0; n < 5_000; n++) {
      const groups = randomGroups();
      const address = new ipaddr.IPv6(groups);
      const canonical = address.toRFC5952String();
      if (!isCanonicalIpv6(canonical) || canonicalIp(canonical) !== canonical) expect.fail(canonical);
      const hex = groups.map((g) => g.toString(16));
      const variants = [
        address.toNormalizedString(),
        groups.map((g) => g.toString(16).padStart(4, '0')).join(':'),
        canonical.toUpperCase(),
        hex.map((h) => (r() < 0.3 ? `0${h}` : h)).join(':'),
      ];
      // `::` in place of each run of zero groups, longest or not, one group or more.
      for (let a = 0; a < 8; a++) {
        for (let b = a + 1; b <= 8 && groups[b - 1] === 0; b++) {
          variants.push(`${hex.slice(0, a).join(':')}::${hex.slice(b).join(':')}`);
        }
      }
      for (const v of variants) {
        if (isCanonicalIpv6(v) !== (v === canonical) || canonicalIp(v) !== referenceCanonicalIp(v))
          expect.fail(`${v}: isCanonicalIpv6 ${isCanonicalIpv6(v)}, canonical ${canonical}`);
      }
    }
  });

  it('agrees with ipaddr.js on every short string of hex digits and colons, and on random ones', () => {
    let accepted = 0;
    const check = (s: string) => {
      const reference = referenceCanonicalIp(s);
      if (isCanonicalIpv6(s)) {
        accepted++;
        if (reference !== s) expect.fail(`${s} accepted, ipaddr.js: ${reference}`);
      }
      if (canonicalIp(s) !== reference) expect.fail(`${s}: ${canonicalIp(s)}, ipaddr.js: ${reference}`);
    };
    for (const s of strings(':0a1', 7)) check(s);
    const alphabet = '0123456789abcdefA::::::.%';
    for (let n = 0; n < 30_000; n++) {
      const length = 2 + Math.floor(r() * 38);
      let s = '';
      for (let k = 0; k < length; k++) s += alphabet[Math.floor(r() * alphabet.length)];
      check(s);
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function outcome(run: () => ReturnType<typeof parseDayTableCsv>): Outcome {
  try {
    const { table, ignoredColumns } = run();
    return {
      ok: true,
      value: {
        date: table.date,
        ip: table.ip,
        ignoredColumns,
        // Bit patterns, so -0 and 0 differ.
        columns: [table.flows, table.duration, table.packets, table.bytes].map((c) => [
          c.length,
          Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('hex'),
        ]),
      },
    };
  } catch (error) {
    const e = error as DataError;
    return {
      ok: false,
      error: {
        dataError: e instanceof DataError,
        message: e.message,
        file: e.file,
        line: e.line,
        field: e.field,
      },
    };
  }
}

function expectSameParse(text: string): Outcome {
  const mine = outcome(() => parseDayTableCsv(text, '2024-01-02', 'd/attacks.2024-01-02.csv'));
  const reference = outcome(() => referenceParseDayTableCsv(text, '2024-01-02', 'd/attacks.2024-01-02.csv'));
  if (JSON.stringify(mine) !== JSON.stringify(reference))
    expect(mine, JSON.stringify(text)).toEqual(reference);
  return mine;
}

/** A random day-table CSV, mostly well formed, with every kind of oddity now and then. */
function randomCsv(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const odd = (p: number) => r() < p;
  let columns = ['orig', 'flows', 'duration', 'packets', 'bytes'];
  if (odd(0.3)) columns = [...columns].sort(() => r() - 0.5);
  if (odd(0.2)) columns.splice(Math.floor(r() * columns.length), 0, pick(['note', ' x ', 'orig2']));
  if (odd(0.03)) columns.splice(Math.floor(r() * columns.length), 1);
  let header = columns.map((c) => (odd(0.05) ? ` ${c}` : c)).join(',');
  if (odd(0.05)) header = `\uFEFF${header}`;
  const eol = odd(0.2) ? '\r\n' : '\n';
  const rows = Math.floor(r() * 40);
  // Sorted distinct addresses, the normal case.
  let v4 = Math.floor(r() * 2 ** 31);
  const ips: string[] = [];
  for (let k = 0; k < rows; k++) {
    if (odd(0.85)) {
      v4 += 1 + Math.floor(r() * (odd(0.5) ? 3 : 2 ** 24));
      const v = v4 % 2 ** 32;
      ips.push(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
    } else {
      const groups = Array.from({ length: 8 }, () => (odd(0.5) ? 0 : Math.floor(r() * 65536)));
      ips.push(new ipaddr.IPv6(groups).toRFC5952String());
    }
  }
  const number = (column: string): string => {
    if (odd(0.9)) {
      const whole = column !== 'duration' || odd(0.5);
      const x = whole ? String(Math.floor(r() * 10 ** Math.floor(r() * 12))) : (r() * 1000).toFixed(6);
      return x;
    }
    return pick([
      '1.5',
      '2.0',
      '9007199254740991',
      '9007199254740992',
      '9007199254.740992',
      '9007199254.75',
      '1e308',
      '-0',
      '-0.0',
      '1e3',
      '-1',
      '-0',
      '+5',
      ' 5',
      '5 ',
      '',
      ' ',
      'abc',
      '0x10',
      'Infinity',
      '.5',
      '5.',
      '.',
      '1.2.3',
      '9007199254740993',
      '123456789012345678901234',
      '0.0000000000000000000000001',
      '0.00000000000000000000001',
      '0.0000000000000000000001',
      '\u00a07',
      'NaN',
      '1_000',
    ]);
  };
  const ipText = (k: number): string => {
    const ip = ips[k]!;
    if (!odd(0.08)) return ip;
    return pick([
      () => ips[Math.max(0, k - 1)]!,
      () => ips[Math.floor(r() * ips.length)]!,
      () => ` ${ip}`,
      () => `${ip}\t`,
      () => ip.toUpperCase(),
      () => ip.replace(/^(\d+)\./, '0$1.'),
      () => ip.replace(/\.\d+$/, '.256'),
      () => ip.replace(/\.\d+$/, ''),
      () => `${ip}.1`,
      () => '',
      () => '::ffff:1.2.3.4',
      () => '1.2.3.4%eth0',
      () => 'fe80::1%eth0',
      () => ip.replace(/::/, ':0:0:'),
      () => `\u00a0${ip}`,
    ])();
  };
  const lines = [header];
  for (let k = 0; k < rows; k++) {
    if (odd(0.03)) lines.push(pick(['', '  ', '\t', ',', ' , ']));
    const cells = columns.map((c) => (c.trim() === 'orig' ? ipText(k) : c.trim() === c ? number(c) : 'n'));
    if (odd(0.02)) cells.pop();
    if (odd(0.02)) cells.push('extra');
    lines.push(cells.join(','));
  }
  // Swap two rows now and then: unsorted input.
  if (odd(0.2) && lines.length > 3) {
    const a = 1 + Math.floor(r() * (lines.length - 1));
    const b = 1 + Math.floor(r() * (lines.length - 1));
    [lines[a], lines[b]] = [lines[b]!, lines[a]!];
  }
  let text = lines.join(eol);
  if (odd(0.8)) text += eol;
  if (odd(0.02)) text += '\r';
  return text;
}

describe('parseDayTableCsv', () => {
  it('agrees with the reference parser on 6 000 random tables, results and errors', () => {
    const r = rng(2024);
    let good = 0;
    let bad = 0;
    for (let n = 0; n < 6_000; n++) {
      if (expectSameParse(randomCsv(r)).ok) good++;
      else bad++;
    }
    expect(good).toBeGreaterThan(400);
    expect(bad).toBeGreaterThan(600);
  });

  it('finds a repeated IP in sorted and in unsorted tables, IPv4 and IPv6, at the line of the repeat', () => {
    const h = 'orig,flows,duration,packets,bytes\n';
    const cases: [string, number, string][] = [
      [`${h}1.1.1.1,1,0,1,1\n1.1.1.1,1,0,1,1\n`, 3, '1.1.1.1'],
      [`${h}1.1.1.1,1,0,1,1\n2.2.2.2,1,0,1,1\n1.1.1.1,1,0,1,1\n`, 4, '1.1.1.1'],
      [`${h}3.3.3.3,1,0,1,1\n1.1.1.1,1,0,1,1\n2.2.2.2,1,0,1,1\n3.3.3.3,1,0,1,1\n`, 5, '3.3.3.3'],
      [`${h}1.1.1.1,1,0,1,1\n 1.1.1.1 ,1,0,1,1\n`, 3, '1.1.1.1'],
      [`${h}1.1.1.1,1,0,1,1\n::1,1,0,1,1\n2.2.2.2,1,0,1,1\n0:0::1,1,0,1,1\n`, 5, '::1'],
    ];
    for (const [text, line, ip] of cases) {
      const o = expectSameParse(text);
      expect(o).toMatchObject({ ok: false, error: { line, field: 'orig' } });
      expect((o as { error: { message: string } }).error.message).toContain(
        `IP ${ip} appears twice in one day`,
      );
    }
    // Unsorted but distinct: fine.
    expect(expectSameParse(`${h}3.3.3.3,1,0,1,1\n1.1.1.1,1,0,1,1\n2.2.2.2,1,0,1,1\n`).ok).toBe(true);
  });

  it('reads real-sized tables the same as the reference, sorted and shuffled', () => {
    const r = rng(5);
    const lines: string[] = [];
    let v = 1 << 24;
    for (let k = 0; k < 50_000; k++) {
      v += 1 + Math.floor(r() * 20_000);
      lines.push(
        `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255},${1 + Math.floor(r() * 50)},${(r() * 300).toFixed(6)},${Math.floor(r() * 1e4)},${Math.floor(r() * 1e7)}`,
      );
    }
    for (let k = 0; k < 2000; k++)
      lines.push(`2001:db8:${k.toString(16)}::${(k * 7).toString(16)},1,0.0,1,60`);
    const h = 'orig,flows,duration,packets,bytes';
    expect(expectSameParse(`${h}\n${lines.join('\n')}\n`).ok).toBe(true);
    const shuffled = [...lines];
    for (let k = shuffled.length - 1; k > 0; k--) {
      const j = Math.floor(r() * (k + 1));
      [shuffled[k], shuffled[j]] = [shuffled[j]!, shuffled[k]!];
    }
    expect(expectSameParse(`${h}\r\n${shuffled.join('\r\n')}`).ok).toBe(true);
    shuffled.push(shuffled[12_345]!);
    expect(expectSameParse(`${h}\n${shuffled.join('\n')}\n`)).toMatchObject({
      ok: false,
      error: { line: 52_002 },
    });
  });
});

describe('dayTableText', () => {
  it('decodes ASCII and UTF-8 as UTF-8 does, and inflates whatever the gzip trailer says', () => {
    const ascii = Buffer.from('orig,flows,duration,packets,bytes\n1.1.1.1,1,0,1,1\n');
    const utf8 = Buffer.from('orig,flows,duration,packets,bytes,note\n1.1.1.1,1,0,1,1,café ✓\n');
    expect(decodeDayTableText(ascii)).toBe(ascii.toString('utf8'));
    expect(decodeDayTableText(utf8)).toBe(utf8.toString('utf8'));
    expect(dayTableText(utf8, 'x')).toBe(utf8.toString('utf8'));
    expect(dayTableText(gzipSync(utf8), 'x')).toBe(utf8.toString('utf8'));
    // Two gzip members: the trailer sizes only the last.
    const big = Buffer.from('x'.repeat(300_000));
    expect(dayTableText(Buffer.concat([gzipSync(big), gzipSync(ascii)]), 'x')).toBe(
      Buffer.concat([big, ascii]).toString(),
    );
    const truncated = gzipSync(big).subarray(0, 200);
    expect(() => dayTableText(truncated, 'f.csv.gz')).toThrow(/^f\.csv\.gz: corrupt or truncated gzip \(/);
  });
});
