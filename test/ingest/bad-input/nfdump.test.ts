/**
 * DESIGN §8 for nfdump -o csv: each malformed line is a counted skip with a located example (or, with
 * `--on-error fail`, a DataError naming file, line and field), in both header layouts; sums past what a day table
 * holds exactly are a located DataError; a header that is not nfdump's, or lacks a needed column, is a DataError at
 * its line; anything but nfdump's trailer after the records is a DataError at that line. Nothing is written on error.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import { expectRows, put, readDayFile, row } from '../ingest-helpers.js';
import { D, expectNoOutput, GOOD, HONEYPOTS, HP, located, rejection, tmp } from './helpers.js';

afterAll(() => tmp.cleanupAll());

const CLASSIC_HEADER =
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';
const TOKEN_HEADER = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';
const SUMMARY = ['Summary', 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp', '4,0,0,0,0,0'];

type Layout = 'classic' | 'token';
type Cells = Partial<
  Record<'ts' | 'td' | 'sa' | 'da' | 'sp' | 'dp' | 'pr' | 'ipkt' | 'ibyt' | 'flows', string>
>;

/** GOOD's times are whole minutes of D: `YYYY-MM-DD hh:mm:ss` in UTC. */
function stamp(ts: number): string {
  return new Date(ts * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** A line of flow k of GOOD (10.0.0.1 → HP, k+1 s, k+1 packets, 10(k+1) bytes), or of 10.0.0.2, cells replaced. */
function line(layout: Layout, k: number, over: Cells = {}, orig = '10.0.0.1'): string {
  const f = GOOD[k]!;
  const v = {
    ts: stamp(f.ts),
    td: `${f.duration}.000`,
    sa: orig,
    da: HP,
    sp: '40000',
    dp: '22',
    pr: layout === 'classic' ? 'TCP' : '6',
    ipkt: String(f.pkts),
    ibyt: String(f.bytes),
    flows: '1',
    ...over,
  };
  if (layout === 'token') {
    const ts = over.ts ?? `${v.ts}.000`;
    return [ts, v.td, v.pr, v.sa, v.sp, v.da, v.dp, v.ipkt, v.ibyt, v.flows].join(',');
  }
  const mac = '00:00:00:00:00:00';
  return [
    v.ts,
    v.ts,
    v.td,
    v.sa,
    v.da,
    v.sp,
    v.dp,
    v.pr,
    '......S.',
    '0',
    '0',
    v.ipkt,
    v.ibyt,
    ...'0,0,0,0,0,0,0,0,0,0'.split(','),
    '0.0.0.0',
    '0.0.0.0',
    '0',
    '0',
    mac,
    mac,
    mac,
    mac,
    ...Array(10).fill('0-0-0'),
    '    0.000',
    '    0.000',
    '    0.000',
    '0.0.0.0',
    '17/1',
    '0',
    '2026-01-01 00:00:00.000',
  ].join(',');
}

/** GOOD in `layout`, with `bad` as line 3 (line 1 is the header), and the Summary trailer. */
function withBadLine(layout: Layout, bad: string): string {
  const header = layout === 'classic' ? CLASSIC_HEADER : TOKEN_HEADER;
  return `${[header, line(layout, 0), bad, line(layout, 1), line(layout, 2), ...SUMMARY].join('\n')}\n`;
}

interface Case {
  name: string;
  content: string;
  reason: string;
  line: number;
  field: string | null;
  tz?: string;
}

/** A case on line 3: a line of 10.0.0.2 with some cells replaced. */
function cells(
  layout: Layout,
  name: string,
  over: Cells,
  reason: string,
  field: string | null,
  tz?: string,
): Case {
  const c: Case = {
    name: `${layout}: ${name}`,
    content: withBadLine(layout, line(layout, 0, over, over.sa ?? '10.0.0.2')),
    reason,
    line: 3,
    field,
  };
  if (tz !== undefined) c.tz = tz;
  return c;
}

async function ingestCase(c: { content: string; tz?: string }, onError: 'skip' | 'fail') {
  const dir = await tmp.make();
  const honeypots = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
  const input = await put(join(dir, 'nfcapd.202401020000.csv'), c.content);
  const out = join(dir, 'out');
  const run = () =>
    ingest({
      format: 'nfdump',
      inputs: [input],
      honeypots,
      out,
      onError,
      reader: c.tz === undefined ? {} : { tz: c.tz },
    });
  return { input, out, run };
}

const CASES: Case[] = [
  cells('classic', 'ts unreadable', { ts: 'yesterday noon' }, 'bad ts', 'ts'),
  cells('classic', 'ts on Feb 30', { ts: '2024-02-30 10:00:00' }, 'bad ts', 'ts'),
  cells('classic', 'ts at 25 o’clock', { ts: '2024-01-02 25:00:00' }, 'bad ts', 'ts'),
  cells('classic', 'ts before 1970', { ts: '1969-12-31 23:59:59' }, 'bad ts', 'ts'),
  cells('classic', 'ts as epoch seconds (classic never prints them)', { ts: '1704196800' }, 'bad ts', 'ts'),
  cells(
    'classic',
    'ts in the spring-forward gap',
    { ts: '2024-03-31 02:30:00' },
    'bad ts',
    'ts',
    'Europe/Prague',
  ),
  cells('classic', 'td not a number', { td: 'abc' }, 'bad duration', 'td'),
  cells('classic', 'td negative', { td: '-1.000' }, 'bad duration', 'td'),
  cells('classic', 'td 1e308', { td: '1e308' }, 'bad duration', 'td'),
  cells('classic', 'sa not an address', { sa: '10.0.0' }, 'bad address', 'sa'),
  cells('classic', 'sa with an IPv6 zone id', { sa: 'fe80::1%eth0' }, 'bad address', 'sa'),
  cells('classic', 'da with an IPv6 zone id', { da: 'fe80::1%eth0' }, 'bad address', 'da'),
  cells('classic', 'sp 99999', { sp: '99999' }, 'bad port', 'sp'),
  cells('classic', 'dp -1', { dp: '-1' }, 'bad port', 'dp'),
  cells('classic', 'dp as type.code (classic prints type·256+code)', { dp: '8.0' }, 'bad port', 'dp'),
  cells('classic', 'ipkt 1.5', { ipkt: '1.5' }, 'bad count', 'ipkt'),
  cells('classic', 'ibyt above 2^53', { ibyt: '9007199254740993' }, 'bad count', 'ibyt'),
  cells('classic', 'ibyt empty', { ibyt: '' }, 'bad count', 'ibyt'),
  {
    name: 'classic: too few fields',
    content: withBadLine('classic', '2024-01-02 00:01:00,2024-01-02 00:01:00,1.000,10.0.0.2'),
    reason: 'too few fields',
    line: 3,
    field: null,
  },
  {
    name: 'classic: a field more than the header names',
    content: withBadLine('classic', `${line('classic', 0)},extra`),
    reason: 'too many fields',
    line: 3,
    field: null,
  },
  cells(
    'token',
    "firstSeen 0000-00-00 (nfdump's record without a time)",
    { ts: '0000-00-00 00:00:00.000' },
    'bad ts',
    'firstSeen',
  ),
  cells('token', 'firstSeen with a bad fraction', { ts: '2024-01-02 00:01:00.x' }, 'bad ts', 'firstSeen'),
  cells('token', 'firstSeen epoch seconds past 2100', { ts: '4102444800.000' }, 'bad ts', 'firstSeen'),
  cells('token', 'duration not a number', { td: 'NaN' }, 'bad duration', 'duration'),
  cells('token', 'srcAddr not an address', { sa: 'host.example' }, 'bad address', 'srcAddr'),
  cells('token', 'srcPort 65536', { sp: '65536' }, 'bad port', 'srcPort'),
  cells('token', 'dstPort ICMP type 256', { dp: '256.0' }, 'bad port', 'dstPort'),
  cells('token', 'packets negative', { ipkt: '-3' }, 'bad count', 'packets'),
  cells('token', 'bytes 1e3', { ibyt: '1e3x' }, 'bad count', 'bytes'),
  cells('token', 'flows 2 (an aggregated record)', { flows: '2' }, 'aggregated record', 'flows'),
  cells('token', 'flows not a number', { flows: 'x' }, 'bad count', 'flows'),
];

describe('nfdump: malformed lines are counted skips with located examples', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { input, out, run } = await ingestCase(c, 'skip');
    const { manifest } = await run();
    expect(manifest.skipped.malformed).toEqual({ [c.reason]: 1 });
    const examples = manifest.skipped.examples[c.reason]!;
    expect(examples).toHaveLength(1);
    expect(examples[0]!.startsWith(located(input, c.line, c.field)), examples[0]).toBe(true);
    if (c.field === null) expect(examples[0]).not.toContain('field ');
    expect(examples[0]!.length).toBeGreaterThan(located(input, c.line, c.field).length);
    // The good records around the bad line are all there (read as Prague time, +1 in January, GOOD's 00:0x are
    // 23:0x UTC the day before).
    const day = c.tz === 'Europe/Prague' ? '2024-01-01' : D;
    const rows = await readDayFile(join(out, `attacks.${day}.csv.gz`));
    expectRows(rows, [row('10.0.0.1', 3, 6, 6, 60)]);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('with onError fail: %s', async (_name, c) => {
    const { input, out, run } = await ingestCase(c, 'fail');
    const e = await rejection(run());
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(located(input, c.line, c.field)), e.message).toBe(true);
    const d = e as DataError;
    expect([d.file, d.line, d.field]).toEqual([input, c.line, c.field ?? undefined]);
    expect(e.message).not.toContain('\n');
    await expectNoOutput(out);
  });
});

describe('nfdump: sums past 2^53 − 1 are located errors, not skips', () => {
  it.each([['skip'], ['fail']] as const)('ibyt (%s)', async (mode) => {
    const content = `${[
      CLASSIC_HEADER,
      line('classic', 0),
      line('classic', 1, { ibyt: '9007199254740000' }, '10.0.0.2'),
      line('classic', 2, { ibyt: '9007199254740000' }, '10.0.0.2'),
    ].join('\n')}\n`;
    const { input, out, run } = await ingestCase({ content }, mode);
    const e = await rejection(run());
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(located(input, 4, 'ibyt')), e.message).toBe(true);
    expect(e.message).toMatch(/2\^53/);
    await expectNoOutput(out);
  });
});

describe('nfdump: file-level format errors name the file and line', () => {
  async function fails(content: string, lineNo: number, mode: 'skip' | 'fail' = 'skip'): Promise<DataError> {
    const { input, out, run } = await ingestCase({ content }, mode);
    const e = await rejection(run());
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(`${input}:${lineNo}: `), e.message).toBe(true);
    expect((e as DataError).line).toBe(lineNo);
    await expectNoOutput(out);
    return e as DataError;
  }

  it('a header that is no nfdump header (a binetflow file)', async () => {
    const e = await fails('StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr\n', 1);
    expect(e.message).toContain('ts,te,td,sa,da');
  });

  it('no header at all (nfdump -q output): the first record is not a header', async () => {
    await fails(`${line('classic', 0)}\n${line('classic', 1)}\n`, 1);
  });

  it('a classic header without ibyt', async () => {
    const e = await fails(`${CLASSIC_HEADER.replace(',ibyt,', ',')}\n`, 1);
    expect(e.message).toContain('ibyt');
  });

  it('a token header without packets or inPackets', async () => {
    const e = await fails('firstSeen,duration,srcAddr,dstAddr,bytes\n', 1);
    expect(e.message).toContain('packets');
  });

  it('two dumps joined: a header after the Summary block', async () => {
    const one = withBadLine('classic', line('classic', 0));
    await fails(one + one, 9);
  });

  it('a record after the Summary totals, with --on-error fail too', async () => {
    await fails(`${withBadLine('classic', line('classic', 0))}${line('classic', 1)}\n`, 9, 'fail');
  });

  it('the Summary block without its header line', async () => {
    const content = `${[CLASSIC_HEADER, line('classic', 0), 'Summary', '1,0,0,0,0,0'].join('\n')}\n`;
    await fails(content, 4);
  });

  it("something other than the Summary after 'No matching flows'", async () => {
    await fails(`${TOKEN_HEADER}\nNo matching flows\n${line('token', 0)}\n`, 3);
  });
});
