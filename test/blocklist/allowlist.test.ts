import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Allowlist, parseAllowlist, parseAllowlistEntry, readAllowlist } from '../../src/blocklist/index.js';
import { DataError } from '../../src/util/errors.js';
import { seededRandom } from './helpers.js';

describe('parseAllowlistEntry', () => {
  it.each([
    ['1.2.3.4', { family: 4, start: 0x01020304, end: 0x01020304 }],
    ['0.0.0.0', { family: 4, start: 0, end: 0 }],
    ['255.255.255.255', { family: 4, start: 0xffffffff, end: 0xffffffff }],
    ['10.0.0.0/8', { family: 4, start: 0x0a000000, end: 0x0affffff }],
    ['10.1.2.3/8', { family: 4, start: 0x0a000000, end: 0x0affffff }], // host bits ignored
    ['192.168.1.7/32', { family: 4, start: 0xc0a80107, end: 0xc0a80107 }],
    ['0.0.0.0/0', { family: 4, start: 0, end: 0xffffffff }],
    [
      '2001:db8::1',
      {
        family: 6,
        start: 0x20010db8000000000000000000000001n,
        end: 0x20010db8000000000000000000000001n,
      },
    ],
    [
      '2001:DB8:0:0:0:0:0:1',
      {
        family: 6,
        start: 0x20010db8000000000000000000000001n,
        end: 0x20010db8000000000000000000000001n,
      },
    ],
    [
      '2001:0db8::0001',
      {
        family: 6,
        start: 0x20010db8000000000000000000000001n,
        end: 0x20010db8000000000000000000000001n,
      },
    ],
    [
      '2001:db8::/32',
      {
        family: 6,
        start: 0x20010db8n << 96n,
        end: (0x20010db8n << 96n) | ((1n << 96n) - 1n),
      },
    ],
    ['::/0', { family: 6, start: 0n, end: (1n << 128n) - 1n }],
    ['::ffff:1.2.3.4', { family: 6, start: 0xffff01020304n, end: 0xffff01020304n }],
  ])('%s', (text, expected) => {
    expect(parseAllowlistEntry(text)).toEqual(expected);
  });

  it.each([
    '',
    'localhost',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '010.0.0.1', // leading zero: octal to some tools
    '10', // ipaddr.js alone reads this as 0.0.0.10
    '0x0a.0.0.1',
    '1.2.3.4/33',
    '1.2.3.4/',
    '1.2.3.4/-1',
    '1.2.3.4/8/8',
    '1.2.3.4/ 8',
    '2001:db8::/129',
    '2001:db8:::1',
    'fe80::1%eth0',
    '1.2.3.4 5.6.7.8',
  ])('rejects %j', (text) => {
    expect(parseAllowlistEntry(text)).toBeUndefined();
  });
});

describe('parseAllowlistEntry on IPv6 spellings agrees with ipaddr.js', () => {
  const spellings = [
    '::',
    '::1',
    '1::',
    '1:2::',
    '::2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7::',
    '1:2:3:4:5:6:7:8',
    'ABCD:ef01::FfFf',
    '0:0:0:0:0:0:0:0',
    '0000:0000::0000',
    '::ffff:192.0.2.1',
    '64:ff9b::192.0.2.1',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    '1:2:3:4:5:6:7::8',
    ':1::',
    '1:::',
    ':::',
    '1:',
    ':1',
    '::g',
    '1:2:3:4:5:6:7',
    'fe80::1%1',
    '::/0',
    '1::/64',
    '1:2:3:4:5:6:7:8/128',
    '::ffff:0:0/96',
  ];
  it.each(spellings)('%s', (text) => {
    let want: { start: bigint; end: bigint } | undefined;
    try {
      const [net, bits] = text.includes('/') ? ipaddr.IPv6.parseCIDR(text) : [ipaddr.IPv6.parse(text), 128];
      if (text.includes('%')) throw new Error('zone');
      const value = BigInt(`0x${Buffer.from(net.toByteArray()).toString('hex')}`);
      const host = (1n << BigInt(128 - bits)) - 1n;
      want = { start: value & ~host, end: (value & ~host) | host };
    } catch {
      want = undefined;
    }
    expect(parseAllowlistEntry(text)).toEqual(want && { family: 6, ...want });
  });
});

describe('parseAllowlist', () => {
  it.each([
    ['header and entries', 'ip\n1.2.3.4\n10.0.0.0/8\n', ['1.2.3.4', '10.9.9.9'], ['1.2.3.5', '11.0.0.0']],
    ['no header', '1.2.3.4\n', ['1.2.3.4'], ['1.2.3.3']],
    ["AIP's example file (trailing commas)", 'ip,\n192.168.1.2,\n', ['192.168.1.2'], ['192.168.1.3']],
    ['extra CSV columns ignored', 'ip,note\n1.2.3.4,office\n', ['1.2.3.4'], []],
    ['comments and blanks', '# mine\n\nip\n  # indented\n1.2.3.4 # office\n\n', ['1.2.3.4'], []],
    [
      'CRLF and BOM',
      '\ufeffip\r\n1.2.3.4\r\n2001:db8::/48\r\n',
      ['1.2.3.4', '2001:db8:0:ffff::1'],
      ['2001:db9::'],
    ],
    ['header case', 'IP\n1.2.3.4\n', ['1.2.3.4'], []],
    ['quoted field', '"ip"\n"1.2.3.4"\n', ['1.2.3.4'], []],
    [
      'IPv6 written long and upper case',
      '2001:0DB8:0000:0000:0000:0000:0000:0001\n',
      ['2001:db8::1'],
      ['2001:db8::2'],
    ],
    ['empty file', '', [], ['1.2.3.4']],
    ['only a header', 'ip\n', [], ['1.2.3.4']],
  ])('%s', (_name, text, inside, outside) => {
    const list = parseAllowlist(text, 'allow.csv');
    for (const ip of inside) expect(list.contains(ip), ip).toBe(true);
    for (const ip of outside) expect(list.contains(ip), ip).toBe(false);
  });

  it('counts entries', () => {
    expect(parseAllowlist('ip\n1.2.3.4\n# x\n10.0.0.0/8\n::1\n', 'a.csv').size).toBe(3);
  });

  it.each([
    ['ip\n1.2.3.4\nnot-an-ip\n', 3, 'not-an-ip'],
    ['1.2.3.4\n\n# c\n1.2.3.4/40\n', 4, '1.2.3.4/40'],
    ['ip\nip\n', 2, 'ip'], // a header only on the first data line
    ['# c\n999.1.1.1\n', 2, '999.1.1.1'],
    ['1.2.3.4\n,5.6.7.8\n', 2, 'comma'],
    ['1.2.3.4\r\n2001:db8::g\r\n', 2, '2001:db8::g'],
  ])('bad line: %j → line %i', (text, line, mention) => {
    let error: unknown;
    try {
      parseAllowlist(text, 'data/external/do_not_block_these_ips.csv');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    const e = error as DataError;
    expect(e.file).toBe('data/external/do_not_block_these_ips.csv');
    expect(e.line).toBe(line);
    expect(e.field).toBe('ip');
    expect(e.message).toMatch(
      new RegExp(`^data/external/do_not_block_these_ips\\.csv:${line}: field 'ip': `),
    );
    expect(e.message).toContain(mention);
  });
});

describe('readAllowlist', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aiplab-allow-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a file', async () => {
    const path = join(dir, 'do_not_block_these_ips.csv');
    await writeFile(path, 'ip\n1.2.3.4\n10.0.0.0/8\n');
    const list = await readAllowlist(path);
    expect(list.contains('10.200.0.1')).toBe(true);
    expect(list.contains('1.2.3.5')).toBe(false);
  });

  it('a missing file is a DataError naming it', async () => {
    const path = join(dir, 'missing.csv');
    const error = await readAllowlist(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).file).toBe(path);
    expect((error as DataError).message).toBe(`${path}: allowlist file does not exist`);
  });

  it('bad lines in a file name the file and line', async () => {
    const path = join(dir, 'bad.csv');
    await writeFile(path, 'ip\n1.2.3.4\n1.2.3.4/x\n');
    await expect(readAllowlist(path)).rejects.toThrow(`${path}:3: field 'ip': `);
  });
});

describe('Allowlist.contains', () => {
  it('merges overlapping and adjacent ranges without losing any address', () => {
    const list = Allowlist.from([
      '10.0.0.0/25',
      '10.0.0.128/25',
      '10.0.0.64/26',
      '10.0.1.0',
      '9.255.255.255',
    ]);
    for (const ip of ['9.255.255.255', '10.0.0.0', '10.0.0.127', '10.0.0.128', '10.0.0.255', '10.0.1.0'])
      expect(list.contains(ip), ip).toBe(true);
    for (const ip of ['9.255.255.254', '10.0.1.1']) expect(list.contains(ip), ip).toBe(false);
  });

  it('keeps families apart and answers false for non-addresses', () => {
    const list = Allowlist.from(['0.0.0.0/0', '::1']);
    expect(list.contains('8.8.8.8')).toBe(true);
    expect(list.contains('2001:db8::1')).toBe(false);
    expect(list.contains('::1')).toBe(true);
    expect(list.contains('not an ip')).toBe(false);
    expect(list.contains('1.2.3')).toBe(false);
    expect(Allowlist.from(['::/0']).contains('1.2.3.4')).toBe(false);
    expect(Allowlist.empty().contains('1.2.3.4')).toBe(false);
  });

  it('Allowlist.from refuses a bad entry', () => {
    expect(() => Allowlist.from(['1.2.3.4', 'nope'])).toThrow(RangeError);
  });

  it('agrees with ipaddr.js match over every entry, on random lists and addresses', () => {
    const random = seededRandom(20240501);
    const int = (n: number) => Math.floor(random() * n);
    // Entries and probes share small address spaces, so nesting, overlap, adjacency, hits and misses all occur.
    const v4 = () => `10.${int(4)}.${int(256)}.${int(256)}`;
    const v6 = () => `2001:db8::${int(4).toString(16)}:${int(65536).toString(16)}`;
    for (let round = 0; round < 5; round++) {
      const entries: string[] = [];
      for (let i = 0; i < 400; i++) {
        const pick = random();
        if (pick < 0.3) entries.push(v4());
        else if (pick < 0.6) entries.push(`${v4()}/${20 + int(13)}`);
        else if (pick < 0.75) entries.push(v6().toUpperCase());
        else entries.push(`${v6()}/${114 + int(15)}`);
      }
      if (round === 4) entries.push('10.0.0.0/14'); // one range covering all of v4's space
      const list = Allowlist.from(entries);
      const parsed = entries.map((e) =>
        e.includes('/') ? ipaddr.parseCIDR(e) : ([ipaddr.parse(e), e.includes(':') ? 128 : 32] as const),
      );
      const brute = (ip: string) => {
        const addr = ipaddr.parse(ip);
        return parsed.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
      };
      let hits = 0;
      for (let i = 0; i < 2000; i++) {
        const ip = ipaddr.parse(random() < 0.5 ? v4() : v6()).toString();
        const want = brute(ip);
        if (want) hits++;
        expect(list.contains(ip), ip).toBe(want);
      }
      expect(hits).toBeGreaterThan(100);
      expect(hits).toBeLessThan(1900);
    }
  });

  it('is fast: 100k entries, 100k lookups', () => {
    const random = seededRandom(7);
    const int = (n: number) => Math.floor(random() * n);
    const entries: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const a = `${1 + int(223)}.${int(256)}.${int(256)}.${int(256)}`;
      if (i % 4 === 0) entries.push(`${a}/${8 + int(25)}`);
      else if (i % 4 === 1) entries.push(`2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`);
      else if (i % 4 === 2) entries.push(`2001:db8:${int(65536).toString(16)}::/${48 + int(60)}`);
      else entries.push(a);
    }
    const probes: string[] = [];
    for (let i = 0; i < 100_000; i++)
      probes.push(
        i % 2 === 0
          ? `${1 + int(223)}.${int(256)}.${int(256)}.${int(256)}`
          : `2001:db8:${int(65536).toString(16)}::${int(65536).toString(16)}`,
      );
    const t0 = performance.now();
    const list = Allowlist.from(entries);
    let n = 0;
    for (const ip of probes) if (list.contains(ip)) n++;
    const ms = performance.now() - t0;
    expect(n).toBeGreaterThan(0);
    expect(ms).toBeLessThan(5000); // typically a few hundred ms; generous for slow CI machines
  });
});
