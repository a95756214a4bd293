/**
 * Property tests of the ingest readers (issues 12, 13), for Zeek TSV, Zeek JSON, Argus, Cowrie, Suricata EVE (flow and
 * netflow records among alerts and other events), nfdump CSV (classic and token layouts) and AIP day tables:
 *
 * - random and mutated inputs (valid generated records, then cells replaced by huge numbers, Infinity, NaN, negative
 *   numbers, fractions, exponents, zone ids, garbage; lines cut, doubled, dropped, with a field more or less, lines of
 *   the format's own structure inserted) never crash ingest: it succeeds, or throws a DataError (with
 *   `--on-error skip` only for a file-level problem or a sum a day table cannot hold), never anything else;
 * - every day table it writes is read back by the day-table reader, and ingesting the dataset again with the `aip`
 *   format gives the same day files, byte for byte;
 * - Suricata: the same lines read through JSON.parse (not the reader's byte scan) give the same manifest and tables;
 * - valid generated records are all counted: the day tables equal a brute-force sum made here with BigInt and whole
 *   µs, or, when a sum passes 2^53 − 1 (2^53 µs), ingest fails naming the line and field of the record that passed it
 *   (Suricata: netflow records with a flow_id are summed at the end of the file; the other lines drop as expected).
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
import { argusTime, ipNumber, put, rfc5952, tempFolders, ZEEK_FIELDS } from './ingest-helpers.js';

const tmp = tempFolders('aiplab-fuzz-readers-');
afterAll(() => tmp.cleanupAll());

const HP = '198.51.100.1';
const DAY0 = Date.UTC(2024, 0, 1) / 1000;
const MAX_COUNT = 2n ** 53n - 1n;
const MAX_DURATION_US = 2n ** 53n;

type Format = 'tsv' | 'json' | 'argus' | 'cowrie' | 'suricata' | 'nfdump' | 'nfdump-token' | 'aip';

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

// Suricata EVE: each record is a `flow` event (connect false) or a `netflow` event (connect true), compact JSON with
// the keys in the order Suricata writes them; alerts, dns events, netflow records of a connection its flow record
// counts and reverse netflow records (from the honeypot) are lines around them that must not count.

/** A cell that is left out of the line (a key Suricata does not write for this record). */
const ABSENT = '\u0000';
const EVE_TOP = [
  'timestamp',
  'flow_id',
  'in_iface',
  'event_type',
  'src_ip',
  'src_port',
  'dest_ip',
  'dest_port',
  'proto',
  'icmp_type',
  'icmp_code',
  'app_proto',
];
const EVE_BODY = {
  flow: [
    'pkts_toserver',
    'pkts_toclient',
    'bytes_toserver',
    'bytes_toclient',
    'start',
    'end',
    'age',
    'state',
    'reason',
    'alerted',
  ],
  netflow: ['pkts', 'bytes', 'start', 'end', 'age', 'min_ttl', 'max_ttl'],
};
/** UTC offsets (minutes) the records are written in, by record. */
const EVE_OFFSETS = [0, 120, -300, 330, 60, -720, 840, 345, -570];

type EveKind = 'flow' | 'netflow';
const eveKind = (r: Rec): EveKind => (r.connect ? 'netflow' : 'flow');
/** flow_id of record k: distinct for every record; netflow records k ≡ 1 (mod 4) have none (EVE before 2014). */
function eveId(r: Rec, k: number): number | undefined {
  if (eveKind(r) === 'flow') return 1_500_000_000_000_000 + k;
  return k % 4 === 1 ? undefined : 2_500_000_000_000_000 + k;
}

/** Floor division of BigInts. */
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** Epoch µs `us` as Suricata writes a time (CreateIsoTimeString): local time at `minutes` from UTC, and the offset. */
function eveTime(us: bigint, minutes: number): string {
  const local = us + BigInt(minutes) * 60_000_000n;
  const sec = floorDiv(local, 1_000_000n);
  const iso = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  const m = Math.abs(minutes);
  const off = `${minutes < 0 ? '-' : '+'}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
  return `${iso}.${String(local - sec * 1_000_000n).padStart(6, '0')}${off}`;
}

/** IPv6 with every group in full, as Suricata writes it; IPv4 as it is. */
function eveIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  const hex = ipNumber(ip)[1].toString(16).padStart(32, '0');
  return hex.match(/.{4}/g)!.join(':');
}

/** The start and end of record k, as written. */
function eveTimes(r: Rec, k: number): [string, string] {
  const start = BigInt(r.ts) * 1_000_000n + BigInt(r.tsUs);
  const offset = EVE_OFFSETS[k % EVE_OFFSETS.length]!;
  return [eveTime(start, offset), eveTime(start + BigInt(r.durationUs), offset)];
}

function eveCells(r: Rec, k: number): string[] {
  const kind = eveKind(r);
  const id = eveId(r, k);
  const icmp = k % 5 === 0;
  const [start, end] = eveTimes(r, k);
  const q = (v: string) => `"${v}"`;
  const top = [
    q(end),
    id === undefined ? ABSENT : String(id),
    q('eth0'),
    q(kind),
    q(k % 2 === 1 ? eveIp(r.orig) : r.orig),
    icmp ? ABSENT : String(40000 + k),
    q(HP),
    icmp ? ABSENT : '22',
    q(icmp ? 'ICMP' : 'TCP'),
    icmp ? '8' : ABSENT,
    icmp ? '0' : ABSENT,
    icmp ? ABSENT : q('failed'),
  ];
  const age = String(Math.floor(r.durationUs / 1e6));
  const body =
    kind === 'flow'
      ? [
          String(r.packets),
          String(k % 3),
          String(r.bytes),
          String(60 * (k % 3)),
          q(start),
          q(end),
          age,
          q('closed'),
          q('timeout'),
          'false',
        ]
      : [String(r.packets), String(r.bytes), q(start), q(end), age, '49', '64'];
  return [...top, ...body];
}

/** An EVE line of cells: the top-level keys, the `flow` or `netflow` object, and (flow) Suricata's `tcp` object. */
function eveLine(kind: EveKind, cells: string[]): string {
  const pairs = (keys: string[], from: number) =>
    keys
      .map((key, i) => [key, cells[from + i] ?? ''] as const)
      .filter(([, v]) => v !== ABSENT)
      .map(([key, v]) => `"${key}":${v === '' ? '""' : v}`)
      .join(',');
  const tcp =
    kind === 'flow' ? ',"tcp":{"tcp_flags":"02","tcp_flags_ts":"02","syn":true,"state":"syn_sent"}' : '';
  return `{${pairs(EVE_TOP, 0)},"${kind}":{${pairs(EVE_BODY[kind], EVE_TOP.length)}}${tcp}}`;
}

/** Other lines of record k's connection: an alert (with the `flow` object alerts carry) and a dns event. */
function eveAlert(r: Rec, k: number): string {
  const [start] = eveTimes(r, k);
  const id = eveId(r, k) ?? 7 + k;
  return `{"timestamp":"${start}","flow_id":${id},"in_iface":"eth0","event_type":"alert","src_ip":"${r.orig}","src_port":${40000 + k},"dest_ip":"${HP}","dest_port":22,"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":2001219,"rev":20,"signature":"ET SCAN Potential SSH Scan","category":"Attempted Information Leak","severity":2},"flow":{"pkts_toserver":${r.packets},"pkts_toclient":0,"bytes_toserver":${r.bytes},"bytes_toclient":0,"start":"${start}"}}`;
}
function eveDns(k: number): string {
  return `{"timestamp":"2024-01-02T00:00:0${k % 10}.000000+0000","flow_id":${9000 + k},"event_type":"dns","src_ip":"${HP}","src_port":53211,"dest_ip":"192.0.2.53","dest_port":53,"proto":"UDP","dns":{"type":"query","id":${k},"rrname":"example.com","rrtype":"A","tx_id":0}}`;
}

/** A netflow record of flow record k's connection (same flow_id and start), or the reverse one of netflow record k. */
function eveNetflow(r: Rec, k: number, reverse: boolean): string {
  const cells = eveCells({ ...r, connect: true }, k);
  cells[1] = String(eveId(r, k));
  const at = (key: string) => EVE_TOP.indexOf(key);
  if (reverse) {
    [cells[at('src_ip')], cells[at('dest_ip')]] = [cells[at('dest_ip')]!, cells[at('src_ip')]!];
    [cells[at('src_port')], cells[at('dest_port')]] = [cells[at('dest_port')]!, cells[at('src_port')]!];
    cells[EVE_TOP.length] = String(k % 3);
    cells[EVE_TOP.length + 1] = String(60 * (k % 3));
  }
  return eveLine('netflow', cells);
}

// nfdump -o csv: the classic layout (nfdump 1.6 to 1.7.4, 48 columns, as 1.7.1 fills them) and the token layout of
// 1.7.5+, times as nfdump prints them in UTC (the default --tz), durations in ms, then the Summary block.

const NFDUMP_CLASSIC_HEAD =
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';
const NFDUMP_TOKEN_HEAD = 'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows';

/** `ms` epoch ms as nfdump prints a time in UTC: `YYYY-MM-DD hh:mm:ss`, with `.mmm` when asked. */
function nfTime(ms: number, fraction: boolean): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, fraction ? 23 : 19)}`;
}
/** The duration nfdump has for a record: whole ms. */
const nfDurationMs = (r: Rec) => Math.floor(r.durationUs / 1000);
const nfSeconds = (ms: number) => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;

function nfdumpClassicCells(r: Rec, k: number): string[] {
  const icmp = k % 5 === 0;
  const startMs = r.ts * 1000 + Math.floor(r.tsUs / 1000);
  const mac = '00:00:00:00:00:00';
  return [
    // Some older 1.6 releases print ts with milliseconds.
    nfTime(startMs, k % 7 === 3),
    nfTime(startMs + nfDurationMs(r), false),
    nfSeconds(nfDurationMs(r)),
    r.orig,
    HP,
    icmp ? '0' : String(40000 + k),
    icmp ? '2048' : '22',
    icmp ? 'ICMP' : 'TCP',
    icmp ? '........' : '......S.',
    '0',
    '0',
    String(r.packets),
    String(r.bytes),
    ...'0,0,0,0,0,0,0,0,0,0'.split(','),
    '0.0.0.0',
    '0.0.0.0',
    '0',
    '0',
    mac,
    mac,
    mac,
    mac,
    ...new Array<string>(10).fill('0-0-0'),
    '    0.000',
    '    0.000',
    '    0.000',
    '127.0.0.1',
    '0/0',
    '0',
    '2024-01-03 00:00:01.000',
  ];
}

function nfdumpTokenCells(r: Rec, k: number): string[] {
  const icmp = k % 5 === 0;
  const startMs = r.ts * 1000 + Math.floor(r.tsUs / 1000);
  return [
    // `%tsr` (epoch seconds) now and then.
    k % 6 === 5 ? nfSeconds(startMs) : nfTime(startMs, true),
    nfSeconds(nfDurationMs(r)),
    icmp ? '1' : '6',
    r.orig,
    icmp ? '0' : String(40000 + k),
    HP,
    icmp ? '8.0' : '22',
    String(r.packets),
    String(r.bytes),
    '1',
  ];
}

/** nfdump's Summary block after the records: flows, bytes, packets and three averages. */
function nfdumpSummary(recs: Rec[]): string[] {
  const bytes = recs.reduce((a, r) => a + BigInt(r.bytes), 0n);
  const packets = recs.reduce((a, r) => a + BigInt(r.packets), 0n);
  return [
    'Summary',
    'flows,bytes,packets,avg_bps,avg_pps,avg_bpp',
    `${recs.length},${bytes},${packets},0,0,0`,
  ];
}

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
  /** Trailer lines at the end (nfdump's Summary block), mutated as seldom as the header. */
  trailer?: number;
  /** Where each record is (else on line header + k + 1, summed in line order), where other lines come between. */
  at?: RecordAt[];
  /** The drops the lines other than records make (Suricata). */
  drops?: Record<string, number>;
}

interface RecordAt {
  line: number;
  /** Summed at the end of the file, in line order (a Suricata netflow record with a flow_id waits for its flow record). */
  late: boolean;
  /** The field a sum past its bound is reported at: flows, duration, packets, bytes. */
  fields: (string | undefined)[];
}

const SUM_FIELDS: Record<Format, (string | undefined)[]> = {
  tsv: [undefined, 'duration', 'orig_pkts', 'orig_ip_bytes'],
  json: [undefined, 'duration', 'orig_pkts', 'orig_ip_bytes'],
  argus: [undefined, 'Dur', 'SrcPkts', 'SrcBytes'],
  cowrie: [undefined, 'duration', undefined, undefined],
  suricata: [],
  nfdump: [undefined, 'td', 'ipkt', 'ibyt'],
  'nfdump-token': [undefined, 'duration', 'packets', 'bytes'],
  aip: [],
};
const EVE_SUM_FIELDS: Record<EveKind, (string | undefined)[]> = {
  flow: [undefined, 'flow.end', 'flow.pkts_toserver', 'flow.bytes_toserver'],
  netflow: [undefined, 'netflow.end', 'netflow.pkts', 'netflow.bytes'],
};

/** Suricata's lines: each record with the lines of its connection and others around it, and what they drop. */
function eveInput(recs: Rec[], cells: string[][]): Input {
  const lines: string[] = [];
  const at: RecordAt[] = [];
  const drops: Record<string, number> = {};
  const other = (line: string, reason: string) => {
    lines.push(line);
    drops[reason] = (drops[reason] ?? 0) + 1;
  };
  recs.forEach((r, k) => {
    const kind = eveKind(r);
    // Of flow records k ≡ 0 (mod 3), a netflow record too (Suricata logging both): before it or after it.
    const twin = kind === 'flow' && k % 3 === 0;
    if (k % 5 === 2) other(eveAlert(r, k), 'not a flow record (event_type alert)');
    if (twin && k % 2 === 1)
      other(eveNetflow(r, k, false), 'netflow record of a connection its flow record counts');
    lines.push(eveLine(kind, cells[k]!));
    at.push({
      line: lines.length,
      late: kind === 'netflow' && eveId(r, k) !== undefined,
      fields: EVE_SUM_FIELDS[kind],
    });
    if (twin && k % 2 === 0)
      other(eveNetflow(r, k, false), 'netflow record of a connection its flow record counts');
    // The answer of netflow records k ≡ 0 (mod 4): a record of its own, from the honeypot.
    if (kind === 'netflow' && k % 4 === 0) other(eveNetflow(r, k, true), 'originated by a honeypot');
    if (k % 7 === 6) other(eveDns(k), 'not a flow record (event_type dns)');
  });
  return { format: 'suricata', lines, header: 0, at, drops };
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
    case 'suricata': {
      const cells = recs.map(eveCells);
      cellsEdit?.(cells);
      return eveInput(recs, cells);
    }
    case 'nfdump':
    case 'nfdump-token': {
      const classic = format === 'nfdump';
      const cells = recs.map(classic ? nfdumpClassicCells : nfdumpTokenCells);
      cellsEdit?.(cells);
      const trailer = nfdumpSummary(recs);
      return {
        format,
        lines: [
          classic ? NFDUMP_CLASSIC_HEAD : NFDUMP_TOKEN_HEAD,
          ...cells.map((c) => c.join(',')),
          ...trailer,
        ],
        header: 1,
        trailer: trailer.length,
      };
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
  suricata: 'eve.json',
  nfdump: 'nfcapd.202401020000.csv',
  'nfdump-token': 'flows.nfdump.csv',
  aip: 'attacks.2024-01-02.csv',
};
const INGEST_FORMAT: Record<Format, string> = {
  tsv: 'zeek',
  json: 'zeek',
  argus: 'argus',
  cowrie: 'cowrie',
  suricata: 'suricata',
  nfdump: 'nfdump',
  'nfdump-token': 'nfdump',
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
  // flow_id, event_type, src_ip, src_port, dest_ip, dest_port; the counts, start and end of either body.
  suricata: [1, 3, 4, 5, 6, 7, 12, 13, 14, 15, 16, 17],
  nfdump: [0, 2, 3, 4, 5, 6, 11, 12],
  'nfdump-token': [0, 1, 3, 4, 5, 6, 7, 8, 9],
  aip: [0, 1, 2, 3, 4],
};

/**
 * Lines of a file's own structure, inserted now and then by the `garbage` mutation: nfdump's trailer lines, headers
 * and records without a time; for Suricata, events a fast byte scan could misread (nested or escaped event_type, a key twice, a time with
 * nine decimals, a netflow record of record 0's flow_id with another start).
 */
const ONE: Rec = {
  ts: DAY0,
  tsUs: 0,
  orig: '10.0.0.1',
  durationUs: 0,
  packets: 1,
  bytes: 40,
  connect: false,
};
const NFDUMP_STRUCTURE = [
  'Summary',
  'No matching flows',
  'flows,bytes,packets,avg_bps,avg_pps,avg_bpp',
  '1,2,3,4,5,6',
  NFDUMP_CLASSIC_HEAD,
  NFDUMP_TOKEN_HEAD,
  '\ufeff',
  // nfdump's time of a record without one, in either layout.
  ['0000-00-00 00:00:00', ...nfdumpClassicCells(ONE, 1).slice(1)].join(','),
  ['0000-00-00 00:00:00.000', ...nfdumpTokenCells(ONE, 1).slice(1)].join(','),
];
const EVE_MIN = `"src_ip":"10.0.0.1","dest_ip":"${HP}"`;
const STRUCTURE: Partial<Record<Format, string[]>> = {
  nfdump: NFDUMP_STRUCTURE,
  'nfdump-token': NFDUMP_STRUCTURE,
  suricata: [
    '{"event_type":"flow"}',
    '{"event_type":5}',
    '[]',
    'null',
    '{"event_type":"stats","stats":{"uptime":1}}',
    '{"x":{"event_type":"flow"},"event_type":"dns"}',
    '{"x":"\\"event_type\\":\\"flow","event_type":"dns"}',
    `{"event_type":"fl\\u006fw",${EVE_MIN},"flow":{"start":"2024-01-02T00:00:00Z","end":"2024-01-02T00:00:01.123456789+00:00","pkts_toserver":1,"bytes_toserver":2}}`,
    `{"event_type":"flow",${EVE_MIN},"flow":{"start":"2024-01-02T00:00:00","end":"2024-01-02T00:00:01","pkts_toserver":1,"bytes_toserver":2,"pkts_toserver":3}}`,
    `{"event_type":"flow","event_type":"dns",${EVE_MIN},"flow":{"start":"2024-01-02T00:00:00Z","end":"2024-01-02T00:00:01Z","pkts_toserver":1,"bytes_toserver":2}}`,
    `{"flow_id":1500000000000000,"event_type":"netflow",${EVE_MIN},"netflow":{"start":"2024-01-02T00:00:00Z","end":"2024-01-02T00:00:01Z","pkts":1,"bytes":2}}`,
    `{"flow_id":1500000000000000,"event_type":"flow",${EVE_MIN},"flow":{"start":"2024-01-02T00:00:00Z","end":"2024-01-02T00:00:01Z","pkts_toserver":1,"bytes_toserver":2}}`,
  ],
};

/** The input with its mutations: cells first (by record), then lines (header and trailer lines included, now and then). */
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
    // Mostly data lines; a header or trailer line one time in eight.
    const first = m.n % 8 === 0 ? 0 : Math.min(input.header, lines.length - 1);
    const trailer = m.n % 8 === 0 ? 0 : (input.trailer ?? 0);
    const at = first + (m.row % Math.max(1, lines.length - first - trailer));
    const line = lines[at]!;
    const sep = format === 'tsv' ? '\t' : ',';
    if (m.op === 'drop') lines.splice(at, 1);
    else if (m.op === 'double') lines.splice(at, 0, line);
    else if (m.op === 'extra') lines[at] = `${line}${sep}${m.text}`;
    else if (m.op === 'short') lines[at] = line.slice(0, Math.max(0, line.lastIndexOf(sep)));
    else if (m.op === 'cut') lines[at] = line.slice(0, m.n % (line.length + 1));
    else if (m.op === 'garbage') {
      const structure = STRUCTURE[format];
      lines.splice(at, 0, structure && m.n % 2 === 0 ? structure[(m.n >> 1) % structure.length]! : m.text);
    } else {
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
  // nfdump: a header no longer nfdump's, or a line after (or instead of) its trailer.
  const fileLevel =
    /#fields lacks|unsupported #separator|header lacks|gzip|not the header of nfdump|nothing else may follow/.test(
      error.message,
    );
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

/**
 * Suricata: the lines read with JSON.parse give what the byte scan of the compact lines gave. A line's first key
 * `timestamp` (not used) spelled with an escape makes the scan leave the line to JSON.parse.
 */
async function expectJsonParseAgrees(input: Input, fast: Awaited<ReturnType<typeof run>>, dir: string) {
  const other = await tmp.make();
  const lines = input.lines.map((l) =>
    l.startsWith('{"timestamp"') ? `{"timest\\u0061mp"${l.slice('{"timestamp"'.length)}` : l,
  );
  const slow = await run({ ...input, lines }, 'skip', other);
  const norm = (x: unknown) => JSON.stringify(x).replaceAll(other, dir);
  if (!fast.ok || !slow.ok) {
    expect(slow.ok, 'JSON.parse reading').toBe(fast.ok);
    expect(norm((slow as { error: Error }).error.message)).toBe(
      norm((fast as { error: Error }).error.message),
    );
    return;
  }
  // A 'bad JSON' example quotes the line's start, which the escape changed.
  const examples = (m: typeof fast.manifest) =>
    Object.values(m.skipped.examples).map((list) =>
      list.map((e) => e.replace(/not a JSON object: '.*'$/s, 'not a JSON object')),
    );
  const summary = (m: typeof fast.manifest) => [
    m.records,
    m.attackFlows,
    m.skipped.malformed,
    m.skipped.dropped,
    examples(m),
    m.days,
    m.missingDays,
    m.warnings,
  ];
  expect(norm(summary(slow.manifest)), 'JSON.parse reading').toBe(norm(summary(fast.manifest)));
}

/**
 * Default runs of the random-input property where they are not 40 (Suricata reads each input twice), and these
 * formats run the sums property 20 times, not 25: the file's time stays down.
 */
const DEFAULT_RUNS: Partial<Record<Format, number>> = { suricata: 25, nfdump: 25, 'nfdump-token': 20 };

const FORMATS: Format[] = ['tsv', 'json', 'argus', 'cowrie', 'aip', 'suricata', 'nfdump', 'nfdump-token'];

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
              if (onError === 'skip' && format === 'suricata') await expectJsonParseAgrees(input, r, dir);
            }
            await tmp.cleanupAll();
          },
        ),
        { seed: 12_000 + FORMATS.indexOf(format), numRuns: fuzzRuns(DEFAULT_RUNS[format] ?? 40) },
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
): { days: Map<string, Map<string, Sums>> } | { line: number; field: string | undefined } {
  const days = new Map<string, Map<string, Sums>>();
  const where = (k: number): RecordAt =>
    input.at?.[k] ?? { line: input.header + k + 1, late: false, fields: SUM_FIELDS[format] };
  // In the order they are summed: line order, records that wait for the end of the file last.
  const order = recs.map((_, k) => k);
  order.sort((a, b) => Number(where(a).late) - Number(where(b).late) || where(a).line - where(b).line);
  for (const k of order) {
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
    } else {
      // nfdump has whole ms.
      const us = format.startsWith('nfdump') ? BigInt(nfDurationMs(r)) * 1000n : BigInt(r.durationUs);
      add = { flows: 1n, us, packets: BigInt(r.packets), bytes: BigInt(r.bytes) };
    }
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
    if (over >= 0) return { line: where(k).line, field: where(k).fields[over] };
    day.set(ip, next);
  }
  return { days };
}

/**
 * Suricata: a netflow record with a flow_id (line 1, its reverse record on line 2) is summed at the end of the file,
 * after the flow record on line 3, so the sum passes 2^53 − 1 at the netflow record (in line order: at the flow record).
 */
const LATE_SUM: Rec[] = [
  { ts: DAY0 + 100, tsUs: 0, orig: '10.0.0.1', durationUs: 0, packets: 2 ** 53 - 1, bytes: 0, connect: true },
  { ts: DAY0 + 200, tsUs: 0, orig: '10.0.0.1', durationUs: 0, packets: 1, bytes: 0, connect: false },
];

describe('fuzz: valid records are all counted', () => {
  it.each(['tsv', 'json', 'argus', 'cowrie', 'suricata', 'nfdump', 'nfdump-token'] as const)(
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
            expect([e.file, e.line, e.field]).toEqual([r.path, want.line, want.field]);
            await tmp.cleanupAll();
            return;
          }
          if (!r.ok) throw r.error;
          expect(r.manifest.skipped.malformed).toEqual({});
          if (input.drops) expect(r.manifest.skipped.dropped).toEqual(input.drops);
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
        {
          seed: 12_100 + FORMATS.indexOf(format),
          numRuns: fuzzRuns(format in DEFAULT_RUNS ? 20 : 25),
          examples: format === 'suricata' ? [[LATE_SUM]] : [],
        },
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
