/**
 * Fuzz: the allowlist reader (AIP's `do_not_block_these_ips.csv`) on random and mutated files. It returns an
 * allowlist or throws a DataError naming the file and line, never anything else; what it accepts it can be given
 * back (each range written as start/prefix reads as the same range); and `contains` agrees with a brute-force scan
 * of the parsed ranges.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { type AllowlistRange, parseAllowlistEntry } from '../../src/blocklist/allowlist.js';
import { parseAllowlist } from '../../src/blocklist/read-allowlist.js';
import { DataError } from '../../src/util/errors.js';
import { canonicalIp } from '../../src/util/ip/index.js';
import { fuzzRuns } from '../helpers.js';

const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended());
const entry = fc.oneof(
  address,
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 34 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([a, p]) => `${a}/${p}`),
  fc.constantFrom('fe80::1%eth0', '10.0.0.0/-1', '10.0.0.0/', '::/0', '0.0.0.0/0', '"192.168.1.2"', 'ip', ''),
  fc.string({ maxLength: 20 }),
);
const line = fc.oneof(
  entry,
  fc.tuple(entry, fc.string({ maxLength: 8 })).map(([e, rest]) => `${e},${rest}`),
  fc.tuple(entry, fc.string({ maxLength: 8 })).map(([e, c]) => `${e} # ${c}`),
);
const valid = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([a, p]) => `${a}/${p}`),
);
/** Files of valid entries only (so most parse) and files with anything in them (so most do not). */
const file = fc.oneof(
  fc.array(valid, { maxLength: 10 }).map((ls) => ['ip', ...ls].join('\n')),
  fc.array(line, { maxLength: 10 }).map((ls) => ls.join('\n')),
);

/** A range as `start/prefix` text when it is one CIDR block (parseAllowlistEntry only makes such ranges). */
function cidrText(r: AllowlistRange): string {
  if (r.family === 4) {
    const size = r.end - r.start + 1;
    const prefix = 32 - Math.log2(size);
    const start = [24, 16, 8, 0].map((s) => (r.start >>> s) & 255).join('.');
    return `${start}/${prefix}`;
  }
  const size = r.end - r.start + 1n;
  const prefix = 128 - (size.toString(2).length - 1);
  const bytes: number[] = [];
  for (let k = 15; k >= 0; k--) bytes.push(Number((r.start >> BigInt(8 * k)) & 255n));
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
}

function inRange(ip: string, r: AllowlistRange): boolean {
  const parsed = ipaddr.parse(ip);
  const bytes = parsed.toByteArray();
  if ((bytes.length === 4 ? 4 : 6) !== r.family) return false;
  if (r.family === 4) {
    const v = bytes.reduce((a, b) => a * 256 + b, 0);
    return v >= r.start && v <= r.end;
  }
  const v = bytes.reduce((a, b) => a * 256n + BigInt(b), 0n);
  return v >= r.start && v <= r.end;
}

describe('fuzz: the allowlist reader', () => {
  let tried = 0;
  let accepted = 0;
  it('returns an allowlist or a located DataError; accepted entries round-trip; contains is a range scan', () => {
    fc.assert(
      fc.property(file, fc.array(fc.oneof(fc.ipV4(), fc.ipV6()), { maxLength: 8 }), (text, probes) => {
        let list: ReturnType<typeof parseAllowlist>;
        tried++;
        try {
          list = parseAllowlist(text, 'allow.csv');
        } catch (error) {
          expect(error).toBeInstanceOf(DataError);
          expect((error as DataError).file).toBe('allow.csv');
          expect((error as DataError).line).toBeGreaterThan(0);
          return;
        }
        accepted++;
        // The entries it took, again by themselves: each is a range that reads back the same when written.
        const ranges: AllowlistRange[] = [];
        for (const raw of text.split('\n')) {
          const e = raw
            .split('#')[0]!
            .split(',')[0]!
            .trim()
            .replace(/^"(.*)"$/, '$1')
            .trim();
          const r = e === '' || e.toLowerCase() === 'ip' ? undefined : parseAllowlistEntry(e);
          if (r === undefined) continue;
          expect(parseAllowlistEntry(cidrText(r))).toEqual(r);
          ranges.push(r);
        }
        // Random addresses, and each range's first address and the one before it.
        const edges = ranges.flatMap((r) => {
          const text = cidrText(r).split('/')[0]!;
          const bytes = ipaddr.parse(text).toByteArray();
          const before = [...bytes];
          for (let k = before.length - 1; k >= 0; k--) {
            if (before[k]! > 0) {
              before[k]!--;
              break;
            }
            before[k] = 255;
          }
          return [text, ipaddr.fromByteArray(before).toString()];
        });
        for (const probe of [...probes, ...edges]) {
          const ip = canonicalIp(probe)!;
          expect(list.contains(ip)).toBe(ranges.some((r) => inRange(ip, r)));
        }
      }),
      { seed: 21, numRuns: fuzzRuns(400) },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(tried / 4);
    expect(accepted).toBeLessThan(tried);
  });
});
