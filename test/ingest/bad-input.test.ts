/**
 * DESIGN §8: bad input is a clear error naming file, line and field, or a counted and reported skip — never a silent
 * drop, never a half-written output. One test (or table row) per error class, each with a real broken input.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, type IngestOptions, ingest, UsageError } from '../../src/index.js';
import {
  argusTime,
  expectRows,
  type Flow,
  honeypotCsv,
  put,
  readDayFile,
  row,
  snapshotFolder,
  tempFolders,
  utc,
  ZEEK_FIELDS,
  zeekJson,
  zeekTsv,
} from './ingest-helpers.js';

const tmp = tempFolders('aiplab-bad-input-');
afterAll(() => tmp.cleanupAll());

const HP = '198.51.100.1';
const D = '2024-01-02';
const T0 = utc(D);
const HONEYPOTS = `${HP},2020-01-01,\n`;

/** Three good flows of 10.0.0.1 to the honeypot: 1 s + 2 s + 3 s, 1 + 2 + 3 packets, 10 + 20 + 30 bytes. */
const GOOD: Flow[] = [1, 2, 3].map((k) => ({
  ts: T0 + 60 * k,
  orig: '10.0.0.1',
  resp: HP,
  duration: k,
  pkts: k,
  bytes: 10 * k,
}));

/** Zeek's header block is 8 lines (#separator .. #types): record k (0-based) is on line 9 + k. */
const TSV_HEADER_LINES = 8;

/** A TSV conn log of GOOD plus one record (inserted as record 1, so on line 10) with one cell replaced. */
function tsvWithBadCell(field: string, value: string): string {
  const flows = [GOOD[0]!, { ...GOOD[0]!, orig: '10.0.0.2' }, GOOD[1]!, GOOD[2]!];
  const lines = zeekTsv(flows).split('\n');
  const cells = lines[TSV_HEADER_LINES + 1]!.split('\t');
  cells[ZEEK_FIELDS.indexOf(field as (typeof ZEEK_FIELDS)[number])] = value;
  lines[TSV_HEADER_LINES + 1] = cells.join('\t');
  return lines.join('\n');
}

/** GOOD as Zeek JSON with `bad` inserted as line 2. */
function jsonWithBadLine(bad: string): string {
  const lines = zeekJson(GOOD).trimEnd().split('\n');
  lines.splice(1, 0, bad);
  return `${lines.join('\n')}\n`;
}

const ARGUS_HEADER =
  'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,TotPkts,TotBytes,SrcBytes,SrcPkts,Label';
function argusLine(f: Flow, over: Partial<Record<'StartTime' | 'Dur' | 'SrcAddr', string>> = {}): string {
  return [
    over.StartTime ?? argusTime(f.ts),
    over.Dur ?? String(f.duration),
    'tcp',
    over.SrcAddr ?? f.orig,
    '5555',
    '   ->',
    f.resp,
    '22',
    'S_',
    '9',
    '999',
    String(f.bytes),
    String(f.pkts),
    '',
  ].join(',');
}
/** GOOD as Argus with `bad` as line 3 (line 1 is the header). */
function argusWithBadLine(bad: string): string {
  return `${[ARGUS_HEADER, argusLine(GOOD[0]!), bad, argusLine(GOOD[1]!), argusLine(GOOD[2]!)].join('\n')}\n`;
}

const COWRIE_GOOD = [
  {
    eventid: 'cowrie.session.connect',
    src_ip: '10.0.0.1',
    timestamp: '2024-01-02T00:01:00.000000Z',
    session: 'a',
  },
  {
    eventid: 'cowrie.session.closed',
    src_ip: '10.0.0.1',
    timestamp: '2024-01-02T00:02:00.000000Z',
    duration: 6,
  },
];

interface MalformedCase {
  name: string;
  format: 'zeek' | 'argus' | 'cowrie';
  content: string;
  reason: string;
  line: number;
  /** The field the example must name; null when the problem is the whole line. */
  field: string | null;
}

const MALFORMED: MalformedCase[] = [
  {
    name: 'TSV: ts not a number',
    format: 'zeek',
    content: tsvWithBadCell('ts', 'yesterday'),
    reason: 'bad ts',
    line: 10,
    field: 'ts',
  },
  {
    name: 'TSV: ts empty',
    format: 'zeek',
    content: tsvWithBadCell('ts', ''),
    reason: 'bad ts',
    line: 10,
    field: 'ts',
  },
  {
    name: 'TSV: ts unset',
    format: 'zeek',
    content: tsvWithBadCell('ts', '-'),
    reason: 'bad ts',
    line: 10,
    field: 'ts',
  },
  {
    name: 'TSV: duration not a number',
    format: 'zeek',
    content: tsvWithBadCell('duration', '1.2.3'),
    reason: 'bad duration',
    line: 10,
    field: 'duration',
  },
  {
    name: 'TSV: negative duration',
    format: 'zeek',
    content: tsvWithBadCell('duration', '-0.5'),
    reason: 'bad duration',
    line: 10,
    field: 'duration',
  },
  {
    name: 'TSV: orig_pkts not a number',
    format: 'zeek',
    content: tsvWithBadCell('orig_pkts', 'many'),
    reason: 'bad count',
    line: 10,
    field: 'orig_pkts',
  },
  {
    name: 'TSV: orig_ip_bytes not a number',
    format: 'zeek',
    content: tsvWithBadCell('orig_ip_bytes', '12x'),
    reason: 'bad count',
    line: 10,
    field: 'orig_ip_bytes',
  },
  {
    name: 'TSV: originator not an address',
    format: 'zeek',
    content: tsvWithBadCell('id.orig_h', 'not-an-ip'),
    reason: 'bad address',
    line: 10,
    field: 'id.orig_h',
  },
  {
    name: 'TSV: originator 10.0.0.300',
    format: 'zeek',
    content: tsvWithBadCell('id.orig_h', '10.0.0.300'),
    reason: 'bad address',
    line: 10,
    field: 'id.orig_h',
  },
  {
    name: 'TSV: originator unset',
    format: 'zeek',
    content: tsvWithBadCell('id.orig_h', '-'),
    reason: 'bad address',
    line: 10,
    field: 'id.orig_h',
  },
  {
    name: 'TSV: responder empty',
    format: 'zeek',
    content: tsvWithBadCell('id.resp_h', ''),
    reason: 'bad address',
    line: 10,
    field: 'id.resp_h',
  },
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
  {
    name: 'JSON: cut-off object',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":${T0},"id.orig_h":"10.0.0.2","id.re`),
    reason: 'bad JSON',
    line: 2,
    field: null,
  },
  {
    name: 'JSON: an array, not an object',
    format: 'zeek',
    content: jsonWithBadLine('[1,2,3]'),
    reason: 'bad JSON',
    line: 2,
    field: null,
  },
  {
    name: 'JSON: ts unreadable',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":"last tuesday","id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`),
    reason: 'bad ts',
    line: 2,
    field: 'ts',
  },
  {
    name: 'JSON: ts missing',
    format: 'zeek',
    content: jsonWithBadLine(`{"id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`),
    reason: 'bad ts',
    line: 2,
    field: 'ts',
  },
  {
    name: 'JSON: ISO ts with a day that does not exist',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":"2024-02-30T00:00:00Z","id.orig_h":"10.0.0.2","id.resp_h":"${HP}"}`),
    reason: 'bad ts',
    line: 2,
    field: 'ts',
  },
  {
    name: 'JSON: duration a string of letters',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":${T0},"id.orig_h":"10.0.0.2","id.resp_h":"${HP}","duration":"long"}`),
    reason: 'bad duration',
    line: 2,
    field: 'duration',
  },
  {
    name: 'JSON: negative orig_pkts',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":${T0},"id.orig_h":"10.0.0.2","id.resp_h":"${HP}","orig_pkts":-3}`),
    reason: 'bad count',
    line: 2,
    field: 'orig_pkts',
  },
  {
    name: 'JSON: responder missing',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":${T0},"id.orig_h":"10.0.0.2"}`),
    reason: 'bad address',
    line: 2,
    field: 'id.resp_h',
  },
  {
    name: 'JSON: originator not an address',
    format: 'zeek',
    content: jsonWithBadLine(`{"ts":${T0},"id.orig_h":"attacker.example","id.resp_h":"${HP}"}`),
    reason: 'bad address',
    line: 2,
    field: 'id.orig_h',
  },
  {
    name: 'Argus: StartTime unreadable',
    format: 'argus',
    content: argusWithBadLine(argusLine(GOOD[0]!, { StartTime: 'yesterday noon' })),
    reason: 'bad ts',
    line: 3,
    field: 'StartTime',
  },
  {
    name: 'Argus: StartTime with month 13, day 45',
    format: 'argus',
    content: argusWithBadLine(argusLine(GOOD[0]!, { StartTime: '2024/13/45 10:00:00.000000' })),
    reason: 'bad ts',
    line: 3,
    field: 'StartTime',
  },
  {
    name: 'Argus: StartTime at 25 o’clock',
    format: 'argus',
    content: argusWithBadLine(argusLine(GOOD[0]!, { StartTime: '2024/01/02 25:00:00.000000' })),
    reason: 'bad ts',
    line: 3,
    field: 'StartTime',
  },
  {
    name: 'Argus: Dur not a number',
    format: 'argus',
    content: argusWithBadLine(argusLine(GOOD[0]!, { Dur: 'abc' })),
    reason: 'bad duration',
    line: 3,
    field: 'Dur',
  },
  {
    name: 'Argus: SrcAddr not an address',
    format: 'argus',
    content: argusWithBadLine(argusLine(GOOD[0]!, { SrcAddr: '10.0.0' })),
    reason: 'bad address',
    line: 3,
    field: 'SrcAddr',
  },
  {
    name: 'Argus: too few fields',
    format: 'argus',
    content: argusWithBadLine(`${argusTime(T0)},1.0,tcp,10.0.0.2`),
    reason: 'too few fields',
    line: 3,
    field: null,
  },
  {
    name: 'Cowrie: bad JSON',
    format: 'cowrie',
    content: [
      JSON.stringify(COWRIE_GOOD[0]),
      '{"eventid": "cowrie.login',
      JSON.stringify(COWRIE_GOOD[1]),
      '',
    ].join('\n'),
    reason: 'bad JSON',
    line: 2,
    field: null,
  },
  {
    name: 'Cowrie: no src_ip',
    format: 'cowrie',
    content: [
      JSON.stringify(COWRIE_GOOD[0]),
      JSON.stringify({
        eventid: 'cowrie.session.connect',
        timestamp: '2024-01-02T00:03:00Z',
      }),
      JSON.stringify(COWRIE_GOOD[1]),
      '',
    ].join('\n'),
    reason: 'bad address',
    line: 2,
    field: 'src_ip',
  },
];

function fileNameFor(format: MalformedCase['format']): string {
  return format === 'argus' ? 'flows.binetflow' : format === 'cowrie' ? 'cowrie.json.2024-01-02' : 'conn.log';
}

async function ingestCase(c: MalformedCase, onError: 'skip' | 'fail') {
  const dir = await tmp.make();
  const honeypots = c.format === 'cowrie' ? undefined : await put(join(dir, 'honeypots.csv'), HONEYPOTS);
  const input = await put(join(dir, fileNameFor(c.format)), c.content);
  const out = join(dir, 'out');
  const run = () => ingest({ format: c.format, inputs: [input], honeypots, out, onError });
  return { dir, input, out, run };
}

/** `file:line: field 'x': ` — what DESIGN §8 asks a located message to start with. */
function located(file: string, line: number, field: string | null): string {
  return `${file}:${line}: ${field === null ? '' : `field '${field}': `}`;
}

describe('malformed lines are counted skips with located examples', () => {
  it.each(MALFORMED.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { input, out, run } = await ingestCase(c, 'skip');
    const { manifest } = await run();
    expect(manifest.skipped.malformed).toEqual({ [c.reason]: 1 });
    const examples = manifest.skipped.examples[c.reason]!;
    expect(examples).toHaveLength(1);
    expect(examples[0]!.startsWith(located(input, c.line, c.field)), examples[0]).toBe(true);
    if (c.field === null) expect(examples[0]).not.toContain('field ');
    expect(examples[0]!.length).toBeGreaterThan(located(input, c.line, c.field).length);
    // The good records around the bad line are all there.
    const rows = await readDayFile(join(out, `attacks.${D}.csv.gz`));
    if (c.format === 'cowrie') {
      // One session (connect), closed after 6 s; packets = 2 events; bytes = the two JSON lines.
      const bytes = JSON.stringify(COWRIE_GOOD[0]).length + JSON.stringify(COWRIE_GOOD[1]).length;
      expectRows(rows, [row('10.0.0.1', 1, 6, 2, bytes)]);
    } else {
      expectRows(rows, [row('10.0.0.1', 3, 6, 6, 60)]);
    }
  });

  it.each(MALFORMED.map((c) => [c.name, c] as const))('with onError fail: %s', async (_name, c) => {
    const { input, out, run } = await ingestCase(c, 'fail');
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataError);
    const e = error as DataError;
    expect(e.message.startsWith(located(input, c.line, c.field)), e.message).toBe(true);
    expect([e.file, e.line, e.field]).toEqual([input, c.line, c.field ?? undefined]);
    expect(e.message).not.toContain('\n');
    await expectNoOutput(out);
  });

  it('every bad line is counted; a reason keeps its first three located examples', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    // Lines 2, 4, 5, 7, 8 have a bad ts; line 6 a bad duration; lines 1 and 3 are good.
    const good = (k: number) => `{"ts":${T0 + k},"id.orig_h":"10.0.0.1","id.resp_h":"${HP}","duration":1}`;
    const badTs = `{"ts":"soon","id.orig_h":"10.0.0.1","id.resp_h":"${HP}"}`;
    const badDur = `{"ts":${T0},"id.orig_h":"10.0.0.1","id.resp_h":"${HP}","duration":"x"}`;
    const text = [good(1), badTs, good(2), badTs, badTs, badDur, badTs, badTs].join('\n');
    const input = await put(join(dir, 'conn.log'), text);
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out'),
    });
    expect(manifest.skipped.malformed).toEqual({
      'bad ts': 5,
      'bad duration': 1,
    });
    expect(manifest.skipped.examples['bad ts']!.map((x) => x.slice(0, x.indexOf(': field')))).toEqual([
      `${input}:2`,
      `${input}:4`,
      `${input}:5`,
    ]);
    expect(manifest.skipped.examples['bad duration']).toHaveLength(1);
    expect(manifest.attackFlows).toBe(2);
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** The output folder is absent, or empty: no day file, no manifest, no temp folder. */
async function expectNoOutput(out: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(out);
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOENT');
  }
  expect(names).toEqual([]);
}

/** No `.aiplab-tmp-*` folder and no `*.tmp` file anywhere under `dir`. */
async function expectNoLeftovers(dir: string): Promise<void> {
  const all = await readdir(dir, { recursive: true });
  expect(all.filter((n) => /\.aiplab-tmp-|\.tmp$/.test(n))).toEqual([]);
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const e = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e, 'expected the call to fail').toBeInstanceOf(Error);
  return e as Error;
}

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

// ---------------------------------------------------------------------------------------------------------------

describe('usage errors and missing files', () => {
  it('an input path that does not exist → DataError naming it', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const good = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const missing = join(dir, 'no-such-folder', 'conn.log');
    const out = join(dir, 'out');
    const e = await rejection(ingest({ format: 'zeek', inputs: [good, missing], honeypots: hp, out }));
    expect(e).toBeInstanceOf(DataError);
    expect((e as DataError).file).toBe(missing);
    expect(e.message).toContain(missing);
    await expectNoOutput(out);
  });

  it('a honeypot list that does not exist → DataError naming it', async () => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const hp = join(dir, 'honeypots_public_ips.csv');
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [input],
        honeypots: hp,
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(hp);
  });

  it('a folder with no file of the format → DataError', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    await put(join(dir, 'logs', '2024-01-02', 'dns.00:00:00-01:00:00.log.gz'), zeekTsv(GOOD));
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [join(dir, 'logs')],
        honeypots: hp,
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(join(dir, 'logs'));
  });

  it('an unknown format → UsageError listing the known ones', async () => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(ingest({ format: 'suricata', inputs: [input], out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain("'suricata'");
    for (const known of ['zeek', 'cowrie', 'argus', 'aip']) expect(e.message).toContain(known);
    await expectNoOutput(join(dir, 'out'));
  });

  it.each(['zeek', 'argus'])('%s without --honeypots → UsageError', async (format) => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(ingest({ format, inputs: [input], out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('--honeypots');
    await expectNoOutput(join(dir, 'out'));
  });

  it.each<[string, Partial<IngestOptions>, RegExp]>([
    ['--from not a date', { from: '2024-1-2' }, /--from/],
    ['--to not a real day', { to: '2024-02-30' }, /--to/],
    ['--from after --to', { from: '2024-01-03', to: '2024-01-02' }, /--from.*--to/],
    ['--on-error neither skip nor fail', { onError: 'ignore' as never }, /--on-error/],
    ['no input at all', { inputs: [] }, /input/],
  ])('%s → UsageError', async (_name, over, message) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [input],
        honeypots: hp,
        out: join(dir, 'out'),
        ...over,
      }),
    );
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(message);
    await expectNoOutput(join(dir, 'out'));
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('file-level format errors name the file and line', () => {
  it.each<[string, string, string, string, number]>([
    [
      'Zeek #fields without id.resp_h',
      'zeek',
      'conn.log',
      zeekTsv(GOOD, { fields: ZEEK_FIELDS.filter((f) => f !== 'id.resp_h') }),
      7,
    ],
    [
      'Zeek #fields without ts',
      'zeek',
      'conn.log',
      zeekTsv(GOOD, { fields: ['id.orig_h', 'id.resp_h', 'duration'] }),
      7,
    ],
    [
      'an unsupported #separator',
      'zeek',
      'conn.log',
      zeekTsv(GOOD).replace('#separator \\x09', '#separator ||'),
      1,
    ],
    ['Argus header without SrcBytes', 'argus', 'f.binetflow', 'StartTime,Dur,SrcAddr,DstAddr,SrcPkts\n', 1],
  ])('%s', async (_name, format, file, content, line) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, file), content);
    const e = await rejection(ingest({ format, inputs: [input], honeypots: hp, out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(`${input}:${line}: `), e.message).toBe(true);
    expect((e as DataError).line).toBe(line);
    await expectNoOutput(join(dir, 'out'));
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('honeypot list errors name the line and the field', () => {
  // Line 1 a comment, line 2 the header, line 3 a good honeypot, line 4 the bad one.
  const head = ['# our honeypots', 'public_ip,operation_start_date,operation_end_date', `${HP},2024-01-01,`];
  it.each<[string, string, string | null]>([
    ['octet above 255', '198.51.100.256,2024-01-01,', 'public_ip'],
    ['a host name', 'honeypot-1.example,2024-01-01,', 'public_ip'],
    ['an IPv6 with two ::', '2001:db8::1::2,2024-01-01,', 'public_ip'],
    ['a start day that does not exist', '198.51.100.2,2024-02-30,', 'operation_start_date'],
    ['a start in another format', '198.51.100.2,01/02/2024,', 'operation_start_date'],
    ['an empty start', '198.51.100.2,,2024-01-05', 'operation_start_date'],
    ['an end in month 13', '198.51.100.2,2024-01-01,2024-13-01', 'operation_end_date'],
    ['an end before the start', '198.51.100.2,2024-01-05,2024-01-04', 'operation_end_date'],
    ['one field', '198.51.100.2', null],
    ['four fields', '198.51.100.2,2024-01-01,,extra', null],
  ])('%s', async (_name, bad, field) => {
    for (const eol of ['\n', '\r\n']) {
      const dir = await tmp.make();
      const hp = await put(join(dir, 'honeypots.csv'), [...head, bad, `${HP},2024-01-01,`, ''].join(eol));
      const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
      const out = join(dir, 'out');
      const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message.startsWith(located(hp, 4, field)), e.message).toBe(true);
      expect([(e as DataError).file, (e as DataError).line, (e as DataError).field]).toEqual([
        hp,
        4,
        field ?? undefined,
      ]);
      await expectNoOutput(out);
    }
  });

  it('a list with no honeypot (only comments and the header) → DataError naming the file', async () => {
    const dir = await tmp.make();
    const hp = await put(
      join(dir, 'honeypots.csv'),
      '# none yet\npublic_ip,operation_start_date,operation_end_date\n',
    );
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [input],
        honeypots: hp,
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(hp);
  });

  it('a good list with comments, blank lines, CRLF and spaces is accepted', async () => {
    const dir = await tmp.make();
    const hp = await put(
      join(dir, 'honeypots.csv'),
      `${honeypotCsv([{ ip: HP, start: '2024-01-01' }])
        .replaceAll('\n', '\r\n')
        .replace(HP, ` ${HP} `)}\r\n# end\r\n`,
    );
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [input],
      honeypots: hp,
      out: join(dir, 'out'),
    });
    expect(manifest.honeypots!.count).toBe(1);
    expect(manifest.attackFlows).toBe(3);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('AIP day-table errors name file, line and field', () => {
  const header = 'orig,flows,duration,packets,bytes';
  // [case, line 3 (line 1 header, line 2 good), field or null]
  it.each<[string, string, string | null]>([
    ['flows not a number', '10.0.0.2,x,0.5,2,100', 'flows'],
    ['negative duration', '10.0.0.2,1,-0.5,2,100', 'duration'],
    ['empty packets', '10.0.0.2,1,0.5,,100', 'packets'],
    ['bytes NaN', '10.0.0.2,1,0.5,2,NaN', 'bytes'],
    ['bytes Infinity', '10.0.0.2,1,0.5,2,Infinity', 'bytes'],
    ['an address that is not one', '10.0.0.300,1,0.5,2,100', 'orig'],
    ['a duplicate IP', '10.0.0.1,1,1,1,1', 'orig'],
    ['a duplicate IP spelt differently (IPv6)', '2001:DB8:0::1,1,1,1,1', 'orig'],
    ['a missing field', '10.0.0.2,1,0.5,2', null],
    ['an extra field', '10.0.0.2,1,0.5,2,100,7', null],
  ])('%s', async (_name, bad, field) => {
    for (const gz of [false, true]) {
      const dir = await tmp.make();
      const input = join(dir, `attacks.2024-01-02.csv${gz ? '.gz' : ''}`);
      // The bad line is line 3; line 2 is the row an IPv6 duplicate repeats, else an IPv4 row.
      const text = bad.startsWith('2001')
        ? [header, '2001:db8::1,1,0.0,1,60', bad, ''].join('\n')
        : [header, '10.0.0.1,3,1.5,6,600', bad, ''].join('\n');
      await put(input, text);
      const out = join(dir, 'out');
      const e = await rejection(ingest({ format: 'aip', inputs: [input], out }));
      expect(e).toBeInstanceOf(DataError);
      expect(e.message.startsWith(located(input, 3, field)), e.message).toBe(true);
      await expectNoOutput(out);
    }
  });

  it.each([
    ['without packets', 'orig,flows,duration,bytes', 'packets'],
    ['without orig (another name for the IP)', 'ip,flows,duration,packets,bytes', 'orig'],
    ['an empty file', '', 'orig'],
  ])('a header %s → DataError at line 1 naming the column', async (_name, head, column) => {
    const dir = await tmp.make();
    const input = await put(join(dir, 'attacks.2024-01-02.csv'), head ? `${head}\n10.0.0.1,1,1,1\n` : '');
    const e = await rejection(ingest({ format: 'aip', inputs: [input], out: join(dir, 'out') }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message.startsWith(`${input}:1: `), e.message).toBe(true);
    expect(e.message).toContain(column);
  });

  it('two files for one day → DataError naming the second', async () => {
    const dir = await tmp.make();
    const text = `orig,flows,duration,packets,bytes\n10.0.0.1,1,1.0,1,1\n`;
    await put(join(dir, 'aip', 'attacks.2024-01-02.csv'), text);
    await put(join(dir, 'aip', 'attacks.2024-01-02.csv.gz'), text);
    const e = await rejection(
      ingest({
        format: 'aip',
        inputs: [join(dir, 'aip')],
        out: join(dir, 'out'),
      }),
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('attacks.2024-01-02.csv');
    expect(e.message).toContain('2024-01-02');
  });

  it('a good AIP folder reads back exactly, and its gap is missing', async () => {
    const dir = await tmp.make();
    await put(
      join(dir, 'aip', 'attacks.2024-01-01.csv'),
      'orig,flows,duration,packets,bytes\n10.0.0.2,1,0.5,2,80\n9.0.0.1,4,2.0,8,320\n',
    );
    await put(
      join(dir, 'aip', 'attacks.2024-01-03.csv.gz'),
      'flows,orig,bytes,packets,duration\r\n2,2001:DB8::1,10,1,0.25\r\n',
    );
    const { manifest, out } = await ingest({
      format: 'aip',
      inputs: [join(dir, 'aip')],
      out: join(dir, 'out'),
    });
    expect(manifest.days.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-03']);
    expect(manifest.missingDays).toEqual(['2024-01-02']);
    expectRows(await readDayFile(join(out, 'attacks.2024-01-01.csv.gz')), [
      row('9.0.0.1', 4, 2, 8, 320),
      row('10.0.0.2', 1, 0.5, 2, 80),
    ]);
    expectRows(await readDayFile(join(out, 'attacks.2024-01-03.csv.gz')), [
      row('2001:db8::1', 2, 0.25, 1, 10),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('the output folder', () => {
  it('a non-empty folder without a manifest is refused and left as it was', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const out = join(dir, 'out');
    await put(join(out, 'notes.txt'), 'my notes\n');
    const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain(out);
    expect(await readdir(out)).toEqual(['notes.txt']);
    expect(await readFile(join(out, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('a folder whose manifest is unreadable is refused and left as it was', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const input = await put(join(dir, 'conn.log'), zeekTsv(GOOD));
    const out = join(dir, 'out');
    await put(join(out, 'manifest.json'), '{"manifestVersion": 1, "days": [');
    await put(join(out, 'attacks.2024-01-01.csv.gz'), 'orig,flows,duration,packets,bytes\n');
    const before = await snapshotFolder(out);
    const e = await rejection(ingest({ format: 'zeek', inputs: [input], honeypots: hp, out }));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain('manifest.json');
    expect(await snapshotFolder(out)).toEqual(before);
  });

  it('an empty folder is used; an earlier dataset is replaced, stale day files removed', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const out = join(dir, 'out');
    const twoDays = await put(
      join(dir, 'a', 'conn.log'),
      zeekTsv([...GOOD, { ...GOOD[0]!, ts: utc('2024-01-03', '01:00:00') }]),
    );
    await ingest({ format: 'zeek', inputs: [twoDays], honeypots: hp, out });
    expect((await readdir(out)).sort()).toEqual([
      'attacks.2024-01-02.csv.gz',
      'attacks.2024-01-03.csv.gz',
      'manifest.json',
    ]);
    const oneDay = await put(join(dir, 'b', 'conn.log'), zeekTsv(GOOD.slice(0, 1)));
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [oneDay],
      honeypots: hp,
      out,
    });
    expect((await readdir(out)).sort()).toEqual(['attacks.2024-01-02.csv.gz', 'manifest.json']);
    expect(manifest.days.map((d) => d.date)).toEqual([D]);
    expectRows(await readDayFile(join(out, `attacks.${D}.csv.gz`)), [row('10.0.0.1', 1, 1, 1, 10)]);
  });
});

describe('a failing ingest leaves an existing dataset untouched and no temp files', () => {
  /** Day folders 01..03 of good data; `last` is the file of day 04. */
  async function layout(dir: string, last: string | Buffer): Promise<string> {
    const root = join(dir, 'zeek');
    for (const [k, date] of ['2024-01-01', '2024-01-02', '2024-01-03'].entries()) {
      const flows = GOOD.map((f) => ({
        ...f,
        ts: utc(date, '05:00:00') + k + f.ts - T0,
      }));
      await put(join(root, date, 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(flows));
    }
    const path = join(root, '2024-01-04', 'conn.00:00:00-01:00:00.log.gz');
    if (typeof last === 'string') await put(path, last);
    else {
      await put(path, Buffer.alloc(0));
      await writeFile(path, last);
    }
    return root;
  }

  const goodDay4 = zeekTsv(GOOD.map((f) => ({ ...f, ts: f.ts + 2 * 86400, orig: '10.9.9.9' })));
  const truncated = gzipSync(
    zeekTsv(
      Array.from({ length: 3000 }, (_, k) => ({
        ...GOOD[0]!,
        ts: utc('2024-01-04') + k,
        bytes: k * 17,
      })),
    ),
  );

  it.each<[string, string | Buffer, Partial<IngestOptions>]>([
    ['truncated gzip in the last day folder', truncated.subarray(0, Math.floor(truncated.length / 2)), {}],
    [
      'a bad line in the last day folder with onError fail',
      tsvWithBadCell('duration', 'oops'),
      { onError: 'fail' },
    ],
    ['a broken #fields header in the last day folder', zeekTsv(GOOD, { fields: ['ts', 'duration'] }), {}],
    ['a honeypot list that went missing', goodDay4, { honeypots: '/nonexistent/honeypots.csv' }],
  ])('%s', async (_name, last, over) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const out = join(dir, 'out');
    // First a good dataset from the same layout with a good day 4.
    const goodRoot = await layout(join(dir, 'good'), goodDay4);
    const first = await ingest({
      format: 'zeek',
      inputs: [goodRoot],
      honeypots: hp,
      out,
    });
    expect(first.manifest.days.map((d) => d.rows)).toEqual([1, 1, 1, 1]);
    const before = await snapshotFolder(out);
    const mtimes = await Promise.all([...before.keys()].map(async (n) => (await stat(join(out, n))).mtimeMs));

    const badRoot = await layout(join(dir, 'bad'), last);
    const e = await rejection(
      ingest({
        format: 'zeek',
        inputs: [badRoot],
        honeypots: hp,
        out,
        ...over,
      }),
    );
    expect(e).toBeInstanceOf(DataError);

    const after = await snapshotFolder(out);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
    const mtimesAfter = await Promise.all(
      [...before.keys()].map(async (n) => (await stat(join(out, n))).mtimeMs),
    );
    expect(mtimesAfter).toEqual(mtimes);
    await expectNoLeftovers(dir);
    expect((await readdir(out, { withFileTypes: true })).filter((d) => d.isDirectory())).toEqual([]);
  });

  it('a failing first ingest leaves no dataset behind, and the same folder then takes a good one', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), HONEYPOTS);
    const out = join(dir, 'out');
    const badRoot = await layout(join(dir, 'bad'), truncated.subarray(0, 100));
    await rejection(ingest({ format: 'zeek', inputs: [badRoot], honeypots: hp, out }));
    await expectNoOutput(out);
    await expectNoLeftovers(dir);
    const goodRoot = await layout(join(dir, 'good'), goodDay4);
    const { manifest } = await ingest({
      format: 'zeek',
      inputs: [goodRoot],
      honeypots: hp,
      out,
    });
    expect(manifest.days).toHaveLength(4);
  });
});
