/**
 * DESIGN §8 for Argus binetflow CSV: each malformed line is a counted skip with a located example (or, with
 * `--on-error fail`, a DataError naming file, line and field); sums past what a day table holds exactly are a located
 * DataError; a header without the needed columns is a DataError at line 1. Ports are read as Argus `ra` prints them
 * (decimal, `0x` hex for ICMP type/code, a service name without `-n`, `*`, or empty).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import { argusTime, expectRows, put, readDayFile, row } from '../ingest-helpers.js';
import {
  ARGUS_HEADER,
  ARGUS_OTHER,
  argusLine,
  argusWithBadLine,
  D,
  describeMalformed,
  describeSumOverflow,
  expectNoOutput,
  GOOD,
  HONEYPOTS,
  type MalformedCase,
  rejection,
  T0,
  tmp,
} from './helpers.js';

afterAll(() => tmp.cleanupAll());

/** A case on line 3: a line of 10.0.0.2 with some cells replaced. */
function cells(
  name: string,
  over: Parameters<typeof argusLine>[1],
  reason: string,
  field: string | null,
): MalformedCase {
  return {
    name,
    format: 'argus',
    content: argusWithBadLine(argusLine(ARGUS_OTHER, over)),
    reason,
    line: 3,
    field,
  };
}

describeMalformed('Argus: malformed lines are counted skips with located examples', [
  cells('Argus: StartTime unreadable', { StartTime: 'yesterday noon' }, 'bad ts', 'StartTime'),
  cells(
    'Argus: StartTime with month 13, day 45',
    { StartTime: '2024/13/45 10:00:00.000000' },
    'bad ts',
    'StartTime',
  ),
  cells('Argus: StartTime at 25 o’clock', { StartTime: '2024/01/02 25:00:00.000000' }, 'bad ts', 'StartTime'),
  cells('Argus: Dur not a number', { Dur: 'abc' }, 'bad duration', 'Dur'),
  cells('Argus: SrcAddr not an address', { SrcAddr: '10.0.0' }, 'bad address', 'SrcAddr'),
  {
    name: 'Argus: too few fields',
    format: 'argus',
    content: argusWithBadLine(`${argusTime(T0)},1.0,tcp,10.0.0.2`),
    reason: 'too few fields',
    line: 3,
    field: null,
  },
  {
    name: 'Argus: a field more than the header names',
    format: 'argus',
    content: argusWithBadLine(`${argusLine(GOOD[0]!)},extra`),
    reason: 'too many fields',
    line: 3,
    field: null,
  },
  // Issue 12: values outside their field's domain.
  cells('Argus: SrcAddr with an IPv6 zone id', { SrcAddr: 'fe80::1%eth0' }, 'bad address', 'SrcAddr'),
  cells('Argus: Sport 99999', { Sport: '99999' }, 'bad port', 'Sport'),
  cells('Argus: Dport -1', { Dport: '-1' }, 'bad port', 'Dport'),
  cells('Argus: Sport 0x10000 (ICMP)', { Proto: 'icmp', Sport: '0x10000' }, 'bad port', 'Sport'),
  cells('Argus: SrcPkts 1.5', { SrcPkts: '1.5' }, 'bad count', 'SrcPkts'),
  cells('Argus: SrcBytes above 2^53', { SrcBytes: '9007199254740993' }, 'bad count', 'SrcBytes'),
  cells('Argus: Dur 1e308', { Dur: '1e308' }, 'bad duration', 'Dur'),
  cells(
    'Argus: StartTime 99999999999999999 (epoch seconds)',
    { StartTime: '99999999999999999' },
    'bad ts',
    'StartTime',
  ),
  cells('Argus: StartTime before 1970', { StartTime: '1969/12/31 23:59:59.000000' }, 'bad ts', 'StartTime'),
]);

describeSumOverflow('Argus: sums past 2^53 − 1 are located errors, not skips', [
  {
    name: 'SrcBytes',
    format: 'argus',
    content: `${[
      ARGUS_HEADER,
      argusLine(GOOD[0]!),
      argusLine(ARGUS_OTHER, { SrcBytes: '9007199254740000' }),
      argusLine(ARGUS_OTHER, { SrcBytes: '9007199254740000' }),
    ].join('\n')}\n`,
    line: 4,
    field: 'SrcBytes',
  },
]);

describe('Argus: ports as ra prints them are read', () => {
  it('ICMP type/code in hex, empty ports, *, service names, 0 and 65535', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const lines = [
      ARGUS_HEADER,
      argusLine(GOOD[0]!, { Proto: 'icmp', Sport: '0x0008', Dport: '0x7208' }),
      argusLine(GOOD[1]!, { Proto: 'arp', Sport: '', Dport: '' }),
      argusLine(GOOD[2]!, { Sport: '*', Dport: 'http' }),
      argusLine(GOOD[0]!, { Sport: '0', Dport: '65535' }),
    ];
    const input = await put(join(dir, 'flows.binetflow'), `${lines.join('\n')}\n`);
    const { manifest, out } = await ingest({
      format: 'argus',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out'),
    });
    expect(manifest.skipped.malformed).toEqual({});
    expectRows(await readDayFile(join(out, `attacks.${D}.csv.gz`)), [row('10.0.0.1', 4, 7, 7, 70)]);
  });
});

describe('Argus: file-level format errors name the file and line', () => {
  it('Argus header without SrcBytes', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'f.binetflow'), 'StartTime,Dur,SrcAddr,DstAddr,SrcPkts\n');
    const e = await rejection(
      ingest({ format: 'argus', inputs: [input], honeypots: hp, out: join(dir, 'out') }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(`${input}:1: `), e.message).toBe(true);
    expect((e as DataError).line).toBe(1);
    await expectNoOutput(join(dir, 'out'));
  });
});
