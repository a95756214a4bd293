/**
 * Shared inputs and checks of the bad-input tests (DESIGN §8): good records with one bad line inserted, the table
 * runner for malformed lines (a counted skip with a located example, or with `--on-error fail` a located DataError),
 * and checks that a failed ingest left no output behind.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError, ingest } from '../../../src/index.js';
import { rejection } from '../../helpers.js';
import {
  argusTime,
  expectRows,
  type Flow,
  put,
  readDayFile,
  row,
  tempFolders,
  utc,
  ZEEK_FIELDS,
  zeekJson,
  zeekTsv,
} from '../ingest-helpers.js';

/** Temp folders of the test file that imports this module (each test file has its own module instance). */
export const tmp = tempFolders('aiplab-bad-input-');

export const HP = '198.51.100.1';
export const D = '2024-01-02';
export const T0 = utc(D);
export const HONEYPOTS = `${HP},2020-01-01,\n`;

/** Three good flows of 10.0.0.1 to the honeypot: 1 s + 2 s + 3 s, 1 + 2 + 3 packets, 10 + 20 + 30 bytes. */
export const GOOD: Flow[] = [1, 2, 3].map((k) => ({
  ts: T0 + 60 * k,
  orig: '10.0.0.1',
  resp: HP,
  duration: k,
  pkts: k,
  bytes: 10 * k,
}));

/** Zeek's header block is 8 lines (#separator .. #types): record k (0-based) is on line 9 + k. */
export const TSV_HEADER_LINES = 8;

/** A TSV conn log of GOOD plus one record (inserted as record 1, so on line 10) with one cell replaced. */
export function tsvWithBadCell(field: string, value: string): string {
  return tsvWithBadLine((cells) => {
    cells[ZEEK_FIELDS.indexOf(field as (typeof ZEEK_FIELDS)[number])] = value;
    return cells;
  });
}

/** A TSV conn log of GOOD plus one record of 10.0.0.2 on line 10 whose cells `edit` changes. */
export function tsvWithBadLine(edit: (cells: string[]) => string[]): string {
  const flows = [GOOD[0]!, { ...GOOD[0]!, orig: '10.0.0.2' }, GOOD[1]!, GOOD[2]!];
  const lines = zeekTsv(flows).split('\n');
  lines[TSV_HEADER_LINES + 1] = edit(lines[TSV_HEADER_LINES + 1]!.split('\t')).join('\t');
  return lines.join('\n');
}

/** GOOD as Zeek JSON with `bad` inserted as line 2. */
export function jsonWithBadLine(bad: string): string {
  const lines = zeekJson(GOOD).trimEnd().split('\n');
  lines.splice(1, 0, bad);
  return `${lines.join('\n')}\n`;
}

/** A Zeek JSON record of 10.0.0.2 to the honeypot at T0 with `extra` fields (raw JSON text, may override). */
export function jsonRecord(extra: string): string {
  return `{"ts":${T0},"id.orig_h":"10.0.0.2","id.resp_h":"${HP}"${extra ? `,${extra}` : ''}}`;
}

export const ARGUS_HEADER =
  'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,TotPkts,TotBytes,SrcBytes,SrcPkts,Label';
type ArgusCell = 'StartTime' | 'Dur' | 'Proto' | 'SrcAddr' | 'Sport' | 'Dport' | 'SrcBytes' | 'SrcPkts';
export function argusLine(f: Flow, over: Partial<Record<ArgusCell, string>> = {}): string {
  return [
    over.StartTime ?? argusTime(f.ts),
    over.Dur ?? String(f.duration),
    over.Proto ?? 'tcp',
    over.SrcAddr ?? f.orig,
    over.Sport ?? '5555',
    '   ->',
    f.resp,
    over.Dport ?? '22',
    'S_',
    '9',
    '999',
    over.SrcBytes ?? String(f.bytes),
    over.SrcPkts ?? String(f.pkts),
    '',
  ].join(',');
}
/** GOOD as Argus with `bad` as line 3 (line 1 is the header). */
export function argusWithBadLine(bad: string): string {
  return `${[ARGUS_HEADER, argusLine(GOOD[0]!), bad, argusLine(GOOD[1]!), argusLine(GOOD[2]!)].join('\n')}\n`;
}
/** A flow of 10.0.0.2 for an Argus line to be spoilt. */
export const ARGUS_OTHER: Flow = { ...GOOD[0]!, orig: '10.0.0.2' };

export const COWRIE_GOOD = [
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

/** The Cowrie log of COWRIE_GOOD with `bad` as line 2. */
export function cowrieWithBadLine(bad: string): string {
  return [JSON.stringify(COWRIE_GOOD[0]), bad, JSON.stringify(COWRIE_GOOD[1]), ''].join('\n');
}

export type Format = 'zeek' | 'argus' | 'cowrie';

export interface MalformedCase {
  name: string;
  format: Format;
  content: string;
  reason: string;
  line: number;
  /** The field the example must name; null when the problem is the whole line. */
  field: string | null;
}

function fileNameFor(format: Format): string {
  return format === 'argus' ? 'flows.binetflow' : format === 'cowrie' ? 'cowrie.json.2024-01-02' : 'conn.log';
}

/** Writes the case's input (and a honeypot list unless Cowrie) and returns how to ingest it. */
export async function ingestCase(c: { format: Format; content: string }, onError: 'skip' | 'fail') {
  const dir = await tmp.make();
  const honeypots = c.format === 'cowrie' ? undefined : await put(join(dir, 'honeypots.csv'), HONEYPOTS);
  const input = await put(join(dir, fileNameFor(c.format)), c.content);
  const out = join(dir, 'out');
  const run = () => ingest({ format: c.format, inputs: [input], honeypots, out, onError });
  return { dir, input, out, run };
}

/** `file:line: field 'x': ` — what DESIGN §8 asks a located message to start with. */
export function located(file: string, line: number, field: string | null): string {
  return `${file}:${line}: ${field === null ? '' : `field '${field}': `}`;
}

/**
 * The two checks of a table of malformed-line cases: with `--on-error skip` the line is one counted skip with one
 * located example and the good records around it are all there; with `--on-error fail` it is a DataError naming
 * file, line and field, and nothing is written.
 */
export function describeMalformed(title: string, cases: readonly MalformedCase[]): void {
  describe(title, () => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
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

    it.each(cases.map((c) => [c.name, c] as const))('with onError fail: %s', async (_name, c) => {
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
  });
}

export interface SumCase {
  name: string;
  format: Format;
  content: string;
  line: number;
  field: string;
}

/**
 * Sums past what a day table holds exactly (2^53 − 1 for counts, 2^53 µs for durations): a DataError naming the file,
 * the line and the field of the record that pushed the sum over, with `--on-error skip` as with fail, and nothing
 * written.
 */
export function describeSumOverflow(title: string, cases: readonly SumCase[]): void {
  describe(title, () => {
    it.each(
      cases.flatMap((c) =>
        (['skip', 'fail'] as const).map((mode) => [`${c.name} (${mode})`, c, mode] as const),
      ),
    )('%s', async (_name, c, mode) => {
      const { input, out, run } = await ingestCase(c, mode);
      const e = await rejection(run());
      expect(e).toBeInstanceOf(DataError);
      expect(e.message.startsWith(located(input, c.line, c.field)), e.message).toBe(true);
      expect([(e as DataError).file, (e as DataError).line, (e as DataError).field]).toEqual([
        input,
        c.line,
        c.field,
      ]);
      expect(e.message).toMatch(/2\^53/);
      await expectNoOutput(out);
    });
  });
}

/** The output folder is absent, or empty: no day file, no manifest, no temp folder. */
export async function expectNoOutput(out: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await readdir(out);
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOENT');
  }
  expect(names).toEqual([]);
}

/**
 * No temp folder (a new dataset's `.<out>.aiplab-next-<pid>` beside `out`, the old one's `-prev-`, an older aiplab's
 * `.aiplab-tmp-*` inside it) and no `*.tmp` file anywhere under `dir`.
 */
export async function expectNoLeftovers(dir: string): Promise<void> {
  const all = await readdir(dir, { recursive: true });
  expect(all.filter((n) => /\.aiplab-(tmp|next|prev)|\.tmp$/.test(n))).toEqual([]);
}

export { rejection };
