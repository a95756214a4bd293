import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aipListFormat,
  defineListFormat,
  firewallSetName,
  getListFormat,
  ipsetListFormat,
  ipsetSizing,
  type ListFile,
  listFormatNames,
  nftListFormat,
  registerListFormat,
  type ScoredList,
  txtListFormat,
  type WriteListOptions,
} from '../../src/blocklist/index.js';
import { UsageError } from '../../src/util/errors.js';
import { skipBecause } from '../skip-reasons.js';
import { listOf, pairsOf } from './helpers.js';

// Ranked: score descending, ties by IP with IPv4 first (198.51.100.7 before 2001:db8::ff).
const LIST = listOf([
  ['2001:db8::1', 1],
  ['192.0.2.1', 0.38645596731784154],
  ['198.51.100.7', 0.00002],
  ['2001:db8::ff', 0.00002],
  ['10.0.0.1', 0],
]);
const OPTIONS: WriteListOptions = {
  model: 'Prioritize_New',
  date: '2024-03-01',
  out: 'unused',
};

const text = (file: ListFile | undefined) =>
  typeof file?.data === 'string' ? file.data : gunzipSync(file!.data).toString('utf8');

describe('aip format', () => {
  it('writes ip,score with Python-repr scores, gzipped, in AIP’s layout', () => {
    const [file, ...rest] = aipListFormat.render(LIST, OPTIONS);
    expect(rest).toEqual([]);
    expect(file!.path).toBe('Prioritize_New/AIP-Prioritize_New-2024-03-01.csv.gz');
    expect(text(file)).toBe(
      'ip,score\n' +
        '2001:db8::1,1.0\n' +
        '192.0.2.1,0.38645596731784154\n' +
        '198.51.100.7,2e-05\n' +
        '2001:db8::ff,2e-05\n' +
        '10.0.0.1,0.0\n',
    );
  });

  it('an unranked (Alpha) list is the single column attacker', () => {
    const [file] = aipListFormat.render(LIST, {
      ...OPTIONS,
      model: 'Alpha',
      unranked: true,
    });
    expect(file!.path).toBe('Alpha/AIP-Alpha-2024-03-01.csv.gz');
    expect(text(file)).toBe('attacker\n2001:db8::1\n192.0.2.1\n198.51.100.7\n2001:db8::ff\n10.0.0.1\n');
  });

  it('an empty list is just the header', () => {
    expect(text(aipListFormat.render(listOf([]), OPTIONS)[0])).toBe('ip,score\n');
    expect(text(aipListFormat.render(listOf([]), { ...OPTIONS, unranked: true })[0])).toBe('attacker\n');
  });

  it('gzip header is fixed: no name, mtime 0, OS byte 255', () => {
    const bytes = aipListFormat.render(LIST, OPTIONS)[0]!.data as Uint8Array;
    expect(Array.from(bytes.subarray(0, 10))).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
  });
});

describe('txt format', () => {
  it('one IP a line, rank order', () => {
    expect(txtListFormat.render(LIST, OPTIONS)).toEqual([
      {
        path: 'Prioritize_New/Prioritize_New-2024-03-01.txt',
        data: '2001:db8::1\n192.0.2.1\n198.51.100.7\n2001:db8::ff\n10.0.0.1\n',
      },
    ]);
    expect(txtListFormat.render(listOf([]), OPTIONS)[0]!.data).toBe('');
  });
});

describe('ipset format', () => {
  it('creates, flushes and fills one set per family', () => {
    expect(ipsetListFormat.render(LIST, OPTIONS)).toEqual([
      {
        path: 'Prioritize_New/Prioritize_New-2024-03-01.ipset',
        data:
          'create Prioritize_New hash:ip family inet hashsize 1024 maxelem 65536 -exist\n' +
          'flush Prioritize_New\n' +
          'create Prioritize_New-v6 hash:ip family inet6 hashsize 1024 maxelem 65536 -exist\n' +
          'flush Prioritize_New-v6\n' +
          'add Prioritize_New 192.0.2.1\n' +
          'add Prioritize_New 198.51.100.7\n' +
          'add Prioritize_New 10.0.0.1\n' +
          'add Prioritize_New-v6 2001:db8::1\n' +
          'add Prioritize_New-v6 2001:db8::ff\n',
      },
    ]);
  });

  it('an empty list still creates and flushes both sets', () => {
    expect(ipsetListFormat.render(listOf([]), { ...OPTIONS, setName: 'aip' })[0]!.data).toBe(
      'create aip hash:ip family inet hashsize 1024 maxelem 65536 -exist\n' +
        'flush aip\n' +
        'create aip-v6 hash:ip family inet6 hashsize 1024 maxelem 65536 -exist\n' +
        'flush aip-v6\n',
    );
  });

  it.each([
    [0, 1024, 65536],
    [65536, 1024, 65536],
    [65537, 2048, 131072],
    [1_000_000, 16384, 1048576],
  ])('sizing for %i entries: hashsize %i, maxelem %i', (n, hashsize, maxelem) => {
    expect(ipsetSizing(n)).toEqual({ hashsize, maxelem });
  });
});

describe('nft format', () => {
  it('declares, flushes and fills one set per family in table inet aiplab', () => {
    expect(nftListFormat.render(LIST, OPTIONS)).toEqual([
      {
        path: 'Prioritize_New/Prioritize_New-2024-03-01.nft',
        data: [
          '# aiplab blocklist for 2024-03-01: 3 IPv4, 2 IPv6',
          'table inet aiplab {',
          '\tset Prioritize_New_v4 {',
          '\t\ttype ipv4_addr',
          '\t}',
          '\tset Prioritize_New_v6 {',
          '\t\ttype ipv6_addr',
          '\t}',
          '}',
          'flush set inet aiplab Prioritize_New_v4',
          'flush set inet aiplab Prioritize_New_v6',
          'table inet aiplab {',
          '\tset Prioritize_New_v4 {',
          '\t\ttype ipv4_addr',
          '\t\telements = { 192.0.2.1,',
          '\t\t\t     198.51.100.7,',
          '\t\t\t     10.0.0.1 }',
          '\t}',
          '\tset Prioritize_New_v6 {',
          '\t\ttype ipv6_addr',
          '\t\telements = { 2001:db8::1,',
          '\t\t\t     2001:db8::ff }',
          '\t}',
          '}',
          '',
        ].join('\n'),
      },
    ]);
  });

  it('an empty family has no elements line; an empty list no second table', () => {
    const v4only = nftListFormat.render(listOf([['1.2.3.4', 1]]), {
      ...OPTIONS,
      setName: 'x',
    })[0]!.data;
    expect(v4only).toBe(
      [
        '# aiplab blocklist for 2024-03-01: 1 IPv4, 0 IPv6',
        'table inet aiplab {',
        '\tset x_v4 {',
        '\t\ttype ipv4_addr',
        '\t}',
        '\tset x_v6 {',
        '\t\ttype ipv6_addr',
        '\t}',
        '}',
        'flush set inet aiplab x_v4',
        'flush set inet aiplab x_v6',
        'table inet aiplab {',
        '\tset x_v4 {',
        '\t\ttype ipv4_addr',
        '\t\telements = { 1.2.3.4 }',
        '\t}',
        '}',
        '',
      ].join('\n'),
    );
    const empty = nftListFormat.render(listOf([]), OPTIONS)[0]!.data as string;
    expect(empty).not.toContain('elements');
    expect(empty.split('\n').slice(-3)).toEqual([
      'flush set inet aiplab Prioritize_New_v4',
      'flush set inet aiplab Prioritize_New_v6',
      '',
    ]);
  });
});

describe('firewall set names', () => {
  it.each([
    ['Prioritize_New', 'Prioritize_New'],
    ['Prioritize New', 'Prioritize_New'],
    ['alpha-7.v2', 'alpha_7_v2'],
    ['7day', 'aip_7day'],
    ['_x', 'aip__x'],
    ['a'.repeat(40), 'a'.repeat(28)],
    ['Ünïcode', 'aip__n_code'],
  ])('%s → %s', (name, expected) => {
    expect(firewallSetName(name)).toBe(expected);
  });

  it.each(['', '---', '..'])('refuses %j', (name) => {
    expect(() => firewallSetName(name)).toThrow(UsageError);
  });

  it('setName overrides the model name', () => {
    const data = ipsetListFormat.render(LIST, {
      ...OPTIONS,
      setName: 'aiplab block',
    })[0]!.data as string;
    expect(data.split('\n')[0]).toBe(
      'create aiplab_block hash:ip family inet hashsize 1024 maxelem 65536 -exist',
    );
  });
});

/** A random-ish list with both families, large enough to exercise wrapping and sizing. */
function bigList(n: number): ScoredList {
  const entries: [string, number][] = [];
  for (let i = 0; i < n; i++) {
    const ip =
      i % 3 === 0 ? `2001:db8::${i.toString(16)}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    entries.push([ip, 1 / (1 + i)]);
  }
  return listOf(entries);
}

describe('ipset and nft syntax', () => {
  const list = bigList(3000);

  it('ipset: every line a known command on a created set, names within 31 characters', () => {
    const lines = (
      ipsetListFormat.render(list, { ...OPTIONS, model: 'x'.repeat(50) })[0]!.data as string
    ).split('\n');
    expect(lines.pop()).toBe('');
    const families = new Map<string, string>();
    const added = new Map<string, string[]>();
    for (const line of lines) {
      const words = line.split(' ');
      const name = words[1]!;
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_-]*$/);
      if (words[0] === 'create') {
        expect(line).toMatch(/^create \S+ hash:ip family inet6? hashsize \d+ maxelem \d+ -exist$/);
        families.set(name, words[4]!);
        added.set(name, []);
      } else if (words[0] === 'flush') {
        expect(words).toHaveLength(2);
        expect(families.has(name)).toBe(true);
      } else {
        expect(words[0]).toBe('add');
        expect(words).toHaveLength(3);
        expect(families.get(name)).toBe(words[2]!.includes(':') ? 'inet6' : 'inet');
        added.get(name)!.push(words[2]!);
      }
    }
    expect([...added.values()].flat().sort()).toEqual([...list.ips].sort());
  });

  it('nft: balanced braces, declared sets, elements of the right family', () => {
    const data = nftListFormat.render(list, OPTIONS)[0]!.data as string;
    let depth = 0;
    for (const c of data) {
      if (c === '{') depth++;
      if (c === '}') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    const declared = [...data.matchAll(/\tset (\S+) \{\n\t\ttype (ipv4_addr|ipv6_addr)\n/g)].map((m) => m[1]);
    for (const name of declared) expect(name).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
    const flushed = [...data.matchAll(/^flush set inet aiplab (\S+)$/gm)].map((m) => m[1]);
    expect(flushed).toEqual(['Prioritize_New_v4', 'Prioritize_New_v6']);
    const elements = new Map<string, string[]>();
    for (const m of data.matchAll(/\tset (\S+) \{\n\t\ttype (\S+)\n\t\telements = \{ ([^}]*) \}\n\t\}/g)) {
      const ips = m[3]!.split(/,\n\t\t\t {5}/);
      for (const ip of ips) expect(ip.includes(':')).toBe(m[2] === 'ipv6_addr');
      elements.set(m[1]!, ips);
    }
    expect(elements.get('Prioritize_New_v4')).toEqual(list.ips.filter((ip) => !ip.includes(':')));
    expect(elements.get('Prioritize_New_v6')).toEqual(list.ips.filter((ip) => ip.includes(':')));
  });

  const nft = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'].find((p) => existsSync(p));
  const notRoot = process.getuid?.() !== 0;
  const nftMissing =
    nft === undefined
      ? 'needs nft (Debian: apt-get install nftables)'
      : notRoot && 'needs root: nft -c opens a netlink socket even to check a file';
  it.skipIf(skipBecause(import.meta.url, nftMissing, nft !== undefined && notRoot))(
    'nft -c accepts the file',
    async () => {
      const { dir, cleanup } = await temp();
      try {
        const [path] = await nftListFormat.writeList(list, {
          ...OPTIONS,
          out: dir,
        });
        execFileSync(nft!, ['-c', '-f', path!]);
      } finally {
        await cleanup();
      }
    },
  );
});

async function temp(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'aiplab-lists-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describe('registry', () => {
  it('knows the five formats', () => {
    expect(listFormatNames()).toEqual(['aip', 'txt', 'ipset', 'nft', 'csv']);
    expect(getListFormat('nft')).toBe(nftListFormat);
  });

  it('an unknown name is a UsageError listing the known ones, and suggesting a near one', () => {
    expect(() => getListFormat('json')).toThrow(
      new UsageError("unknown list format 'json' (known: aip, csv, ipset, nft, txt)"),
    );
    expect(() => getListFormat('ipst')).toThrow(
      new UsageError("unknown list format 'ipst'; did you mean 'ipset'? (known: aip, csv, ipset, nft, txt)"),
    );
  });

  it('refuses a taken name unless told to override', () => {
    const other = defineListFormat({
      name: 'txt',
      description: 'other',
      render: () => [],
    });
    expect(() => registerListFormat(other)).toThrow(
      new UsageError("list format 'txt' is already registered (pass override to replace it)"),
    );
    registerListFormat(other, { override: true });
    expect(getListFormat('txt')).toBe(other);
    registerListFormat(txtListFormat, { override: true });
    expect(getListFormat('txt')).toBe(txtListFormat);
  });
});

// The shared suite: every registered format, including any added later.
describe.each(listFormatNames())('conformance: %s', (name) => {
  const format = getListFormat(name);
  let dir = '';
  let cleanup = async () => {};
  beforeAll(async () => {
    ({ dir, cleanup } = await temp());
  });
  afterAll(() => cleanup());

  it('writes what it renders, atomically, under <out>/<Model>/, and returns the paths', async () => {
    const options = { ...OPTIONS, out: dir };
    const paths = await format.writeList(LIST, options);
    const files = format.render(LIST, options);
    expect(paths).toEqual(files.map((f) => join(dir, f.path)));
    for (const [i, path] of paths.entries()) {
      expect(path.startsWith(join(dir, 'Prioritize_New'))).toBe(true);
      expect(path).toContain('2024-03-01');
      const data = files[i]!.data;
      expect(await readFile(path)).toEqual(Buffer.from(data));
    }
    expect((await readdir(join(dir, 'Prioritize_New'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('same input, same bytes; the input is not changed', async () => {
    const before = pairsOf(LIST);
    const a = format.render(LIST, OPTIONS);
    const b = format.render(listOf(before), OPTIONS);
    expect(b).toEqual(a);
    expect(pairsOf(LIST)).toEqual(before);
    const options = { ...OPTIONS, out: dir, model: 'Again' };
    const [first] = await format.writeList(bigList(500), options);
    const bytes = await readFile(first!);
    await format.writeList(bigList(500), options);
    expect(await readFile(first!)).toEqual(bytes);
  });

  it('handles an empty list', () => {
    expect(format.render(listOf([]), OPTIONS).length).toBeGreaterThan(0);
  });

  it.each([
    [{ model: '' }],
    [{ model: '..' }],
    [{ model: 'a/b' }],
    [{ model: 'a\\b' }],
    [{ date: '2024-02-30' }],
    [{ date: '20240301' }],
  ])('refuses %j', (bad) => {
    expect(() => format.render(LIST, { ...OPTIONS, ...bad })).toThrow(UsageError);
  });

  it('refuses a list whose IPs and scores differ in length', () => {
    expect(() => format.render({ ips: ['1.1.1.1'], scores: new Float64Array(0) }, OPTIONS)).toThrow(
      RangeError,
    );
  });
});
