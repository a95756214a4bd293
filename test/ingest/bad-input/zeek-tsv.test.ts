/**
 * DESIGN §8 for Zeek conn logs in TSV form: each malformed line is a counted skip with a located example (or, with
 * `--on-error fail`, a DataError naming file, line and field); sums past what a day table holds exactly are a located
 * DataError; a truncated gzip or a broken header is a DataError naming the file.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import {
  expectRows,
  type Flow,
  put,
  readDayFile,
  row,
  utc,
  ZEEK_FIELDS,
  zeekTsv,
} from '../ingest-helpers.js';
import {
  describeMalformed,
  describeSumOverflow,
  expectNoLeftovers,
  expectNoOutput,
  GOOD,
  HONEYPOTS,
  HP,
  type MalformedCase,
  rejection,
  T0,
  tmp,
  tsvWithBadCell,
  tsvWithBadLine,
} from './helpers.js';

afterAll(() => tmp.cleanupAll());

/** A case on line 10, the record of 10.0.0.2 (see tsvWithBadCell). */
function cell(name: string, field: string, value: string, reason: string): MalformedCase {
  return { name, format: 'zeek', content: tsvWithBadCell(field, value), reason, line: 10, field };
}

describeMalformed('Zeek TSV: malformed lines are counted skips with located examples', [
  cell('TSV: ts not a number', 'ts', 'yesterday', 'bad ts'),
  cell('TSV: ts empty', 'ts', '', 'bad ts'),
  cell('TSV: ts unset', 'ts', '-', 'bad ts'),
  cell('TSV: duration not a number', 'duration', '1.2.3', 'bad duration'),
  cell('TSV: negative duration', 'duration', '-0.5', 'bad duration'),
  cell('TSV: orig_pkts not a number', 'orig_pkts', 'many', 'bad count'),
  cell('TSV: orig_ip_bytes not a number', 'orig_ip_bytes', '12x', 'bad count'),
  cell('TSV: originator not an address', 'id.orig_h', 'not-an-ip', 'bad address'),
  cell('TSV: originator 10.0.0.300', 'id.orig_h', '10.0.0.300', 'bad address'),
  cell('TSV: originator unset', 'id.orig_h', '-', 'bad address'),
  cell('TSV: responder empty', 'id.resp_h', '', 'bad address'),
  {
    name: 'TSV: too few fields',
    format: 'zeek',
    content: zeekTsv(GOOD).replace('#types', `${T0 + 5}\tCshort\t10.0.0.2\n#types`),
    reason: 'too few fields',
    line: 8,
    field: null,
  },
  {
    name: 'TSV: data before any #fields header',
    format: 'zeek',
    content: `${T0}\tC0\t10.0.0.2\t1\t${HP}\t22\n${zeekTsv(GOOD)}`,
    reason: 'no #fields header',
    line: 1,
    field: null,
  },
  // Issue 12: values outside their field's domain.
  cell('TSV: originator with an IPv6 zone id', 'id.orig_h', 'fe80::1%eth0', 'bad address'),
  cell('TSV: responder with an IPv6 zone id', 'id.resp_h', 'fe80::1%eth0', 'bad address'),
  cell('TSV: id.orig_p 99999', 'id.orig_p', '99999', 'bad port'),
  cell('TSV: id.resp_p -1', 'id.resp_p', '-1', 'bad port'),
  cell('TSV: orig_pkts 1.5', 'orig_pkts', '1.5', 'bad count'),
  cell('TSV: orig_ip_bytes above 2^53', 'orig_ip_bytes', '9007199254740993', 'bad count'),
  cell('TSV: duration Infinity', 'duration', 'Infinity', 'bad duration'),
  cell('TSV: duration 1e308', 'duration', '1e308', 'bad duration'),
  cell('TSV: ts 99999999999999999', 'ts', '99999999999999999', 'bad ts'),
  cell('TSV: ts before 1970', 'ts', '-1.000000', 'bad ts'),
  cell('TSV: ts on 2100-01-01', 'ts', `${utc('2100-01-01')}.000000`, 'bad ts'),
  {
    name: 'TSV: one field more than #fields names',
    format: 'zeek',
    content: tsvWithBadLine((cells) => [...cells, 'extra']),
    reason: 'too many fields',
    line: 10,
    field: null,
  },
  {
    name: 'TSV: one field fewer than #fields names (after the columns AIP uses)',
    format: 'zeek',
    content: tsvWithBadLine((cells) => cells.slice(0, -1)),
    reason: 'too few fields',
    line: 10,
    field: null,
  },
]);

/** GOOD with two records of 10.0.0.2 (lines 10 and 11) whose values sum past 2^53 − 1 (2^53 µs for durations). */
function twoHuge(over: Partial<Flow>): string {
  const huge = { ...GOOD[0]!, orig: '10.0.0.2', ...over };
  return zeekTsv([GOOD[0]!, huge, huge, GOOD[1]!, GOOD[2]!]);
}

describeSumOverflow('Zeek TSV: sums past 2^53 − 1 are located errors, not skips', [
  {
    name: 'orig_ip_bytes',
    format: 'zeek',
    content: twoHuge({ bytes: 9007199254740000 }),
    line: 11,
    field: 'orig_ip_bytes',
  },
  { name: 'orig_pkts', format: 'zeek', content: twoHuge({ pkts: 5e15 }), line: 11, field: 'orig_pkts' },
  { name: 'duration (µs)', format: 'zeek', content: twoHuge({ duration: 5e9 }), line: 11, field: 'duration' },
]);

describe('Zeek TSV: values at the edge of their domain are read', () => {
  it('ports 0 and 65535 and unset, ts 0 and the last second of 2099, counts up to 2^53 − 1 in one row', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), `${HP},1970-01-01,\n`);
    const last = utc('2099-12-31', '23:59:59');
    const flows: Flow[] = [
      { ts: 0, orig: '10.0.0.1', resp: HP, duration: 1, pkts: 2 ** 53 - 1, bytes: 2 ** 53 - 1 },
      { ts: last, orig: '10.0.0.2', resp: HP, duration: 1.5, pkts: 1, bytes: 1 },
    ];
    const lines = zeekTsv(flows).split('\n');
    const p = (k: number, field: string, v: string) => {
      const cells = lines[8 + k]!.split('\t');
      cells[ZEEK_FIELDS.indexOf(field as (typeof ZEEK_FIELDS)[number])] = v;
      lines[8 + k] = cells.join('\t');
    };
    p(0, 'id.orig_p', '0');
    p(0, 'id.resp_p', '65535');
    p(1, 'id.orig_p', '-');
    p(1, 'orig_pkts', '1.0'); // a whole number written with a fraction
    const input = await put(join(dir, 'conn.log'), lines.join('\n'));
    const { manifest, out } = await ingest({
      format: 'zeek',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out'),
      from: '1970-01-01',
      to: '1970-01-01',
    });
    expect(manifest.skipped.malformed).toEqual({});
    expectRows(await readDayFile(join(out, 'attacks.1970-01-01.csv.gz')), [
      row('10.0.0.1', 1, 1, 2 ** 53 - 1, 2 ** 53 - 1),
    ]);
    const later = await ingest({
      format: 'zeek',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out2'),
      from: '2099-12-31',
    });
    expect(later.manifest.skipped.malformed).toEqual({});
    expectRows(await readDayFile(join(later.out, 'attacks.2099-12-31.csv.gz')), [
      row('10.0.0.2', 1, 1.5, 1, 1),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('truncated or corrupt gzip', () => {
  // A conn log big enough that its deflate stream spans many blocks.
  const many: Flow[] = Array.from({ length: 4000 }, (_, k) => ({
    ts: T0 + k * 7.123,
    orig: `10.${(k * 37) % 256}.${(k * 91) % 256}.${k % 250}`,
    resp: k % 3 === 0 ? '192.0.2.1' : HP,
    duration: (k % 97) / 7,
    pkts: k % 13,
    bytes: (k * 7919) % 100_000,
  }));
  const whole = gzipSync(zeekTsv(many));
  const flip = Buffer.from(whole);
  for (let i = Math.floor(flip.length / 2); i < Math.floor(flip.length / 2) + 64; i++)
    flip[i] = flip[i]! ^ 0x5a;

  it.each([
    ['cut at 60%', whole.subarray(0, Math.floor(whole.length * 0.6))],
    ['only the 10-byte gzip header', whole.subarray(0, 10)],
    ['the 8-byte CRC/size trailer missing', whole.subarray(0, whole.length - 8)],
    ['bytes flipped in the middle', flip],
  ])('%s → DataError naming the file', async (_name, bytes) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = join(dir, 'conn.00:00:00-01:00:00.log.gz');
    await writeFile(input, bytes);
    const out = join(dir, 'out');
    const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).file).toBe(input);
    expect(e.message.startsWith(`${input}: `), e.message).toBe(true);
    expect(e.message).toMatch(/gzip/);
    await expectNoOutput(out);
    await expectNoLeftovers(dir);
  });
});

describe('Zeek TSV: file-level format errors name the file and line', () => {
  it.each<[string, string, number]>([
    [
      'Zeek #fields without id.resp_h',
      zeekTsv(GOOD, { fields: ZEEK_FIELDS.filter((f) => f !== 'id.resp_h') }),
      7,
    ],
    ['Zeek #fields without ts', zeekTsv(GOOD, { fields: ['id.orig_h', 'id.resp_h', 'duration'] }), 7],
    ['an unsupported #separator', zeekTsv(GOOD).replace('#separator \\x09', '#separator ||'), 1],
  ])('%s', async (_name, content, line) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), content);
    const e = await rejection(
      ingest({ format: 'zeek', inputs: [input], honeypots: hp, out: join(dir, 'out') }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(`${input}:${line}: `), e.message).toBe(true);
    expect((e as DataError).line).toBe(line);
    await expectNoOutput(join(dir, 'out'));
  });
});
