/**
 * The honeypot list (AIP's `honeypots_public_ips.csv`): a honeypot listed twice. Periods that share a day are an
 * error naming both lines; disjoint periods are one honeypot with several periods, with a note.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHoneypots } from '../../src/ingest/honeypots.js';
import { ingest } from '../../src/ingest/ingest.js';
import { formatDay, parseDay } from '../../src/util/dates.js';
import { DataError } from '../../src/util/errors.js';
import { canonicalIp } from '../../src/util/ip/index.js';
import { fuzzRuns } from '../helpers.js';
import { put, utc, zeekTsv } from './ingest-helpers.js';

const HEADER = 'public_ip,operation_start_date,operation_end_date\n';

function overlapError(text: string): DataError {
  try {
    parseHoneypots(HEADER + text, 'hp.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected an error');
}

describe('a honeypot listed twice', () => {
  it.each([
    ['the same period twice', '198.51.100.1,2024-01-01,2024-01-31\n198.51.100.1,2024-01-01,2024-01-31\n'],
    ['periods sharing one day', '198.51.100.1,2024-01-01,2024-01-10\n198.51.100.1,2024-01-10,2024-01-31\n'],
    ['an open period and a later one', '198.51.100.1,2024-01-01,\n198.51.100.1,2024-03-01,2024-03-31\n'],
    [
      'a later open period containing an earlier one',
      '198.51.100.1,2024-03-01,2024-03-31\n198.51.100.1,2024-01-01,\n',
    ],
    ['two spellings of one IPv6 address', '2001:db8::1,2024-01-01,\n2001:DB8:0:0:0:0:0:1,2024-02-01,\n'],
  ])('%s is an error naming both lines', (_, text) => {
    const error = overlapError(text);
    expect(error.file).toBe('hp.csv');
    expect(error.line).toBe(3);
    expect(error.field).toBe('operation_start_date');
    expect(error.message).toMatch(/already listed on line 2 with an overlapping period/);
  });

  it('disjoint periods are merged into one honeypot, with a note naming the lines', () => {
    const list = parseHoneypots(
      `${HEADER}198.51.100.1,2024-03-01,\n203.0.113.9,2024-01-01,\n198.51.100.1,2024-01-01,2024-01-31\n`,
      'hp.csv',
    );
    expect(list.count).toBe(2);
    expect(list.byIp.get('198.51.100.1')).toEqual([
      { ip: '198.51.100.1', start: parseDay('2024-01-01'), end: parseDay('2024-01-31') },
      { ip: '198.51.100.1', start: parseDay('2024-03-01'), end: undefined },
    ]);
    expect(list.notes).toEqual([
      'hp.csv: honeypot 198.51.100.1 is listed on lines 2, 4 with disjoint periods (2024-01-01..2024-01-31; 2024-03-01..): merged as one honeypot with 2 operation periods',
    ]);
  });

  it('adjacent periods are disjoint (the second starts the day after the first ends)', () => {
    const list = parseHoneypots(
      `${HEADER}198.51.100.1,2024-01-01,2024-01-31\n198.51.100.1,2024-02-01,\n`,
      'hp',
    );
    expect(list.byIp.get('198.51.100.1')).toHaveLength(2);
    expect(list.notes).toHaveLength(1);
  });

  it('a list naming each honeypot once has no notes', () => {
    const list = parseHoneypots(`${HEADER}198.51.100.1,2024-01-01,\n198.51.100.2,2024-01-01,\n`, 'hp');
    expect(list.count).toBe(2);
    expect(list.notes).toEqual([]);
  });
});

describe('fuzz: random and mutated honeypot lists', () => {
  const ip = fc.oneof(
    fc.ipV4(),
    fc.ipV6(),
    fc.constantFrom('fe80::1%eth0', '010.0.0.1', '1.2.3', '::ffff:1.2.3.4', '', 'public_ip'),
  );
  const day = fc
    .date({
      min: new Date('1969-12-25T00:00:00Z'),
      max: new Date('2101-01-05T00:00:00Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString().slice(0, 10));
  const cell = fc.oneof(
    day,
    fc.constant(''),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('2024-02-30', '2024-1-1'),
  );
  const line = fc.oneof(
    fc.tuple(ip, day, fc.oneof(day, fc.constant(''))).map((c) => c.join(',')),
    fc.array(fc.oneof(ip, cell), { maxLength: 5 }).map((c) => c.join(',')),
    fc.string({ maxLength: 40 }),
    fc.constantFrom('# comment', '', HEADER.trim(), '\uFEFF'),
  );
  const text = fc
    .tuple(fc.array(line, { maxLength: 12 }), fc.constantFrom('\n', '\r\n'))
    .map(([ls, nl]) => ls.join(nl));

  it('only ever returns a valid list or throws a located DataError; a returned list round-trips', () => {
    fc.assert(
      fc.property(text, (t) => {
        let list: ReturnType<typeof parseHoneypots>;
        try {
          list = parseHoneypots(t, 'hp.csv');
        } catch (error) {
          expect(error).toBeInstanceOf(DataError);
          expect((error as DataError).file).toBe('hp.csv');
          return;
        }
        let periods = 0;
        for (const [key, ps] of list.byIp) {
          expect(canonicalIp(key)).toBe(key);
          expect(key).not.toContain('%');
          for (const p of ps) {
            expect(p.ip).toBe(key);
            expect(Number.isInteger(p.start)).toBe(true);
            if (p.end !== undefined) expect(p.end).toBeGreaterThanOrEqual(p.start);
          }
          for (let k = 1; k < ps.length; k++) expect(ps[k]!.start).toBeGreaterThan(ps[k - 1]!.end!);
          periods += ps.length;
        }
        expect(list.count).toBe(list.byIp.size);
        // Written back as AIP writes it, the list reads as the same honeypots.
        const rows = [...list.byIp.values()].flat();
        expect(rows).toHaveLength(periods);
        const written = rows
          .map((p) => `${p.ip},${formatDay(p.start)},${p.end === undefined ? '' : formatDay(p.end)}`)
          .join('\n');
        expect(parseHoneypots(written, 'again.csv').byIp).toEqual(list.byIp);
      }),
      { seed: 12, numRuns: fuzzRuns(400) },
    );
  });
});

describe('the note reaches the dataset', () => {
  it('ingest records a merged honeypot in the manifest warnings and counts it once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aiplab-hp-twice-'));
    try {
      const hp = '198.51.100.1';
      const honeypots = await put(
        join(dir, 'hp.csv'),
        `${HEADER}${hp},2024-01-01,2024-01-01\n${hp},2024-01-03,\n`,
      );
      const at = (date: string) => ({
        ts: utc(date, '12:00:00'),
        orig: '10.0.0.1',
        resp: hp,
        duration: 1,
        pkts: 1,
        bytes: 1,
      });
      const log = await put(
        join(dir, 'conn.log'),
        zeekTsv([at('2024-01-01'), at('2024-01-02'), at('2024-01-03')]),
      );
      const { manifest } = await ingest({ format: 'zeek', inputs: [log], honeypots, out: join(dir, 'out') });
      expect(manifest.honeypots?.count).toBe(1);
      expect(manifest.warnings).toContain(
        `${honeypots}: honeypot ${hp} is listed on lines 2, 3 with disjoint periods (2024-01-01..2024-01-01; 2024-01-03..): merged as one honeypot with 2 operation periods`,
      );
      // The day between the periods is no attack.
      expect(manifest.days.map((d) => [d.date, d.flows])).toEqual([
        ['2024-01-01', 1],
        ['2024-01-02', 0],
        ['2024-01-03', 1],
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
