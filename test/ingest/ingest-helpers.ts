/**
 * Test-only helpers for the ingest tests: writers for Zeek/Argus inputs, an independent reader of day-table files,
 * and a brute-force reference of AIP's attack rule (DESIGN §2.1, §2.2). Nothing here imports the code under test, so
 * an expected value computed with these helpers never comes from the program itself.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect } from 'vitest';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DAY_HEADER = 'orig,flows,duration,packets,bytes';

/** A fresh temp folder per call; `cleanupAll` removes every folder made so far. */
export function tempFolders(prefix = 'aiplab-ingest-test-') {
  const made: string[] = [];
  return {
    async make(): Promise<string> {
      const dir = await mkdtemp(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    async cleanupAll(): Promise<void> {
      await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** Writes `text` (gzipped when the name ends in .gz), creating parent folders. */
export async function put(path: string, text: string | Buffer): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  await writeFile(path, path.endsWith('.gz') ? gzipSync(data) : data);
  return path;
}

// ---------------------------------------------------------------------------------------------------------------
// Epoch seconds of UTC days, computed from the calendar (not from the code under test).

export function utc(date: string, time = '00:00:00'): number {
  return Date.parse(`${date}T${time}Z`) / 1000;
}

// ---------------------------------------------------------------------------------------------------------------
// Input writers.

export interface Flow {
  ts: number;
  orig: string;
  resp: string;
  /** null = unset (`-` in TSV, absent in JSON). */
  duration?: number | null;
  pkts?: number | null;
  bytes?: number | null;
}

export const ZEEK_FIELDS = [
  'ts',
  'uid',
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'proto',
  'service',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'local_orig',
  'local_resp',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
] as const;

const ZEEK_TYPES: Record<string, string> = {
  ts: 'time',
  uid: 'string',
  'id.orig_h': 'addr',
  'id.orig_p': 'port',
  'id.resp_h': 'addr',
  'id.resp_p': 'port',
  proto: 'enum',
  service: 'string',
  duration: 'interval',
  orig_bytes: 'count',
  resp_bytes: 'count',
  conn_state: 'string',
  local_orig: 'bool',
  local_resp: 'bool',
  missed_bytes: 'count',
  history: 'string',
  orig_pkts: 'count',
  orig_ip_bytes: 'count',
  resp_pkts: 'count',
  resp_ip_bytes: 'count',
  tunnel_parents: 'set[string]',
};

function unsetOr(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : String(v);
}

/** The TSV value of one Zeek conn field for a flow (fields AIP does not use get plausible filler). */
function zeekCell(field: string, f: Flow, k: number): string {
  switch (field) {
    case 'ts':
      return f.ts.toFixed(6);
    case 'uid':
      return `Cuid${k}x`;
    case 'id.orig_h':
      return f.orig;
    case 'id.orig_p':
      return String(40000 + k);
    case 'id.resp_h':
      return f.resp;
    case 'id.resp_p':
      return '22';
    case 'proto':
      return 'tcp';
    case 'service':
      return k % 2 === 0 ? '-' : 'ssh';
    case 'duration':
      return unsetOr(f.duration);
    case 'orig_pkts':
      return unsetOr(f.pkts);
    case 'orig_ip_bytes':
      return unsetOr(f.bytes);
    case 'conn_state':
      return 'S0';
    case 'history':
      return 'S';
    case 'tunnel_parents':
      return '(empty)';
    case 'local_orig':
    case 'local_resp':
      return '-';
    default:
      return '0';
  }
}

export interface ZeekTsvOptions {
  fields?: readonly string[];
  /** Line ending of every line. @default '\n' */
  eol?: string;
  /** Write the `#close` footer. @default true */
  close?: boolean;
  /** Start the file with a stray tab before `#separator` (a real Slips sample does). */
  leadingTab?: boolean;
  /** End the last line with `eol`. @default true */
  finalNewline?: boolean;
  /** Index offset for uids/ports (several blocks in one file). */
  first?: number;
}

/** A Zeek conn.log in TSV form as Zeek's ASCII writer lays it out (header block, records, `#close`). */
export function zeekTsv(flows: readonly Flow[], options: ZeekTsvOptions = {}): string {
  const {
    fields = ZEEK_FIELDS,
    eol = '\n',
    close = true,
    leadingTab = false,
    finalNewline = true,
    first = 0,
  } = options;
  const lines = [
    `${leadingTab ? '\t' : ''}#separator \\x09`,
    '#set_separator\t,',
    '#empty_field\t(empty)',
    '#unset_field\t-',
    '#path\tconn',
    '#open\t2024-01-01-00-00-00',
    `#fields\t${fields.join('\t')}`,
    `#types\t${fields.map((f) => ZEEK_TYPES[f] ?? 'string').join('\t')}`,
    ...flows.map((f, k) => fields.map((name) => zeekCell(name, f, first + k)).join('\t')),
  ];
  if (close) lines.push('#close\t2024-01-05-00-00-00');
  return lines.join(eol) + (finalNewline ? eol : '');
}

/** Zeek JSON lines (flat `id.orig_h` keys, unset fields absent, as `LogAscii::use_json` writes). */
export function zeekJson(flows: readonly Flow[], ts: (f: Flow) => number | string = (f) => f.ts): string {
  return flows
    .map((f, k) => {
      const rec: Record<string, unknown> = {
        ts: ts(f),
        uid: `Cj${k}`,
        'id.orig_h': f.orig,
        'id.orig_p': 40000 + k,
        'id.resp_h': f.resp,
        'id.resp_p': 23,
        proto: 'tcp',
        conn_state: 'S0',
        local_orig: false,
        missed_bytes: 0,
        history: 'S',
      };
      if (f.duration !== null && f.duration !== undefined) rec.duration = f.duration;
      if (f.pkts !== null && f.pkts !== undefined) rec.orig_pkts = f.pkts;
      if (f.bytes !== null && f.bytes !== undefined) rec.orig_ip_bytes = f.bytes;
      return `${JSON.stringify(rec)}\n`;
    })
    .join('');
}

/** `YYYY/MM/DD hh:mm:ss.ffffff` (UTC) as Argus `ra` prints StartTime. */
export function argusTime(ts: number): string {
  const iso = new Date(Math.floor(ts) * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  const micros = String(Math.round((ts - Math.floor(ts)) * 1e6)).padStart(6, '0');
  return `${iso.slice(0, 10).replaceAll('-', '/')} ${iso.slice(11, 19)}.${micros}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Independent IP handling for the reference: numeric value and RFC 5952 text, written without ipaddr.js.

function v6Groups(text: string): number[] {
  const lower = text.toLowerCase();
  const [head, tail] = lower.includes('::') ? lower.split('::') : [lower, undefined];
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const h = parse(head);
  if (tail === undefined) return h;
  const t = parse(tail);
  return [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** [family, value] of an IPv4 or IPv6 address, for numeric ordering. */
export function ipNumber(ip: string): [4 | 6, bigint] {
  if (ip.includes(':')) return [6, v6Groups(ip).reduce((a, g) => (a << 16n) | BigInt(g), 0n)];
  return [4, ip.split('.').reduce((a, o) => (a << 8n) | BigInt(Number(o)), 0n)];
}

export function compareIp(a: string, b: string): number {
  const [fa, na] = ipNumber(a);
  const [fb, nb] = ipNumber(b);
  if (fa !== fb) return fa - fb;
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Canonical text: an IPv4-mapped address as its IPv4 dotted quad; else RFC 5952: lower case, no leading zeros, the longest run (>= 2) of zero groups as `::` (the first on a tie). */
export function rfc5952(ip: string): string {
  if (!ip.includes(':')) return ip.split('.').map(Number).join('.');
  const g = v6Groups(ip);
  // IPv4-mapped (::ffff:0:0/96, RFC 4291 §2.5.5.2): the IPv4 host.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff)
    return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestLen < 2) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Brute-force reference of the attack rule and the day table.

export interface HoneypotSpec {
  ip: string;
  start: string;
  end?: string;
}

export interface Row {
  ip: string;
  flows: number;
  duration: number;
  packets: number;
  bytes: number;
}

export interface ReferenceResult {
  /** date → rows sorted numerically by IP. Days covered by a flow (even a dropped one) are present. */
  days: Map<string, Row[]>;
  dropped: Record<string, number>;
}

export function dayOf(ts: number): string {
  return new Date(Math.floor(ts) * 1000).toISOString().slice(0, 10);
}

/**
 * AIP's rule, one flow at a time: from a honeypot → dropped; to an unlisted address → dropped; to a honeypot outside
 * every operation period of that day → dropped; else summed into (UTC day of ts, originator).
 */
export function reference(
  flows: readonly Flow[],
  honeypots: readonly HoneypotSpec[],
  range: { from?: string; to?: string } = {},
): ReferenceResult {
  const hp = new Map<string, HoneypotSpec[]>();
  for (const h of honeypots) {
    const key = rfc5952(h.ip);
    hp.set(key, [...(hp.get(key) ?? []), h]);
  }
  const dropped: Record<string, number> = {};
  const drop = (why: string) => {
    dropped[why] = (dropped[why] ?? 0) + 1;
  };
  const days = new Map<string, Map<string, Row>>();
  for (const f of flows) {
    const day = dayOf(f.ts);
    if ((range.from && day < range.from) || (range.to && day > range.to)) {
      drop('outside --from/--to');
      continue;
    }
    if (!days.has(day)) days.set(day, new Map());
    if (hp.has(rfc5952(f.orig))) {
      drop('originated by a honeypot');
      continue;
    }
    const periods = hp.get(rfc5952(f.resp));
    if (!periods) {
      drop('responder is not a listed honeypot');
      continue;
    }
    if (!periods.some((p) => p.start <= day && (p.end === undefined || day <= p.end))) {
      drop('honeypot outside its operation dates');
      continue;
    }
    const ip = rfc5952(f.orig);
    const rows = days.get(day)!;
    const row = rows.get(ip) ?? {
      ip,
      flows: 0,
      duration: 0,
      packets: 0,
      bytes: 0,
    };
    row.flows += 1;
    row.duration += f.duration ?? 0;
    row.packets += f.pkts ?? 0;
    row.bytes += f.bytes ?? 0;
    rows.set(ip, row);
  }
  const out = new Map<string, Row[]>();
  for (const day of [...days.keys()].sort()) {
    out.set(
      day,
      [...days.get(day)!.values()].sort((a, b) => compareIp(a.ip, b.ip)),
    );
  }
  return { days: out, dropped };
}

export function honeypotCsv(honeypots: readonly HoneypotSpec[]): string {
  return [
    '# public IPs of the honeypots',
    'public_ip,operation_start_date,operation_end_date',
    ...honeypots.map((h) => `${h.ip},${h.start},${h.end ?? ''}`),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Reading what ingest wrote, without the project's own parser.

/** Parses `attacks.YYYY-MM-DD.csv.gz` (checks the exact header and the final newline). */
export async function readDayFile(path: string): Promise<Row[]> {
  const text = gunzipSync(await readFile(path)).toString('utf8');
  expect(text.endsWith('\n'), `${path} ends with a newline`).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  expect(lines[0]).toBe(DAY_HEADER);
  return lines.slice(1).map((line) => {
    const [ip, flows, duration, packets, bytes, ...rest] = line.split(',');
    expect(rest).toEqual([]);
    return {
      ip: ip!,
      flows: Number(flows),
      duration: Number(duration),
      packets: Number(packets),
      bytes: Number(bytes),
    };
  });
}

/** Asserts rows equal (order included); durations to the microsecond, counts exactly. */
export function expectRows(actual: readonly Row[], expected: readonly Row[], label = ''): void {
  expect(
    actual.map((r) => r.ip),
    `${label} IPs in order`,
  ).toEqual(expected.map((r) => r.ip));
  expected.forEach((e, i) => {
    const a = actual[i]!;
    expect(a.flows, `${label} ${e.ip} flows`).toBe(e.flows);
    expect(a.packets, `${label} ${e.ip} packets`).toBe(e.packets);
    expect(a.bytes, `${label} ${e.ip} bytes`).toBe(e.bytes);
    expect(
      Math.abs(a.duration - e.duration),
      `${label} ${e.ip} duration ${a.duration} vs ${e.duration}`,
    ).toBeLessThan(6e-7);
  });
}

/**
 * Every file under `dir` (relative path → bytes), recursively; but a dataset's `.aiplab-verified.json`, the record
 * of its day tables' sizes and mtimes (src/days/dataset-verify.ts): not output, it differs from one run to the next.
 */
export async function snapshotFolder(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const walk = async (rel: string) => {
    for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === '.aiplab-verified.json') continue;
      if (e.isDirectory()) await walk(r);
      else out.set(r, await readFile(join(dir, r)));
    }
  };
  await walk('');
  return out;
}

/** A shorthand row. */
export function row(ip: string, flows: number, duration: number, packets: number, bytes: number): Row {
  return { ip, flows, duration, packets, bytes };
}
