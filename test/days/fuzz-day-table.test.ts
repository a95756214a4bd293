/**
 * Property tests of the day-table writer and reader (issue 12): the writer never writes a table the reader refuses
 * (it throws a plain Error first), the reader takes back exactly what the writer writes, and the reader, fed mutated
 * text, returns a table the writer can write or throws a DataError naming the file and the line. Seeded; FUZZ_RUNS
 * sets the number of runs.
 */
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import type { DayTable } from '../../src/days/day-table.js';
import { dayTableToCsv, parseDayTableCsv } from '../../src/days/day-table-csv.js';
import { DataError } from '../../src/util/errors.js';
import { fuzzRuns } from '../helpers.js';

const MAX_COUNT = 2 ** 53 - 1;
const MAX_DURATION_US = 2 ** 53;
const FILE = 'd/attacks.2024-01-02.csv';

const v4Text = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

/** Distinct canonical IPs: IPv4 by value, IPv6 by ipaddr.js's RFC 5952 text. */
const distinctIps = fc
  .uniqueArray(
    fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(v4Text) },
      {
        weight: 1,
        arbitrary: fc
          .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), {
            minLength: 8,
            maxLength: 8,
          })
          .map((g) => new ipaddr.IPv6(g).toRFC5952String()),
      },
    ),
    { maxLength: 30 },
  )
  .chain((ips) => fc.shuffledSubarray(ips, { minLength: ips.length, maxLength: ips.length }));

/** A count a day table holds, small ones and ones near 2^53 alike. */
const count = fc.oneof(fc.nat(1000), fc.maxSafeNat(), fc.constantFrom(0, MAX_COUNT, MAX_COUNT - 1, 2 ** 52));
/** A duration in whole µs up to 2^53. */
const durationUs = fc.oneof(
  fc.nat(10_000_000),
  fc.integer({ min: 0, max: MAX_DURATION_US }),
  fc.constantFrom(0, 1, MAX_DURATION_US, MAX_DURATION_US - 1, 2 ** 32 * 1e6, 999_999),
);

/** A table as ingest makes them: canonical distinct IPs, whole counts, durations of whole µs. */
const validTable = distinctIps.chain((ip) =>
  fc
    .tuple(
      fc.array(count, { minLength: ip.length, maxLength: ip.length }),
      fc.array(durationUs, { minLength: ip.length, maxLength: ip.length }),
      fc.array(count, { minLength: ip.length, maxLength: ip.length }),
      fc.array(count, { minLength: ip.length, maxLength: ip.length }),
    )
    .map(
      ([flows, us, packets, bytes]): DayTable => ({
        date: '2024-01-02',
        ip,
        flows: Float64Array.from(flows),
        duration: Float64Array.from(us, (x) => x / 1e6),
        packets: Float64Array.from(packets),
        bytes: Float64Array.from(bytes),
      }),
    ),
);

/** Any double, the awkward ones often. */
const anyNumber = fc.oneof(
  count,
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -1, -0, 0.5, 1.5, 1e308, 2 ** 53, 2 ** 53 + 2, 1e-7),
  durationUs.map((us) => us / 1e6),
);
/** Any IP text: canonical, other spellings, zone ids, garbage, repeats. */
const anyIp = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(v4Text) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '2001:db8::1',
      '2001:DB8::1',
      '2001:db8:0::1',
      'fe80::1%eth0',
      '::1',
      '::',
      '10.0.0.01',
      '10.0.0.256',
      '1.2.3',
      '',
      'x',
      '1.2.3.4%eth0',
      '::ffff:1.2.3.4',
      ' 1.2.3.4',
      '1.2.3.4,5',
    ),
  },
);
const anyTable = fc.array(fc.tuple(anyIp, anyNumber, anyNumber, anyNumber, anyNumber), { maxLength: 12 }).map(
  (rows): DayTable => ({
    date: '2024-01-02',
    ip: rows.map((r) => r[0]),
    flows: Float64Array.from(rows, (r) => r[1]),
    duration: Float64Array.from(rows, (r) => r[2]),
    packets: Float64Array.from(rows, (r) => r[3]),
    bytes: Float64Array.from(rows, (r) => r[4]),
  }),
);

/** The rows of a table as plain values (so -0 and 0 differ, as bits would). */
function rows(t: DayTable): unknown[] {
  return t.ip.map((ip, i) =>
    [ip, t.flows[i], t.duration[i], t.packets[i], t.bytes[i]].map((x) => (Object.is(x, -0) ? '-0' : x)),
  );
}

/** Whether a table is one the reader gives back (written out here, not with the code under test). */
function holdable(t: DayTable): boolean {
  const isCount = (v: number) => Number.isInteger(v) && v >= 0 && v <= MAX_COUNT;
  const seen = new Set<string>();
  for (let i = 0; i < t.ip.length; i++) {
    const ip = t.ip[i]!;
    const v4 =
      /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(ip) && ip.split('.').every((p) => Number(p) <= 255);
    const v6 = !ip.includes('%') && ipaddr.IPv6.isValid(ip) && ipaddr.IPv6.parse(ip).toRFC5952String() === ip;
    if (!(v4 || v6) || seen.has(ip)) return false;
    seen.add(ip);
    if (!isCount(t.flows[i]!) || !isCount(t.packets[i]!) || !isCount(t.bytes[i]!)) return false;
    const d = t.duration[i]!;
    if (!(d >= 0 && d <= MAX_DURATION_US / 1e6)) return false;
  }
  return true;
}

const TOKENS = [
  'NaN',
  'Infinity',
  '-1',
  '-0',
  '1.5',
  '1e3',
  '1e308',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '9007199254.740992',
  '9007199254.740993',
  '0x10',
  '',
  ' ',
  'fe80::1%eth0',
  '2001:DB8::1',
  '10.0.0.300',
  ',',
  '\n',
  '\r\n',
  '\uFEFF',
  'é',
];

/** A written table's text, mutated: tokens put in, characters dropped or changed, the text cut. */
const mutatedText = fc
  .tuple(
    validTable,
    fc.array(
      fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 4 })), fc.nat(6)),
      { maxLength: 4 },
    ),
  )
  .map(([table, edits]) => {
    let text = dayTableToCsv(table);
    for (const [at, token, cut] of edits) {
      const p = at % (text.length + 1);
      text = text.slice(0, p) + token + text.slice(Math.min(text.length, p + cut));
    }
    return text;
  });

describe('fuzz: the day-table writer and reader', () => {
  it('a table as ingest makes it is written and read back as it was, bit for bit', () => {
    fc.assert(
      fc.property(validTable, (table) => {
        const back = parseDayTableCsv(dayTableToCsv(table), table.date, FILE).table;
        expect(rows(back)).toEqual(rows(table));
      }),
      { seed: 1201, numRuns: fuzzRuns(300) },
    );
  });

  it('any table: the writer throws a plain Error, or writes text the reader takes back (durations to the µs)', () => {
    fc.assert(
      fc.property(anyTable, (table) => {
        let text: string;
        try {
          text = dayTableToCsv(table);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect(error).not.toBeInstanceOf(DataError);
          expect(holdable(table), (error as Error).message).toBe(false);
          return;
        }
        expect(holdable(table)).toBe(true);
        const back = parseDayTableCsv(text, table.date, FILE).table;
        expect(back.ip).toEqual(table.ip);
        // (-0 is written as 0.)
        expect([...back.flows, ...back.packets, ...back.bytes]).toEqual(
          [...table.flows, ...table.packets, ...table.bytes].map((x) => x + 0),
        );
        back.duration.forEach((d, i) => {
          expect(Math.abs(d - table.duration[i]!)).toBeLessThanOrEqual(5e-7 + table.duration[i]! * 2 ** -52);
        });
        // Read back, the table is written again as the same text.
        expect(dayTableToCsv(back)).toBe(text);
      }),
      { seed: 1202, numRuns: fuzzRuns(500) },
    );
  });

  it('mutated text: the reader returns a table the writer writes as it reads, or a DataError naming file and line', () => {
    fc.assert(
      fc.property(mutatedText, (text) => {
        let table: DayTable;
        try {
          table = parseDayTableCsv(text, '2024-01-02', FILE).table;
        } catch (error) {
          expect(error).toBeInstanceOf(DataError);
          const e = error as DataError;
          expect(e.file).toBe(FILE);
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.message.startsWith(`${FILE}:${e.line}: `), e.message).toBe(true);
          expect(e.message).not.toContain('\n');
          return;
        }
        expect(holdable(table)).toBe(true);
        const written = dayTableToCsv(table);
        expect(rows(parseDayTableCsv(written, table.date, FILE).table)).toEqual(
          rows({ ...table, duration: table.duration.map((d) => Number(d.toFixed(6))) }),
        );
      }),
      { seed: 1203, numRuns: fuzzRuns(1000) },
    );
  });
});
