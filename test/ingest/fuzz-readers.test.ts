/**
 * Property tests of the ingest readers (issue 12), for Zeek TSV, Zeek JSON, Argus, Cowrie and AIP day tables:
 *
 * - random and mutated inputs (valid generated records, then cells replaced by huge numbers, Infinity, NaN, negative
 *   numbers, fractions, exponents, zone ids, garbage; lines cut, doubled, dropped, with a field more or less) never
 *   crash ingest: it succeeds, or throws a DataError (with `--on-error skip` only for a file-level problem or a sum a
 *   day table cannot hold), never anything else;
 * - every day table it writes is read back by the day-table reader, and ingesting the dataset again with the `aip`
 *   format gives the same day files, byte for byte;
 * - valid generated records are all counted: the day tables equal a brute-force sum made here with BigInt and whole
 *   µs, or, when a sum passes 2^53 − 1 (2^53 µs), ingest fails naming the line and field of the record that passed it.
 *
 * Seeded; FUZZ_RUNS sets the number of runs of each property.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError, ingest, readDayTableFile } from '../../src/index.js';
import { fuzzRuns } from '../helpers.js';
import { argusTime, put, rfc5952, tempFolders, ZEEK_FIELDS } from './ingest-helpers.js';

const tmp = tempFolders('aiplab-fuzz-readers-');
afterAll(() => tmp.cleanupAll());

const HP = '198.51.100.1';
const DAY0 = Date.UTC(2024, 0, 1) / 1000;
const MAX_COUNT = 2n ** 53n - 1n;
const MAX_DURATION_US = 2n ** 53n;

type Format = 'tsv' | 'json' | 'argus' | 'cowrie' | 'aip';

/** One generated record: what it says, before any text is made of it. */
interface Rec {
  ts: number;
  /** Micro-seconds of ts past the second. */
  tsUs: number;
  orig: string;
  durationUs: number;
  packets: number;
  bytes: number;
  /** Cowrie: a session's connect event (else its closed event). */
  connect: boolean;
}

/** Originators: canonical and other spellings of the same addresses (summed into one row). */
const ORIGS = [
  '10.0.0.1',
  '10.0.0.2',
  '192.0.2.77',
  '2001:db8::1',
  '2001:DB8:0::1',
  '2001:db8::a:0:0:2',
  '::1',
];

/** `us` whole µs as seconds with six decimals, exactly (no double in between). */
function seconds(us: number): string {
  const s = BigInt(us);
  return `${s / 1_000_000n}.${String(s % 1_000_000n).padStart(6, '0')}`;
}

const value = (max: number) =>
  fc.oneof({ weight: 8, arbitrary: fc.nat(max) }, { weight: 1, arbitrary: fc.maxSafeNat() });

const rec: fc.Arbitrary<Rec> = fc.record({
  ts: fc.oneof(
    { weight: 20, arbitrary: fc.integer({ min: DAY0, max: DAY0 + 3 * 86400 - 1 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, 22, 4102444799) },
  ),
  tsUs: fc.nat(999_999),
  orig: fc.constantFrom(...ORIGS),
  durationUs: fc.oneof(
    { weight: 8, arbitrary: fc.nat(100_000_000) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 2 ** 32 * 1e6 - 1 }) },
  ),
  packets: value(10_000),
  bytes: value(10_000_000),
  connect: fc.boolean(),
});

/** The cells of a record in each format (a header line first), as the tools write them. */
function zeekCells(r: Rec, k: number): string[] {
  const cell: Record<string, string> = {
    ts: `${r.ts}.${String(r.tsUs).padStart(6, '0')}`,
    uid: `C${k}x`,
    'id.orig_h': r.orig,
    'id.orig_p': String(40000 + (k % 20000)),
    'id.resp_h': HP,
    'id.resp_p': '22',
    proto: 'tcp',
    service: '-',
    duration: seconds(r.durationUs),
    orig_pkts: String(r.packets),
    orig_ip_bytes: String(r.bytes),
    conn_state: 'S0',
    history: 'S',
    tunnel_parents: '(empty)',
  };
  return ZEEK_FIELDS.map((f) => cell[f] ?? '0');
}
const TSV_HEAD = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
  '#open\t2024-01-01-00-00-00',
  `#fields\t${ZEEK_FIELDS.join('\t')}`,
  `#types\t${ZEEK_FIELDS.map(() => 'string').join('\t')}`,
];

const JSON_KEYS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'duration',
  'orig_pkts',
  'orig_ip_bytes',
];
function jsonCells(r: Rec, k: number): string[] {
  return [
    `${r.ts}.${String(r.tsUs).padStart(6, '0')}`,
    `"C${k}"`,
    `"${r.orig}"`,
    String(40000 + k),
    `"${HP}"`,
    '23',
    JSON.stringify(r.durationUs / 1e6),
    String(r.packets),
    String(r.bytes),
  ];
}
const jsonLine = (cells: string[]) =>
  `{${cells.map((c, i) => `"${JSON_KEYS[i] ?? `x${i}`}":${c === '' ? '""' : c}`).join(',')}}`;

const ARGUS_HEAD =
  'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,TotPkts,TotBytes,SrcBytes,SrcPkts,Label';
function argusCells(r: Rec, k: number): string[] {
  return [
    `${argusTime(r.ts).slice(0, -6)}${String(r.tsUs).padStart(6, '0')}`,
    seconds(r.durationUs),
    k % 5 === 0 ? 'icmp' : 'tcp',
    r.orig,
    k % 5 === 0 ? '0x0008' : String(40000 + k),
    '   ->',
    HP,
    k % 5 === 0 ? '0x0000' : '22',
    'S_',
    '9',
    '999',
    String(r.bytes),
    String(r.packets),
    '',
  ];
}

const COWRIE_KEYS = ['eventid', 'src_ip', 'src_port', 'timestamp', 'duration', 'session'];
function cowrieCells(r: Rec, k: number): string[] {
  const iso = new Date((r.ts + r.tsUs / 1e6) * 1000).toISOString();
  return [
    r.connect ? '"cowrie.session.connect"' : '"cowrie.session.closed"',
    `"${r.orig}"`,
    String(40000 + k),
    `"${iso}"`,
    r.connect ? '0' : JSON.stringify(r.durationUs / 1e6),
    `"s${k}"`,
  ];
}
const cowrieLine = (cells: string[]) =>
  `{${cells
    .map((c, i) =>
      i === 4 && cells[0] === '"cowrie.session.connect"'
        ? ''
        : `"${COWRIE_KEYS[i] ?? `x${i}`}":${c === '' ? '""' : c}`,
    )
    .filter((x) => x !== '')
    .join(',')}}`;

/** AIP: one table for 2024-01-02, a row per distinct canonical IP of the records. */
function aipRows(recs: Rec[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const r of recs) {
    const ip = rfc5952(r.orig);
    if (seen.has(ip)) continue;
    seen.add(ip);
    out.push([ip, String(r.packets % 1000), seconds(r.durationUs), String(r.packets), String(r.bytes)]);
  }
  return out;
}

interface Input {
  format: Format;
  /** Lines of the file, header lines first. */
  lines: string[];
  /** Header lines at the top (a mutation of those may make a file-level error). */
  header: number;
}

function makeInput(format: Format, recs: Rec[], cellsEdit?: (cells: string[][]) => void): Input {
  switch (format) {
    case 'tsv': {
      const cells = recs.map(zeekCells);
      cellsEdit?.(cells);
      return { format, lines: [...TSV_HEAD, ...cells.map((c) => c.join('\t'))], header: TSV_HEAD.length };
    }
    case 'json': {
      const cells = recs.map(jsonCells);
      cellsEdit?.(cells);
      return { format, lines: cells.map(jsonLine), header: 0 };
    }
    case 'argus': {
      const cells = recs.map(argusCells);
      cellsEdit?.(cells);
      return { format, lines: [ARGUS_HEAD, ...cells.map((c) => c.join(','))], header: 1 };
    }
    case 'cowrie': {
      const cells = recs.map(cowrieCells);
      cellsEdit?.(cells);
      return { format, lines: cells.map(cowrieLine), header: 0 };
    }
    case 'aip': {
      const cells = aipRows(recs);
      cellsEdit?.(cells);
      return {
        format,
        lines: ['orig,flows,duration,packets,bytes', ...cells.map((c) => c.join(','))],
        header: 1,
      };
    }
  }
}

const FILE_NAME: Record<Format, string> = {
  tsv: 'conn.log',
  json: 'conn.log',
  argus: 'flows.binetflow',
  cowrie: 'cowrie.json',
  aip: 'attacks.2024-01-02.csv',
};
const INGEST_FORMAT: Record<Format, string> = {
  tsv: 'zeek',
  json: 'zeek',
  argus: 'argus',
  cowrie: 'cowrie',
  aip: 'aip',
};

/** Values no field should take quietly. */
const NASTY = [
  '',
  '-',
  '0',
  '-1',
  '-0',
  '1.5',
  '0.5',
  '2.0',
  '1e3',
  '1e308',
  '1e-7',
  '1e999',
  'Infinity',
  '-Infinity',
  'NaN',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '99999999999999999',
  '1e20',
  '18446744073709551615',
  '4102444800',
  '65535',
  '65536',
  '99999',
  '0x10',
  '0x10000',
  ' 5',
  'abc',
  'null',
  '"5"',
  '"abc"',
  'fe80::1%eth0',
  '"fe80::1%eth0"',
  '10.0.0.300',
  '2001:DB8::1',
  '"2001:DB8::1"',
  '%',
  '\t',
  ',',
  '"',
  '{',
];

type Mutation =
  | { kind: 'cell'; row: number; col: number; hot: boolean; token: string }
  | {
      kind: 'line';
      op: 'drop' | 'double' | 'extra' | 'short' | 'cut' | 'garbage' | 'flip';
      row: number;
      n: number;
      text: string;
    };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('cell' as const),
      row: fc.nat(),
      col: fc.nat(),
      hot: fc.boolean(),
      token: fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...NASTY) },
        { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('line' as const),
      op: fc.constantFrom('drop', 'double', 'extra', 'short', 'cut', 'garbage', 'flip'),
      row: fc.nat(),
      n: fc.nat(),
      text: fc.string({ maxLength: 30 }),
    }),
  },
);

/** The cells of each format whose values are summed, checked or turned into days (a mutation hits them half the time). */
const HOT: Record<Format, number[]> = {
  tsv: [
    'ts',
    'id.orig_h',
    'id.orig_p',
    'id.resp_h',
    'id.resp_p',
    'duration',
    'orig_pkts',
    'orig_ip_bytes',
  ].map((f) => ZEEK_FIELDS.indexOf(f as (typeof ZEEK_FIELDS)[number])),
  json: [0, 2, 3, 4, 5, 6, 7, 8],
  argus: [0, 1, 3, 4, 7, 11, 12],
  cowrie: [1, 2, 3, 4],
  aip: [0, 1, 2, 3, 4],
};

/** The input with its mutations: cells first (by record), then lines (header lines included, now and then). */
function mutate(format: Format, recs: Rec[], mutations: Mutation[]): Input {
  const input = makeInput(format, recs, (cells) => {
    for (const m of mutations) {
      if (m.kind !== 'cell' || cells.length === 0) continue;
      const row = cells[m.row % cells.length]!;
      const hot = HOT[format];
      row[m.hot ? hot[m.col % hot.length]! : m.col % row.length] = m.token;
    }
  });
  const lines = input.lines;
  for (const m of mutations) {
    if (m.kind !== 'line' || lines.length === 0) continue;
    // Mostly data lines; a header line one time in eight.
    const first = m.n % 8 === 0 ? 0 : Math.min(input.header, lines.length - 1);
    const at = first + (m.row % (lines.length - first));
    const line = lines[at]!;
    const sep = format === 'tsv' ? '\t' : ',';
    if (m.op === 'drop') lines.splice(at, 1);
    else if (m.op === 'double') lines.splice(at, 0, line);
    else if (m.op === 'extra') lines[at] = `${line}${sep}${m.text}`;
    else if (m.op === 'short') lines[at] = line.slice(0, Math.max(0, line.lastIndexOf(sep)));
    else if (m.op === 'cut') lines[at] = line.slice(0, m.n % (line.length + 1));
    else if (m.op === 'garbage') lines.splice(at, 0, m.text);
    else {
      const p = m.n % Math.max(1, line.length);
      lines[at] =
        line.slice(0, p) + String.fromCharCode(line.charCodeAt(p) ^ (1 + (m.n % 127))) + line.slice(p + 1);
    }
  }
  return input;
}

/** Writes the input (and a honeypot list) and ingests it; the result or the error. */
async function run(input: Input, onError: 'skip' | 'fail', dir: string) {
  const path = await put(join(dir, 'in', FILE_NAME[input.format]), `${input.lines.join('\n')}\n`);
  const honeypots = await put(
    join(dir, 'honeypots.csv'),
    `public_ip,operation_start_date,operation_end_date\n${HP},1970-01-01,\n`,
  );
  const out = join(dir, `out-${onError}`);
  try {
    const { manifest } = await ingest({
      format: INGEST_FORMAT[input.format],
      inputs: [path],
      honeypots,
      out,
      onError,
      workers: 1,
    });
    return { ok: true as const, out, manifest, path };
  } catch (error) {
    return { ok: false as const, error, path };
  }
}

/** Day files of a dataset folder, name → bytes. */
async function dayFiles(out: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const name of (await readdir(out)).sort())
    if (/^attacks\..*\.csv\.gz$/.test(name)) files.set(name, await readFile(join(out, name)));
  return files;
}

/** An error that ingest may throw for this input: a DataError, located, and with `skip` a file-level or sum error. */
function expectAllowedError(error: unknown, input: Input, path: string, onError: 'skip' | 'fail'): void {
  if (!(error instanceof DataError)) throw error;
  expect(error.message).not.toContain('\n');
  expect(error.file).toBeDefined();
  if (onError === 'fail' || input.format === 'aip') return;
  // With skip, a bad record is never an error: only a sum a day table cannot hold, or a file-level problem (a header
  // broken by a mutation, or a line that became one: `#fields` without ts, an odd `#separator`).
  const sum = /would sum past 2\^53/.test(error.message);
  const fileLevel = /#fields lacks|unsupported #separator|header lacks|gzip/.test(error.message);
  expect(sum || fileLevel, error.message).toBe(true);
  expect(error.file).toBe(path);
}

/** Every day table written is read back; ingesting the dataset with the aip format gives the same day files. */
async function expectRoundTrip(out: string, dir: string): Promise<void> {
  const files = await dayFiles(out);
  for (const name of files.keys()) await readDayTableFile(join(out, name), name.slice(8, 18));
  if (files.size === 0) return;
  const again = join(dir, 'again');
  await ingest({ format: 'aip', inputs: [out], out: again });
  const back = await dayFiles(again);
  expect([...back.keys()]).toEqual([...files.keys()]);
  for (const [name, bytes] of files) expect(back.get(name)!.equals(bytes), name).toBe(true);
}

const FORMATS: Format[] = ['tsv', 'json', 'argus', 'cowrie', 'aip'];

describe('fuzz: ingest readers on random and mutated input', () => {
  it.each(FORMATS)(
    '%s: never crashes; what it writes reads back and re-ingests as aip unchanged',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(rec, { minLength: 1, maxLength: 25 }),
          fc.array(mutation, { maxLength: 6 }),
          async (recs, mutations) => {
            const dir = await tmp.make();
            const input = mutate(format, recs, mutations);
            for (const onError of ['skip', 'fail'] as const) {
              const r = await run(input, onError, dir);
              if (!r.ok) expectAllowedError(r.error, input, r.path, onError);
              else if (onError === 'skip') await expectRoundTrip(r.out, dir);
            }
            await tmp.cleanupAll();
          },
        ),
        { seed: 12_000 + FORMATS.indexOf(format), numRuns: fuzzRuns(40) },
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------

interface Sums {
  flows: bigint;
  us: bigint;
  packets: bigint;
  bytes: bigint;
}

/**
 * The brute-force day tables of valid records (date → canonical IP → sums), or the line and column of the record
 * whose sum first passes what a day table holds (columns checked in the order flows, duration, packets, bytes).
 */
function bruteForce(
  format: Format,
  input: Input,
  recs: Rec[],
): { days: Map<string, Map<string, Sums>> } | { line: number; column: number } {
  const days = new Map<string, Map<string, Sums>>();
  for (let k = 0; k < recs.length; k++) {
    const r = recs[k]!;
    const date = new Date(r.ts * 1000).toISOString().slice(0, 10);
    const day = days.get(date) ?? new Map<string, Sums>();
    days.set(date, day);
    const ip = rfc5952(r.orig);
    const s = day.get(ip) ?? { flows: 0n, us: 0n, packets: 0n, bytes: 0n };
    let add: Sums;
    if (format === 'cowrie') {
      const length = BigInt(Buffer.byteLength(input.lines[k]!));
      add = {
        flows: r.connect ? 1n : 0n,
        us: r.connect ? 0n : BigInt(r.durationUs),
        packets: 1n,
        bytes: length,
      };
    } else add = { flows: 1n, us: BigInt(r.durationUs), packets: BigInt(r.packets), bytes: BigInt(r.bytes) };
    const next = {
      flows: s.flows + add.flows,
      us: s.us + add.us,
      packets: s.packets + add.packets,
      bytes: s.bytes + add.bytes,
    };
    const over = [
      next.flows > MAX_COUNT,
      next.us > MAX_DURATION_US,
      next.packets > MAX_COUNT,
      next.bytes > MAX_COUNT,
    ].indexOf(true);
    if (over >= 0) return { line: input.header + k + 1, column: over };
    day.set(ip, next);
  }
  return { days };
}

const SUM_FIELDS: Record<Format, (string | undefined)[]> = {
  tsv: [undefined, 'duration', 'orig_pkts', 'orig_ip_bytes'],
  json: [undefined, 'duration', 'orig_pkts', 'orig_ip_bytes'],
  argus: [undefined, 'Dur', 'SrcPkts', 'SrcBytes'],
  cowrie: [undefined, 'duration', undefined, undefined],
  aip: [],
};

describe('fuzz: valid records are all counted', () => {
  it.each(['tsv', 'json', 'argus', 'cowrie'] as const)(
    '%s: the day tables are the exact sums (BigInt, whole µs), or a sum past 2^53 is an error at its record',
    async (format) => {
      await fc.assert(
        fc.asyncProperty(fc.array(rec, { minLength: 1, maxLength: 40 }), async (recs) => {
          const dir = await tmp.make();
          // Relative times (ts 0, 22) and the last second of 2099 are in the domain, but keep the span short.
          const input = makeInput(format, recs);
          const want = bruteForce(format, input, recs);
          const r = await run(input, 'skip', dir);
          if ('line' in want) {
            expect(r.ok, 'a sum past 2^53 must fail').toBe(false);
            const e = (r as { error: unknown }).error as DataError;
            expect(e).toBeInstanceOf(DataError);
            expect([e.file, e.line, e.field]).toEqual([r.path, want.line, SUM_FIELDS[format][want.column]]);
            await tmp.cleanupAll();
            return;
          }
          if (!r.ok) throw r.error;
          expect(r.manifest.skipped.malformed).toEqual({});
          const files = await dayFiles(r.out);
          for (const [name, gz] of files) {
            const date = name.slice(8, 18);
            const rows = gunzipSync(gz).toString('utf8').trimEnd().split('\n').slice(1);
            const got = new Map(rows.map((line) => [line.split(',')[0]!, line.split(',').slice(1)]));
            const day = want.days.get(date) ?? new Map<string, Sums>();
            expect([...got.keys()].sort()).toEqual([...day.keys()].sort());
            for (const [ip, s] of day) {
              const [flows, duration, packets, bytes] = got.get(ip)!;
              expect([BigInt(flows!), BigInt(packets!), BigInt(bytes!)], `${date} ${ip}`).toEqual([
                s.flows,
                s.packets,
                s.bytes,
              ]);
              // The day table holds µs / 10^6 s, written to the µs.
              expect(Number(duration), `${date} ${ip} duration`).toBe(Number(s.us) / 1e6);
            }
          }
          await tmp.cleanupAll();
        }),
        { seed: 12_100 + FORMATS.indexOf(format), numRuns: fuzzRuns(25) },
      );
    },
  );

  it('tsv split over files read by 1 and by 3 workers: the same day files (sums in µs, whatever the split)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rec, { minLength: 3, maxLength: 60 }), fc.nat(), async (recs, cut) => {
        const dir = await tmp.make();
        // Durations with many µs digits, whose double sums would depend on the order.
        const parts = [
          recs.slice(0, 1 + (cut % (recs.length - 2))),
          recs.slice(1 + (cut % (recs.length - 2))),
        ];
        parts.push(parts[1]!.splice(0, Math.ceil(parts[1]!.length / 2)));
        const paths = await Promise.all(
          parts.map((p, k) =>
            put(join(dir, 'in', `conn.${k}.log`), `${makeInput('tsv', p).lines.join('\n')}\n`),
          ),
        );
        const honeypots = await put(join(dir, 'hp.csv'), `${HP},1970-01-01,\n`);
        const outs: Map<string, Buffer>[] = [];
        for (const workers of [1, 3]) {
          const out = join(dir, `out-${workers}`);
          try {
            await ingest({ format: 'zeek', inputs: paths, honeypots, out, workers });
          } catch (error) {
            // A sum past 2^53 fails with any number of workers.
            expect(error).toBeInstanceOf(DataError);
            expect((error as Error).message).toMatch(/would sum past 2\^53/);
            outs.push(new Map());
            continue;
          }
          outs.push(await dayFiles(out));
        }
        expect([...outs[1]!.keys()]).toEqual([...outs[0]!.keys()]);
        for (const [name, bytes] of outs[0]!) expect(outs[1]!.get(name)!.equals(bytes), name).toBe(true);
        await tmp.cleanupAll();
      }),
      { seed: 12_200, numRuns: fuzzRuns(4) },
    );
  });
});
