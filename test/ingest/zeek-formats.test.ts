/**
 * Zeek TSV / JSON and Argus inputs through the public `ingest` API. Every expected row is written by hand below (or,
 * where noted, cross-checked with the brute-force reference in ingest-helpers.ts); none is copied from the program.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type IngestOptions, ingest, openDataset } from '../../src/index.js';
import {
  argusTime,
  compareIp,
  DAY_HEADER,
  expectRows,
  type Flow,
  type HoneypotSpec,
  honeypotCsv,
  put,
  type Row,
  readDayFile,
  reference,
  row,
  snapshotFolder,
  tempFolders,
  utc,
  ZEEK_FIELDS,
  zeekJson,
  zeekTsv,
} from './ingest-helpers.js';

const tmp = tempFolders();
afterAll(() => tmp.cleanupAll());

const NOT_HONEYPOT = 'responder is not a listed honeypot';
const FROM_HONEYPOT = 'originated by a honeypot';
const INACTIVE = 'honeypot outside its operation dates';
const OUTSIDE = 'outside --from/--to';

async function ingestTo(
  dir: string,
  inputs: string[],
  options: Partial<IngestOptions> = {},
): Promise<{
  out: string;
  manifest: Awaited<ReturnType<typeof ingest>>['manifest'];
}> {
  const out = join(dir, options.out ?? 'dataset');
  const { manifest } = await ingest({
    format: 'zeek',
    inputs,
    ...options,
    out,
  });
  return { out, manifest };
}

async function dayRows(out: string, date: string): Promise<Row[]> {
  return readDayFile(join(out, `attacks.${date}.csv.gz`));
}

// ---------------------------------------------------------------------------------------------------------------
// One day, one honeypot list, eight flows: the expected table is worked out by hand.

const D = '2024-01-02';
const T0 = utc(D);
/** The IPv6 honeypot is written non-canonically (upper case, leading zeros); Zeek writes `2001:db8::1`. */
const BASE_HONEYPOTS: HoneypotSpec[] = [
  { ip: '198.51.100.1', start: '2023-12-01' },
  { ip: '2001:0DB8:0000:0000::0001', start: '2023-12-01' },
];
const BASE: Flow[] = [
  {
    ts: T0 + 100,
    orig: '10.0.0.1',
    resp: '198.51.100.1',
    duration: 1.5,
    pkts: 3,
    bytes: 180,
  },
  {
    ts: T0 + 200,
    orig: '10.0.0.1',
    resp: '198.51.100.1',
    duration: null,
    pkts: null,
    bytes: null,
  },
  {
    ts: T0 + 300,
    orig: '9.0.0.1',
    resp: '198.51.100.1',
    duration: 0.25,
    pkts: 1,
    bytes: 60,
  },
  {
    ts: T0 + 400,
    orig: '2001:db8:ffff::2',
    resp: '2001:db8::1',
    duration: 2,
    pkts: 5,
    bytes: 400,
  },
  {
    ts: T0 + 500,
    orig: '203.0.113.5',
    resp: '192.0.2.99',
    duration: 9,
    pkts: 9,
    bytes: 900,
  },
  {
    ts: T0 + 600,
    orig: '198.51.100.1',
    resp: '10.0.0.1',
    duration: 4,
    pkts: 4,
    bytes: 400,
  },
  {
    ts: T0 + 700,
    orig: '2001:db8:ffff::2',
    resp: '2001:db8::1',
    duration: 0.125,
    pkts: null,
    bytes: 80,
  },
  {
    ts: T0 + 800,
    orig: '100.64.0.1',
    resp: '198.51.100.1',
    duration: 0.000001,
    pkts: 1,
    bytes: 40,
  },
];
/** By hand: flows 1+2 for 10.0.0.1, 3 for 9.0.0.1, 4+7 for the IPv6 attacker, 8 for 100.64.0.1; 5 and 6 dropped. */
const BASE_ROWS: Row[] = [
  row('9.0.0.1', 1, 0.25, 1, 60),
  row('10.0.0.1', 2, 1.5, 3, 180),
  row('100.64.0.1', 1, 0.000001, 1, 40),
  row('2001:db8:ffff::2', 2, 2.125, 5, 480),
];
const BASE_DROPPED = { [NOT_HONEYPOT]: 1, [FROM_HONEYPOT]: 1 };

const REVERSED = [...ZEEK_FIELDS].reverse();
const SHUFFLED = ['orig_ip_bytes', 'proto', 'id.resp_h', 'ts', 'duration', 'uid', 'orig_pkts', 'id.orig_h'];
const SHUFFLED_FULL = [
  'history',
  'id.resp_h',
  'orig_pkts',
  'uid',
  'tunnel_parents',
  'ts',
  'resp_bytes',
  'id.orig_p',
  'orig_ip_bytes',
  'service',
  'id.orig_h',
  'duration',
  'proto',
  'id.resp_p',
  'conn_state',
];

/** [case, file name, content] — all encode BASE. */
const TSV_VARIANTS: [string, string, string | Buffer][] = [
  ['standard Zeek column order', 'conn.log', zeekTsv(BASE)],
  ['reversed #fields order', 'conn.log', zeekTsv(BASE, { fields: REVERSED })],
  ['only the needed columns, shuffled', 'conn.log', zeekTsv(BASE, { fields: SHUFFLED })],
  ['many columns, shuffled', 'conn.log', zeekTsv(BASE, { fields: SHUFFLED_FULL })],
  ['no #close footer', 'conn.log', zeekTsv(BASE, { close: false })],
  ['stray tab before #separator', 'conn.log', zeekTsv(BASE, { leadingTab: true })],
  ['CRLF line endings', 'conn.log', zeekTsv(BASE, { eol: '\r\n' })],
  ['last record without newline', 'conn.log', zeekTsv(BASE, { close: false, finalNewline: false })],
  ['#close without newline', 'conn.log', zeekTsv(BASE, { finalNewline: false })],
  [
    'CRLF, stray tab, shuffled, no final newline',
    'conn.log',
    zeekTsv(BASE, {
      eol: '\r\n',
      leadingTab: true,
      fields: SHUFFLED,
      finalNewline: false,
    }),
  ],
  [
    'two header blocks, the second in another column order',
    'conn.log',
    zeekTsv(BASE.slice(0, 3)) + zeekTsv(BASE.slice(3), { fields: SHUFFLED_FULL, first: 3 }),
  ],
  [
    'three header blocks, CRLF',
    'conn.log',
    zeekTsv(BASE.slice(0, 2), { eol: '\r\n' }) +
      zeekTsv(BASE.slice(2, 5), { fields: REVERSED, first: 2, eol: '\r\n' }) +
      zeekTsv(BASE.slice(5), { fields: SHUFFLED, first: 5, eol: '\r\n' }),
  ],
  ['gzip', 'conn.log.gz', zeekTsv(BASE)],
  ['gzip, any name', 'anything.txt', gzipSync(zeekTsv(BASE, { fields: REVERSED }))],
  ['Zeek JSON, epoch ts', 'conn.log', zeekJson(BASE)],
  ['Zeek JSON, ISO 8601 ts', 'conn.log', zeekJson(BASE, (f) => new Date(f.ts * 1000).toISOString())],
  ['Zeek JSON, gzip', 'conn.log.gz', zeekJson(BASE)],
];

describe('Zeek conn logs: one day by hand', () => {
  it('the hand-made expectation agrees with the brute-force reference', () => {
    const ref = reference(BASE, BASE_HONEYPOTS);
    expect([...ref.days.keys()]).toEqual([D]);
    expect(ref.days.get(D)).toEqual(BASE_ROWS);
    expect(ref.dropped).toEqual(BASE_DROPPED);
  });

  it.each(TSV_VARIANTS)('%s', async (_name, file, content) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(BASE_HONEYPOTS));
    const input = join(dir, file);
    // put() gzips by name; a pre-gzipped Buffer is written as it is under any name.
    await put(input, content);
    const { out, manifest } = await ingestTo(dir, [input], { honeypots: hp });
    expect(manifest.days.map((d) => d.date)).toEqual([D]);
    expect(manifest.missingDays).toEqual([]);
    expect(manifest.from).toBe(D);
    expect(manifest.to).toBe(D);
    expect(manifest.records).toBe(8);
    expect(manifest.attackFlows).toBe(6);
    expect(manifest.days[0]!.rows).toBe(4);
    expect(manifest.days[0]!.flows).toBe(6);
    expect(manifest.skipped.dropped).toEqual(BASE_DROPPED);
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.warnings.filter((w) => !w.includes('column'))).toEqual([]);
    expectRows(await dayRows(out, D), BASE_ROWS);
    // The dataset API reads the same table.
    const ds = await openDataset(out);
    const table = await ds.readDayTable(D);
    expect(table.ip).toEqual(BASE_ROWS.map((r) => r.ip));
    expect([...table.flows]).toEqual(BASE_ROWS.map((r) => r.flows));
    expect([...table.bytes]).toEqual(BASE_ROWS.map((r) => r.bytes));
  });

  it('a file with only the six needed columns and no optional column warns and counts 0', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(BASE_HONEYPOTS));
    const input = await put(
      join(dir, 'conn.log'),
      zeekTsv(BASE, { fields: ['ts', 'id.orig_h', 'id.resp_h', 'orig_pkts'] }),
    );
    const { out, manifest } = await ingestTo(dir, [input], { honeypots: hp });
    // No duration or orig_ip_bytes column: both sum to 0; packets as in BASE_ROWS.
    expectRows(
      await dayRows(out, D),
      BASE_ROWS.map((r) => ({ ...r, duration: 0, bytes: 0 })),
    );
    expect(manifest.warnings.some((w) => w.includes('duration') && w.includes('orig_ip_bytes'))).toBe(true);
  });

  it('(empty) and - in the columns AIP does not use change nothing; - in the used ones is 0', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), '198.51.100.1,2020-01-01,\n');
    const fields = [
      'ts',
      'uid',
      'id.orig_h',
      'id.resp_h',
      'service',
      'duration',
      'orig_pkts',
      'orig_ip_bytes',
      'tunnel_parents',
    ];
    const lines = [
      '#separator \\x09',
      '#empty_field\t(empty)',
      '#unset_field\t-',
      `#fields\t${fields.join('\t')}`,
      `${T0 + 1}\tC1\t10.0.0.1\t198.51.100.1\t(empty)\t-\t-\t-\t(empty)`,
      `${T0 + 2}\tC2\t10.0.0.1\t198.51.100.1\t-\t3.5\t-\t70\t-`,
      `${T0 + 3}\tC3\t10.0.0.1\t198.51.100.1\tssh\t-\t7\t-\tCa,Cb`,
      '#close\t2024-01-03-00-00-00',
    ];
    const input = await put(join(dir, 'conn.log'), `${lines.join('\n')}\n`);
    const { out } = await ingestTo(dir, [input], { honeypots: hp });
    // flows 3; duration 0 + 3.5 + 0; packets 0 + 0 + 7; bytes 0 + 70 + 0.
    expectRows(await dayRows(out, D), [row('10.0.0.1', 3, 3.5, 7, 70)]);
  });

  it('plain and gzip inputs give byte-identical day tables', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(BASE_HONEYPOTS));
    const plain = await put(join(dir, 'p', 'conn.log'), zeekTsv(BASE));
    const gz = await put(join(dir, 'g', 'conn.log.gz'), zeekTsv(BASE));
    const a = await ingestTo(dir, [plain], { honeypots: hp, out: 'a' });
    const b = await ingestTo(dir, [gz], { honeypots: hp, out: 'b' });
    const fa = await readFile(join(a.out, `attacks.${D}.csv.gz`));
    const fb = await readFile(join(b.out, `attacks.${D}.csv.gz`));
    expect(fb.equals(fa)).toBe(true);
    expect(a.manifest.days).toEqual(b.manifest.days);
    // The inputs differ as stored (their sha256 is of the file on disk) but hold the same text.
    expect(a.manifest.inputs[0]!.sha256).not.toBe(b.manifest.inputs[0]!.sha256);
    expect(a.manifest.inputs[0]!.lines).toBe(b.manifest.inputs[0]!.lines);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('UTC days', () => {
  it('records are split by the UTC date of ts, whatever their duration', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), '198.51.100.1,2020-01-01,\n');
    const midnight = utc('2024-01-02');
    const flows: Flow[] = [
      // 23:00 on the 1st, lasting two hours: all of it on the 1st (the day of ts).
      {
        ts: midnight - 3600,
        orig: '10.0.0.1',
        resp: '198.51.100.1',
        duration: 7200,
        pkts: 10,
        bytes: 1000,
      },
      // 23:59:59.999 on the 1st.
      {
        ts: midnight - 0.001,
        orig: '10.0.0.1',
        resp: '198.51.100.1',
        duration: 0.5,
        pkts: 1,
        bytes: 40,
      },
      // exactly midnight: the 2nd.
      {
        ts: midnight,
        orig: '10.0.0.1',
        resp: '198.51.100.1',
        duration: 0.25,
        pkts: 2,
        bytes: 80,
      },
      {
        ts: midnight + 86399.5,
        orig: '10.0.0.2',
        resp: '198.51.100.1',
        duration: 1,
        pkts: 1,
        bytes: 60,
      },
      // 00:00:00.5 on the 3rd.
      {
        ts: midnight + 86400.5,
        orig: '10.0.0.2',
        resp: '198.51.100.1',
        duration: 2,
        pkts: 3,
        bytes: 90,
      },
    ];
    const input = await put(join(dir, 'conn.log'), zeekTsv(flows));
    const { out, manifest } = await ingestTo(dir, [input], { honeypots: hp });
    expect(manifest.days.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expectRows(await dayRows(out, '2024-01-01'), [row('10.0.0.1', 2, 7200.5, 11, 1040)]);
    expectRows(await dayRows(out, '2024-01-02'), [
      row('10.0.0.1', 1, 0.25, 2, 80),
      row('10.0.0.2', 1, 1, 1, 60),
    ]);
    expectRows(await dayRows(out, '2024-01-03'), [row('10.0.0.2', 1, 2, 3, 90)]);
  });

  it('Zeek JSON: epoch and ISO 8601 ts (Z, offset, no zone), missing optional fields, extra fields', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), '198.51.100.1,2020-01-01,\n');
    const lines = [
      // 2024-01-02 03:04:05.123456Z with everything.
      {
        ts: '2024-01-02T03:04:05.123456Z',
        'id.orig_h': '10.0.0.1',
        'id.resp_h': '198.51.100.1',
        duration: 1.25,
        orig_pkts: 2,
        orig_ip_bytes: 100,
      },
      // epoch float, 2024-01-02 00:00:01.5, no duration / orig_pkts / orig_ip_bytes at all.
      {
        ts: utc('2024-01-02') + 1.5,
        'id.orig_h': '10.0.0.1',
        'id.resp_h': '198.51.100.1',
      },
      // 00:30 at +01:00 is 23:30 UTC on the 1st.
      {
        ts: '2024-01-02T00:30:00+01:00',
        'id.orig_h': '10.0.0.1',
        'id.resp_h': '198.51.100.1',
        duration: 4,
        orig_pkts: 1,
        orig_ip_bytes: 50,
      },
      // no zone: UTC, the 2nd; extra fields of every kind are ignored.
      {
        ts: '2024-01-02T12:00:00',
        'id.orig_h': '10.0.0.2',
        'id.resp_h': '198.51.100.1',
        duration: 0.5,
        orig_pkts: 3,
        orig_ip_bytes: 150,
        orig_l2_addr: 'c4:23:60:3d:fd:d3',
        community_id: '1:abc=',
        tunnel_parents: [],
        extra: { nested: [1, 2, 3] },
        resp_pkts: 99,
        resp_ip_bytes: 9999,
      },
      // epoch as a numeric string, the 1st.
      {
        ts: String(utc('2024-01-01', '10:00:00')),
        'id.orig_h': '10.0.0.2',
        'id.resp_h': '198.51.100.1',
        orig_pkts: 5,
      },
    ];
    const input = await put(join(dir, 'conn.log'), lines.map((l) => JSON.stringify(l)).join('\n'));
    const { out, manifest } = await ingestTo(dir, [input], { honeypots: hp });
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.days.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-02']);
    expectRows(await dayRows(out, '2024-01-01'), [row('10.0.0.1', 1, 4, 1, 50), row('10.0.0.2', 1, 0, 5, 0)]);
    expectRows(await dayRows(out, '2024-01-02'), [
      row('10.0.0.1', 2, 1.25, 2, 100),
      row('10.0.0.2', 1, 0.5, 3, 150),
    ]);
  });

  it('non-canonical IPv6 in JSON from other tools is matched and merged by canonical form', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), '2001:db8::1,2020-01-01,\n2001:db8::2,2020-01-01,\n');
    const t = utc(D, '01:00:00');
    const flows: Flow[] = [
      {
        ts: t,
        orig: '2001:db8:ffff::2',
        resp: '2001:db8::1',
        duration: 1,
        pkts: 1,
        bytes: 10,
      },
      {
        ts: t + 1,
        orig: '2001:0DB8:FFFF:0:0:0:0:0002',
        resp: '2001:DB8:0:0:0:0:0:1',
        duration: 2,
        pkts: 2,
        bytes: 20,
      },
      {
        ts: t + 2,
        orig: '2001:db8:FFFF::02',
        resp: '2001:0db8::0001',
        duration: 3,
        pkts: 3,
        bytes: 30,
      },
      // A honeypot, written in upper case, talking to the other honeypot: not an attack.
      {
        ts: t + 3,
        orig: '2001:DB8::1',
        resp: '2001:db8::2',
        duration: 4,
        pkts: 4,
        bytes: 40,
      },
    ];
    const input = await put(join(dir, 'conn.log'), zeekJson(flows));
    const { out, manifest } = await ingestTo(dir, [input], { honeypots: hp });
    expectRows(await dayRows(out, D), [row('2001:db8:ffff::2', 3, 6, 6, 60)]);
    expect(manifest.skipped.dropped).toEqual({ [FROM_HONEYPOT]: 1 });
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('row order', () => {
  it('rows are sorted numerically by IP, IPv4 before IPv6', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), '198.51.100.1,2020-01-01,\n2001:db8::1,2020-01-01,\n');
    // By hand: numeric, not text order (9 < 10 < 100; ::9 < ::a < ::10), IPv4 first.
    const expected = [
      '0.0.0.1',
      '1.2.3.4',
      '2.255.255.255',
      '9.0.0.1',
      '10.0.0.1',
      '10.0.0.9',
      '10.0.0.10',
      '100.0.0.1',
      '255.255.255.255',
      '::1',
      '2001:db8::9',
      '2001:db8::a',
      '2001:db8::10',
      '2001:db8:0:0:1::',
      'fe80::1',
    ];
    expect([...expected].sort(compareIp)).toEqual(expected); // the hand order agrees with the reference comparator
    const scrambled = [7, 12, 0, 14, 3, 9, 1, 11, 5, 13, 2, 8, 6, 10, 4].map((k) => expected[k]!);
    const flows: Flow[] = scrambled.map((ip, k) => ({
      ts: T0 + k,
      orig: ip,
      resp: ip.includes(':') ? '2001:db8::1' : '198.51.100.1',
      duration: k,
      pkts: 1,
      bytes: 100 + k,
    }));
    const input = await put(join(dir, 'conn.log'), zeekTsv(flows));
    const { out } = await ingestTo(dir, [input], { honeypots: hp });
    const rows = await dayRows(out, D);
    expect(rows.map((r) => r.ip)).toEqual(expected);
    // Each row kept its own values through the sort.
    for (const r of rows) {
      const k = scrambled.indexOf(r.ip);
      expect([r.flows, r.duration, r.packets, r.bytes]).toEqual([1, k, 1, 100 + k]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Zeek's folder layout: <root>/YYYY-MM-DD/conn.HH:MM:SS-HH:MM:SS.log.gz

const HP = '198.51.100.1';
const LAYOUT_HONEYPOTS: HoneypotSpec[] = [{ ip: HP, start: '2020-01-01' }];
const d1 = utc('2024-01-01');
const d2 = utc('2024-01-02');
const d4 = utc('2024-01-04');
const FLOWS_A: Flow[] = [
  { ts: d1 + 60, orig: '10.0.0.1', resp: HP, duration: 1, pkts: 2, bytes: 100 },
  {
    ts: d1 + 120,
    orig: '10.0.0.2',
    resp: HP,
    duration: 0.5,
    pkts: 1,
    bytes: 40,
  },
  {
    ts: d1 + 180,
    orig: '10.0.0.3',
    resp: '192.0.2.7',
    duration: 3,
    pkts: 3,
    bytes: 300,
  },
];
const FLOWS_B: Flow[] = [
  {
    ts: d1 + 3700,
    orig: '10.0.0.1',
    resp: HP,
    duration: 2,
    pkts: 3,
    bytes: 150,
  },
  {
    ts: d1 + 3800,
    orig: HP,
    resp: '10.0.0.1',
    duration: 1,
    pkts: 1,
    bytes: 60,
  },
];
const FLOWS_DECOY: Flow[] = [
  {
    ts: d2 + 10,
    orig: '10.0.0.1',
    resp: '192.0.2.7',
    duration: 1,
    pkts: 1,
    bytes: 60,
  },
  { ts: d2 + 20, orig: HP, resp: '10.0.0.9', duration: 1, pkts: 1, bytes: 60 },
  {
    ts: d2 + 30,
    orig: '10.0.0.5',
    resp: '192.0.2.8',
    duration: 1,
    pkts: 1,
    bytes: 60,
  },
];
const FLOWS_C: Flow[] = [
  {
    ts: d4 + 5,
    orig: '2001:db8::5',
    resp: HP,
    duration: 0.75,
    pkts: 4,
    bytes: 320,
  },
  {
    ts: d4 + 6,
    orig: '10.0.0.2',
    resp: HP,
    duration: 0.25,
    pkts: 2,
    bytes: 80,
  },
];
/** Conn-like content with attacks in files that are not conn logs: read by mistake, they would add 50.0.0.1. */
const POISON: Flow[] = [{ ts: d1 + 100, orig: '50.0.0.1', resp: HP, duration: 1, pkts: 1, bytes: 1 }];

const DAY1_ROWS = [row('10.0.0.1', 2, 3, 5, 250), row('10.0.0.2', 1, 0.5, 1, 40)];
const DAY4_ROWS = [row('10.0.0.2', 1, 0.25, 2, 80), row('2001:db8::5', 1, 0.75, 4, 320)];

async function makeLayout(dir: string): Promise<string> {
  const root = join(dir, 'zeek');
  await put(join(root, '2024-01-01', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(FLOWS_A));
  await put(join(root, '2024-01-01', 'conn.01:00:00-02:00:00.log.gz'), zeekTsv(FLOWS_B));
  await put(join(root, '2024-01-01', 'dns.00:00:00-01:00:00.log.gz'), zeekTsv(POISON));
  await put(join(root, '2024-01-01', 'conn-summary.00:00:00-01:00:00.log.gz'), zeekTsv(POISON));
  await put(join(root, '2024-01-01', 'conn-summary.log.gz'), zeekTsv(POISON));
  await put(join(root, '2024-01-01', 'weird.log'), zeekTsv(POISON));
  await put(join(root, '2024-01-02', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(FLOWS_DECOY));
  await put(join(root, '2024-01-02', 'notice.00:00:00-01:00:00.log.gz'), zeekTsv(POISON));
  // 2024-01-03: no folder at all.
  await put(join(root, '2024-01-04', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(FLOWS_C));
  // 2024-01-05: a conn log with headers only (Zeek ran, nothing was seen).
  await put(join(root, '2024-01-05', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv([]));
  return root;
}

describe('Zeek day folders', () => {
  it('reads only conn logs; decoy-only and header-only days are empty tables; the gap day is missing', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(LAYOUT_HONEYPOTS));
    const root = await makeLayout(dir);
    const { out, manifest } = await ingestTo(dir, [root], { honeypots: hp });

    expect(manifest.inputs.map((i) => i.path)).toEqual([
      join(root, '2024-01-01', 'conn.00:00:00-01:00:00.log.gz'),
      join(root, '2024-01-01', 'conn.01:00:00-02:00:00.log.gz'),
      join(root, '2024-01-02', 'conn.00:00:00-01:00:00.log.gz'),
      join(root, '2024-01-04', 'conn.00:00:00-01:00:00.log.gz'),
      join(root, '2024-01-05', 'conn.00:00:00-01:00:00.log.gz'),
    ]);
    expect(manifest.days.map((d) => [d.date, d.rows, d.flows])).toEqual([
      ['2024-01-01', 2, 3],
      ['2024-01-02', 0, 0],
      ['2024-01-04', 2, 2],
      ['2024-01-05', 0, 0],
    ]);
    expect(manifest.missingDays).toEqual(['2024-01-03']);
    expect([manifest.from, manifest.to]).toEqual(['2024-01-01', '2024-01-05']);
    expect(manifest.records).toBe(3 + 2 + 3 + 2);
    expect(manifest.attackFlows).toBe(5);
    // A: one to 192.0.2.7; B: one from the honeypot; decoy: two unlisted, one from the honeypot.
    expect(manifest.skipped.dropped).toEqual({
      [NOT_HONEYPOT]: 3,
      [FROM_HONEYPOT]: 2,
    });

    const files = (await readdir(out)).filter((n) => !n.startsWith('.')).sort();
    expect(files).toEqual([
      'attacks.2024-01-01.csv.gz',
      'attacks.2024-01-02.csv.gz',
      'attacks.2024-01-04.csv.gz',
      'attacks.2024-01-05.csv.gz',
      'manifest.json',
    ]);
    expectRows(await dayRows(out, '2024-01-01'), DAY1_ROWS);
    expect(await dayRows(out, '2024-01-02')).toEqual([]);
    expectRows(await dayRows(out, '2024-01-04'), DAY4_ROWS);
    expect(await dayRows(out, '2024-01-05')).toEqual([]);

    const ds = await openDataset(out);
    expect(ds.days).toEqual(['2024-01-01', '2024-01-02', '2024-01-04', '2024-01-05']);
    expect(ds.missingDays).toEqual(['2024-01-03']);
    expect(ds.has('2024-01-02')).toBe(true);
    expect(ds.has('2024-01-03')).toBe(false);
    expect((await ds.readDayTable('2024-01-02')).ip).toEqual([]);
    await expect(ds.readDayTable('2024-01-03')).rejects.toThrow(/missing day/);
  });

  it('the brute-force reference agrees with the hand tables of the layout', () => {
    const ref = reference([...FLOWS_A, ...FLOWS_B, ...FLOWS_DECOY, ...FLOWS_C], LAYOUT_HONEYPOTS);
    expect(ref.days.get('2024-01-01')).toEqual(DAY1_ROWS);
    expect(ref.days.get('2024-01-02')).toEqual([]);
    expect(ref.days.get('2024-01-04')).toEqual(DAY4_ROWS);
    expect(ref.dropped).toEqual({ [NOT_HONEYPOT]: 3, [FROM_HONEYPOT]: 2 });
  });

  // [from, to, days with a table, missing days, records outside the range (counted by hand)]
  const RANGES: [string | undefined, string | undefined, string[], string[], number][] = [
    ['2024-01-02', '2024-01-04', ['2024-01-02', '2024-01-04'], ['2024-01-03'], 5],
    ['2024-01-01', '2024-01-01', ['2024-01-01'], [], 3 + 2],
    ['2024-01-03', '2024-01-06', ['2024-01-04', '2024-01-05'], ['2024-01-03', '2024-01-06'], 5 + 3],
    ['2024-01-04', undefined, ['2024-01-04', '2024-01-05'], [], 8],
    [undefined, '2024-01-02', ['2024-01-01', '2024-01-02'], [], 2],
    ['2023-12-31', '2024-01-01', ['2024-01-01'], ['2023-12-31'], 5],
    ['2024-01-03', '2024-01-03', [], ['2024-01-03'], 10],
  ];

  it.each(RANGES)('--from %s --to %s', async (from, to, days, missing, outside) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(LAYOUT_HONEYPOTS));
    const root = await makeLayout(dir);
    const { out, manifest } = await ingestTo(dir, [root], {
      honeypots: hp,
      from,
      to,
    });
    expect(manifest.days.map((d) => d.date)).toEqual(days);
    expect(manifest.missingDays).toEqual(missing);
    expect(manifest.skipped.dropped[OUTSIDE] ?? 0).toBe(outside);
    expect(manifest.records).toBe(10);
    const ref = reference([...FLOWS_A, ...FLOWS_B, ...FLOWS_DECOY, ...FLOWS_C], LAYOUT_HONEYPOTS, {
      from,
      to,
    });
    expect(manifest.skipped.dropped).toEqual(ref.dropped);
    expect((await readdir(out)).filter((n) => n.startsWith('attacks.')).sort()).toEqual(
      days.map((d) => `attacks.${d}.csv.gz`),
    );
    if (days.includes('2024-01-01')) expectRows(await dayRows(out, '2024-01-01'), DAY1_ROWS);
    if (days.includes('2024-01-04')) expectRows(await dayRows(out, '2024-01-04'), DAY4_ROWS);
  });

  it('a record that arrives after its day was written (out of order) is merged back in', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(LAYOUT_HONEYPOTS));
    const root = join(dir, 'zeek');
    await put(join(root, '2024-01-01', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(FLOWS_A));
    await put(join(root, '2024-01-02', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(FLOWS_DECOY));
    const late: Flow[] = [
      {
        ts: d1 + 80000,
        orig: '10.0.0.1',
        resp: HP,
        duration: 5,
        pkts: 5,
        bytes: 500,
      },
      {
        ts: utc('2024-01-03') + 1,
        orig: '10.0.0.7',
        resp: HP,
        duration: 1,
        pkts: 1,
        bytes: 10,
      },
    ];
    await put(join(root, '2024-01-03', 'conn.00:00:00-01:00:00.log.gz'), zeekTsv(late));
    const { out, manifest } = await ingestTo(dir, [root], { honeypots: hp });
    // Day 1 = FLOWS_A's two attacks + the late one: 10.0.0.1 1+1 flows, 1+5 s, 2+5 packets, 100+500 bytes.
    expectRows(await dayRows(out, '2024-01-01'), [
      row('10.0.0.1', 2, 6, 7, 600),
      row('10.0.0.2', 1, 0.5, 1, 40),
    ]);
    expect(await dayRows(out, '2024-01-02')).toEqual([]);
    expectRows(await dayRows(out, '2024-01-03'), [row('10.0.0.7', 1, 1, 1, 10)]);
    expect(manifest.days.find((d) => d.date === '2024-01-01')!.flows).toBe(3);
  });

  it('ingesting twice gives byte-identical files, manifest included', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(LAYOUT_HONEYPOTS));
    const root = await makeLayout(dir);
    const extra = await put(join(dir, 'extra', 'conn.log'), zeekTsv(BASE, { fields: REVERSED }));
    const a = await ingestTo(dir, [root, extra], { honeypots: hp, out: 'a' });
    const b = await ingestTo(dir, [root, extra], { honeypots: hp, out: 'b' });
    const sa = await snapshotFolder(a.out);
    const sb = await snapshotFolder(b.out);
    expect([...sb.keys()].sort()).toEqual([...sa.keys()].sort());
    // Days 01, 02 (BASE adds to it), 04, 05 and the manifest.
    expect(sa.size).toBe(5);
    for (const [name, bytes] of sa) expect(sb.get(name)!.equals(bytes), name).toBe(true);
    // Re-ingesting into an existing dataset replaces it with the same bytes.
    await ingestTo(dir, [root, extra], { honeypots: hp, out: 'a' });
    const again = await snapshotFolder(a.out);
    for (const [name, bytes] of sa) expect(again.get(name)!.equals(bytes), name).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("AIP's honeypot rule", () => {
  const H1 = '198.51.100.1'; // 2024-01-02 .. 2024-01-03
  const H2 = '198.51.100.2'; // 2024-01-01 .. (still running)
  const H3 = '198.51.100.3'; // 2024-01-01 .. 2024-01-01, then 2024-01-03 ..
  const H6 = '2001:db8::6'; // 2024-01-04 .. 2024-01-04, listed as 2001:DB8:0:0:0:0:0:6
  const honeypots: HoneypotSpec[] = [
    { ip: H1, start: '2024-01-02', end: '2024-01-03' },
    { ip: H2, start: '2024-01-01' },
    { ip: H3, start: '2024-01-01', end: '2024-01-01' },
    { ip: H3, start: '2024-01-03' },
    { ip: '2001:DB8:0:0:0:0:0:6', start: '2024-01-04', end: '2024-01-04' },
  ];
  const at = (date: string, orig: string, resp: string): Flow => ({
    ts: utc(date, '12:00:00'),
    orig,
    resp,
    duration: 1,
    pkts: 2,
    bytes: 100,
  });
  const flows: Flow[] = [
    at('2024-01-01', '10.0.0.1', H1), // inactive: before H1 starts
    at('2024-01-01', '10.0.0.1', H2), // attack
    at('2024-01-01', '10.0.0.2', H3), // attack (first period)
    at('2024-01-01', H2, '10.0.0.1'), // from a honeypot
    at('2024-01-01', '10.0.0.3', '192.0.2.1'), // unlisted
    at('2024-01-02', '10.0.0.1', H1), // attack
    at('2024-01-02', '10.0.0.2', H3), // inactive: between H3's periods
    at('2024-01-02', H1, H2), // from a honeypot (to a honeypot)
    at('2024-01-02', '10.0.0.1', H6), // inactive: before H6 starts
    at('2024-01-03', '10.0.0.1', H1), // attack (H1's last day)
    at('2024-01-03', '10.0.0.2', H3), // attack (second period)
    at('2024-01-03', '10.0.0.4', '198.51.100.4'), // unlisted
    at('2024-01-04', '10.0.0.1', H1), // inactive: after H1 ended
    at('2024-01-04', '2001:db8::99', H6), // attack
    at('2024-01-04', '10.0.0.2', H3), // attack
    at('2024-01-04', H6, '10.0.0.9'), // from a honeypot
    at('2024-01-05', '2001:db8::99', H6), // inactive: after H6 ended
  ];
  const HAND_DROPPED = { [INACTIVE]: 5, [FROM_HONEYPOT]: 3, [NOT_HONEYPOT]: 2 };
  const HAND_DAYS: [string, Row[]][] = [
    ['2024-01-01', [row('10.0.0.1', 1, 1, 2, 100), row('10.0.0.2', 1, 1, 2, 100)]],
    ['2024-01-02', [row('10.0.0.1', 1, 1, 2, 100)]],
    ['2024-01-03', [row('10.0.0.1', 1, 1, 2, 100), row('10.0.0.2', 1, 1, 2, 100)]],
    ['2024-01-04', [row('10.0.0.2', 1, 1, 2, 100), row('2001:db8::99', 1, 1, 2, 100)]],
    ['2024-01-05', []],
  ];

  it('hand counts agree with the brute-force reference', () => {
    const ref = reference(flows, honeypots);
    expect(ref.dropped).toEqual(HAND_DROPPED);
    expect([...ref.days]).toEqual(HAND_DAYS);
  });

  it.each([
    ['Zeek TSV', 'conn.log', () => zeekTsv(flows)],
    ['Zeek JSON', 'conn.log', () => zeekJson(flows)],
  ])('%s: drops are counted by reason and only attacks reach the day tables', async (_n, file, make) => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(honeypots));
    const input = await put(join(dir, file), make());
    const { out, manifest } = await ingestTo(dir, [input], { honeypots: hp });
    expect(manifest.skipped.dropped).toEqual(HAND_DROPPED);
    expect(manifest.records).toBe(17);
    expect(manifest.attackFlows).toBe(7);
    expect(manifest.honeypots!.count).toBe(4); // H3 is one honeypot with two periods
    expect(manifest.days.map((d) => d.date)).toEqual(HAND_DAYS.map(([d]) => d));
    for (const [date, rows] of HAND_DAYS) expectRows(await dayRows(out, date), rows);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('Argus binetflow', () => {
  it('argusTime writes the form ra prints', () => {
    expect(argusTime(utc('2024-01-02', '03:04:05') + 0.123456)).toBe('2024/01/02 03:04:05.123456');
  });

  it('StartTime YYYY/MM/DD hh:mm:ss.ffffff, columns found by the header in any order', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), '198.51.100.1,2020-01-01,\n2001:db8::1,2020-01-01,\n');
    const header =
      'SrcAddr,StartTime,Proto,Sport,Dir,DstAddr,Dport,Dur,State,SrcPkts,TotPkts,SrcBytes,TotBytes,Label';
    const line = (src: string, start: string, dst: string, dur: string, pkts: string, bytes: string) =>
      [
        src,
        start,
        'tcp',
        '5555',
        '   ->',
        dst,
        '22',
        dur,
        'S_',
        pkts,
        '99',
        bytes,
        '9999',
        'flow=Background',
      ].join(',');
    const text = [
      header,
      line('10.0.0.1', '2024/01/01 23:59:59.999999', '198.51.100.1', '1.500000', '3', '180'),
      line('10.0.0.1', '2024/01/02 00:00:00.000001', '198.51.100.1', '0.250000', '1', '60'),
      line('10.0.0.1', '2024/01/02 10:00:00.000000', '198.51.100.1', '0.000000', '2', '120'),
      line('9.0.0.1', '2024/01/02 11:00:00.500000', '198.51.100.1', '63.822830', '15', '1887'),
      line('10.0.0.2', '2024/01/02 12:00:00.000000', '192.0.2.1', '1', '1', '1'),
      line('198.51.100.1', '2024/01/02 12:00:01.000000', '10.0.0.2', '1', '1', '1'),
      line('2001:db8::7', '2024/01/02 13:00:00.000000', '2001:db8::1', '2.5', '4', '400'),
    ].join('\r\n');
    const input = await put(join(dir, 'flows', 'capture.binetflow.gz'), text);
    const { out, manifest } = await ingestTo(dir, [join(dir, 'flows')], {
      format: 'argus',
      honeypots: hp,
    });
    expect(manifest.inputs.map((i) => i.path)).toEqual([input]);
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.skipped.dropped).toEqual({
      [NOT_HONEYPOT]: 1,
      [FROM_HONEYPOT]: 1,
    });
    expect(manifest.days.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-02']);
    expectRows(await dayRows(out, '2024-01-01'), [row('10.0.0.1', 1, 1.5, 3, 180)]);
    expectRows(await dayRows(out, '2024-01-02'), [
      row('9.0.0.1', 1, 63.82283, 15, 1887),
      row('10.0.0.1', 2, 0.25, 3, 180),
      row('2001:db8::7', 1, 2.5, 4, 400),
    ]);
  });

  it('the header block of a stock Argus file (real column order) gives the same as Zeek for the same flows', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(BASE_HONEYPOTS));
    const header =
      'StartTime,Dur,Proto,SrcAddr,Sport,Dir,DstAddr,Dport,State,sTos,dTos,TotPkts,TotBytes,SrcBytes,SrcPkts,Label';
    const lines = BASE.map((f) =>
      [
        argusTime(f.ts),
        f.duration === null || f.duration === undefined ? '' : f.duration.toFixed(6),
        'tcp',
        f.orig,
        '5555',
        '   ->',
        f.resp,
        '22',
        'S0',
        '0',
        '0',
        '9',
        '999',
        f.bytes === null || f.bytes === undefined ? '' : String(f.bytes),
        f.pkts === null || f.pkts === undefined ? '' : String(f.pkts),
        '',
      ].join(','),
    );
    const input = await put(join(dir, 'x.binetflow'), `${[header, ...lines].join('\n')}\n`);
    const { out, manifest } = await ingestTo(dir, [input], {
      format: 'argus',
      honeypots: hp,
    });
    expect(manifest.skipped.dropped).toEqual(BASE_DROPPED);
    expectRows(await dayRows(out, D), BASE_ROWS);
  });
});

describe('the day-table file itself', () => {
  it('is gzip of the exact AIP text (header, one row per line, durations with a decimal point)', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(BASE_HONEYPOTS));
    const input = await put(join(dir, 'conn.log'), zeekTsv(BASE));
    const { out } = await ingestTo(dir, [input], { honeypots: hp });
    const text = gunzipSync(await readFile(join(out, `attacks.${D}.csv.gz`))).toString('utf8');
    // Written by hand from BASE_ROWS in AIP's number style (integers plain, durations with a decimal point).
    const lines = text.split('\n');
    expect(lines.length).toBe(6);
    expect(lines[0]).toBe(DAY_HEADER);
    expect(lines[1]).toBe('9.0.0.1,1,0.25,1,60');
    expect(lines[2]).toBe('10.0.0.1,2,1.5,3,180');
    // 1 microsecond: pandas would print 1e-06; either spelling reads back as the same number.
    expect(lines[3]).toMatch(/^100\.64\.0\.1,1,(0\.000001|1e-06),1,40$/);
    expect(lines[4]).toBe('2001:db8:ffff::2,2,2.125,5,480');
    expect(lines[5]).toBe('');
  });
});
