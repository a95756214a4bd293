/**
 * The ranges of an ip-location-db package read straight from its text CSV (`*-ipv4.csv`, `*-ipv6.csv`: addresses as
 * text, not the `-num` files the loader reads), with a plain split and a regex for quoted fields: an independent
 * reading for the lookup tests. Addresses become keys that compare like the numbers they are: IPv4 as a number,
 * IPv6 as 32 hex digits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ipaddr from 'ipaddr.js';

export interface RawRange<K> {
  start: K;
  end: K;
  /** The value columns after the two addresses, unquoted. */
  values: string[];
  /** 1-based line number in the file. */
  line: number;
}

const require = createRequire(import.meta.url);

export function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string })
    .version;
}

/** A CSV line's fields: plain, or quoted with `""` for a quote. */
function fields(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  return [...line.matchAll(/(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g)].map((m) =>
    m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!,
  );
}

export function v4Key(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}

/** An IPv6 text (hex groups with at most one `::`, as the package writes them) as 32 hex digits. */
export function v6Key(ip: string): string {
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.map((g) => g.padStart(4, '0')).join('');
}

/** The IPv6 text of a key. */
export function v6Text(key: string): string {
  const parts = key.match(/.{4}/g)!.map((h) => Number.parseInt(h, 16));
  return new ipaddr.IPv6(parts).toString();
}

export function v4Text(key: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(key / 2 ** s) % 256).join('.');
}

export function readRaw<K>(pkg: string, file: string, key: (ip: string) => K): RawRange<K>[] {
  const text = readFileSync(join(packageDir(pkg), file), 'utf8');
  return text
    .split('\n')
    .map((line, i) => [line, i + 1] as const)
    .filter(([line]) => line !== '')
    .map(([line, n]) => {
      const [a, b, ...values] = fields(line);
      return { start: key(a!), end: key(b!), values, line: n };
    });
}

const bounds = new WeakMap<
  readonly RawRange<unknown>[],
  { start: ArrayLike<unknown>; end: ArrayLike<unknown> }
>();

/**
 * The values of the narrowest range that holds `k` (the last in file order among equally wide ones: the rule for
 * overlapping ranges), or undefined.
 */
export function bruteForce<K>(ranges: readonly RawRange<K>[], k: K): string[] | undefined {
  let b = bounds.get(ranges);
  if (b === undefined) {
    // Plain arrays of the bounds (typed for IPv4): the scan below touches every line for every address.
    const numeric = typeof ranges[0]?.start === 'number';
    b = {
      start: numeric ? Float64Array.from(ranges, (r) => r.start as number) : ranges.map((r) => r.start),
      end: numeric ? Float64Array.from(ranges, (r) => r.end as number) : ranges.map((r) => r.end),
    };
    bounds.set(ranges, b);
  }
  const start = b.start as ArrayLike<K>;
  const end = b.end as ArrayLike<K>;
  const width = (i: number): bigint =>
    typeof start[i] === 'number'
      ? BigInt((end[i] as number) - (start[i] as number))
      : BigInt(`0x${end[i] as string}`) - BigInt(`0x${start[i] as string}`);
  let best: number | undefined;
  for (let i = 0; i < ranges.length; i++)
    if (start[i]! <= k && k <= end[i]! && (best === undefined || width(i) <= width(best))) best = i;
  return best === undefined ? undefined : ranges[best]!.values;
}
