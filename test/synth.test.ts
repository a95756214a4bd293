import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayTableToCsv, readDayTableFile, sortDayTable } from '../src/days/day-table-csv.js';
import { ingest } from '../src/ingest/index.js';
import { ipv4Text, ipv6Text } from '../src/synth/addresses.js';
import { DaySums, dayTableCsvBytes } from '../src/synth/day-table-bytes.js';
import { type SynthOptions, type SynthReport, synthesize } from '../src/synth/index.js';
import { formatDay, parseDay } from '../src/util/dates.js';
import { UsageError } from '../src/util/errors.js';
import { canonicalIp } from '../src/util/ip/index.js';
import { tempDir } from './helpers.js';

const SMALL = {
  days: 10,
  attackersPerDay: 300,
  honeypots: 4,
  startDate: '2024-03-01',
} as const;
const HEADER_LINES = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tconn',
];
const FIELDS =
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents';
const TYPES =
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]';

/** One conn record: ts, uid, orig, port, resp, port, proto, service, duration, bytes, state, local flags, ... */
const LINE = new RegExp(
  [
    '^\\d+\\.\\d{6}',
    'C[0-9A-Za-z]{17}',
    '[0-9a-f.:]+',
    '\\d+',
    '[0-9a-f.:]+',
    '\\d+',
    '(tcp|udp|icmp)',
    '[a-z-]+',
    '(\\d+\\.\\d{6}|-)',
    '(\\d+|-)',
    '(\\d+|-)',
    '[A-Z0-9]+',
    '[TF]',
    '[TF]',
    '\\d+',
    '[A-Za-z-]+',
    '\\d+',
    '\\d+',
    '\\d+',
    '\\d+',
    '\\(empty\\)$',
  ].join('\t'),
);

/** Every file under `dir`, relative, sorted. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

interface Row {
  flows: number;
  durUs: number;
  packets: number;
  bytes: number;
}

/** A deliberately plain reading of the generated Zeek logs and honeypots.csv (independent of src/ingest). */
async function aggregateZeek(dir: string) {
  const hpText = await readFile(join(dir, 'honeypots.csv'), 'utf8');
  const honeypotStart = new Map<string, number>();
  for (const line of hpText.trim().split('\n').slice(1)) {
    const [ip, start] = line.split(',');
    honeypotStart.set(ip!, parseDay(start!)!);
  }
  const days = new Map<string, Map<string, Row>>();
  const decoys = { toNonHoneypot: 0, fromHoneypot: 0, beforeHoneypotStart: 0 };
  let records = 0;
  const beforeStartByHoneypot = new Map<string, number>();
  for (const rel of await listFiles(dir)) {
    if (!rel.endsWith('.log.gz')) continue;
    const lines = gunzipSync(await readFile(join(dir, rel)))
      .toString('utf8')
      .split('\n');
    for (const line of lines) {
      if (line === '' || line.startsWith('#')) continue;
      records++;
      const f = line.split('\t');
      const ts = Number(f[0]);
      const orig = f[2]!;
      const resp = f[4]!;
      const day = Math.floor(ts / 86_400);
      const start = honeypotStart.get(resp);
      if (honeypotStart.has(orig)) {
        decoys.fromHoneypot++;
        continue;
      }
      if (start === undefined) {
        decoys.toNonHoneypot++;
        continue;
      }
      if (day < start) {
        decoys.beforeHoneypotStart++;
        beforeStartByHoneypot.set(resp, (beforeStartByHoneypot.get(resp) ?? 0) + 1);
        continue;
      }
      const date = formatDay(day);
      let rows = days.get(date);
      if (rows === undefined) {
        rows = new Map();
        days.set(date, rows);
      }
      let row = rows.get(orig);
      if (row === undefined) {
        row = { flows: 0, durUs: 0, packets: 0, bytes: 0 };
        rows.set(orig, row);
      }
      row.flows++;
      if (f[8] !== '-') {
        const [sec, micro] = f[8]!.split('.');
        row.durUs += Number(sec) * 1_000_000 + Number(micro);
      }
      row.packets += Number(f[16]);
      row.bytes += Number(f[17]);
    }
  }
  return { honeypotStart, days, decoys, records, beforeStartByHoneypot };
}

async function readAipDays(dir: string): Promise<Map<string, Map<string, Row>>> {
  const out = new Map<string, Map<string, Row>>();
  for (const name of await listFiles(dir)) {
    const m = /^attacks\.(\d{4}-\d{2}-\d{2})\.csv\.gz$/.exec(name);
    if (!m) continue;
    const t = await readDayTableFile(join(dir, name), m[1]!);
    const rows = new Map<string, Row>();
    t.ip.forEach((ip, i) => {
      rows.set(ip, {
        flows: t.flows[i]!,
        durUs: Math.round(t.duration[i]! * 1_000_000),
        packets: t.packets[i]!,
        bytes: t.bytes[i]!,
      });
    });
    out.set(m[1]!, rows);
  }
  return out;
}

describe('synthesize', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  const run = (name: string, options: Omit<SynthOptions, 'out'>) =>
    synthesize({ ...SMALL, ...options, out: join(root, name) });
  let zeekA: SynthReport;
  let zeekB: SynthReport;
  let zeekOther: SynthReport;
  let aip: SynthReport;
  let aipWorkers: SynthReport;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir('aiplab-synth-'));
    zeekA = await run('zeek-a', { seed: 7 });
    zeekB = await run('zeek-b', { seed: 7 });
    zeekOther = await run('zeek-other', { seed: 8 });
    aip = await run('aip', { seed: 7, format: 'aip', workers: 0 });
    aipWorkers = await run('aip-workers', { seed: 7, format: 'aip', workers: 2 });
  });
  afterAll(async () => {
    await cleanup();
  });

  it('is deterministic: same seed, same bytes in every file', async () => {
    const a = await listFiles(join(root, 'zeek-a'));
    const b = await listFiles(join(root, 'zeek-b'));
    expect(a.length).toBeGreaterThan(SMALL.days);
    expect(b).toEqual(a);
    expect(a).toEqual([...zeekA.files].sort());
    for (const rel of a) {
      const x = await readFile(join(root, 'zeek-a', rel));
      const y = await readFile(join(root, 'zeek-b', rel));
      expect(x.equals(y), rel).toBe(true);
    }
    expect(zeekB).toEqual({ ...zeekA, out: zeekB.out });
  });

  it('differs with a different seed', async () => {
    const a = await listFiles(join(root, 'zeek-a'));
    let differing = 0;
    for (const rel of a) {
      if (!rel.endsWith('.log.gz')) continue;
      const x = await readFile(join(root, 'zeek-a', rel));
      const y = await readFile(join(root, 'zeek-other', rel)).catch(() => Buffer.alloc(0));
      if (!x.equals(y)) differing++;
    }
    expect(differing).toBeGreaterThan(0);
    expect(zeekOther.attackFlows).not.toBe(zeekA.attackFlows);
  });

  it('writes Zeek TSV conn logs with a real header, hourly files in ts order, 21 fields a line', async () => {
    const dir = join(root, 'zeek-a');
    const logs = (await listFiles(dir)).filter((f) => f.endsWith('.log.gz'));
    let dataLines = 0;
    const bad: string[] = [];
    const canonical = new Set<string>();
    const isCanonical = (ip: string) => {
      if (canonical.has(ip)) return true;
      if (canonicalIp(ip) !== ip) return false;
      canonical.add(ip);
      return true;
    };
    for (const rel of logs) {
      const m = /^(\d{4}-\d{2}-\d{2})\/conn\.(\d{2}):00:00-(\d{2}):00:00\.log\.gz$/.exec(rel);
      expect(m, rel).not.toBeNull();
      const [, date, hh, next] = m!;
      expect(Number(next)).toBe((Number(hh) + 1) % 24);
      const text = gunzipSync(await readFile(join(dir, rel))).toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.slice(0, -1).split('\n');
      expect(lines.slice(0, 5)).toEqual(HEADER_LINES);
      expect(lines[5]).toBe(`#open\t${date}-${hh}-00-00`);
      expect(lines[6]).toBe(FIELDS);
      expect(lines[7]).toBe(TYPES);
      const close = lines.at(-1)!;
      const closeDate = hh === '23' ? formatDay(parseDay(date!)! + 1) : date;
      expect(close).toBe(`#close\t${closeDate}-${next}-00-00`);
      const hourStart = parseDay(date!)! * 86_400 + Number(hh) * 3600;
      let previous = -1;
      for (const line of lines.slice(8, -1)) {
        dataLines++;
        const f = line.split('\t');
        const ts = Number(f[0]);
        const ok =
          f.length === 21 &&
          LINE.test(line) &&
          ts >= hourStart &&
          ts < hourStart + 3600 &&
          ts >= previous &&
          isCanonical(f[2]!) &&
          isCanonical(f[4]!);
        if (!ok) bad.push(`${rel}: ${line}`);
        previous = ts;
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(dataLines).toBe(zeekA.records);
    // Zeek's folder layout: one folder per day.
    expect(new Set(logs.map((l) => l.slice(0, 10))).size).toBe(SMALL.days);
  });

  it('writes an AIP honeypot list with IPv6 and one late honeypot', async () => {
    const text = await readFile(join(root, 'zeek-a', 'honeypots.csv'), 'utf8');
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('public_ip,operation_start_date,operation_end_date');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(SMALL.honeypots);
    for (const [ip, start, end] of rows) {
      expect(canonicalIp(ip!)).toBe(ip);
      expect(parseDay(start!)).toBeDefined();
      expect(end).toBe('');
    }
    expect(rows.some(([ip]) => ip!.includes(':'))).toBe(true);
    const late = rows.filter(([, start]) => start! > SMALL.startDate);
    expect(late).toHaveLength(1);
    expect(late[0]![0]).toBe(zeekA.lateHoneypot.ip);
    expect(zeekA.honeypots.map((h) => [h.ip, h.start, ''])).toEqual(rows);
  });

  it('aip output equals an independent aggregation of the zeek output, value for value', async () => {
    const zeek = await aggregateZeek(join(root, 'zeek-a'));
    const days = await readAipDays(join(root, 'aip'));
    expect([...days.keys()]).toEqual(zeekA.perDay.map((d) => d.date));
    for (const [date, rows] of days) {
      const expected = zeek.days.get(date) ?? new Map<string, Row>();
      expect(rows.size, date).toBe(expected.size);
      for (const [ip, row] of rows) expect(row, `${date} ${ip}`).toEqual(expected.get(ip));
    }
    let flows = 0;
    for (const rows of days.values()) for (const r of rows.values()) flows += r.flows;
    expect(flows).toBe(aip.attackFlows);
    expect(zeek.records).toBe(zeekA.records);
    const { total, ...byKind } = zeekA.decoys;
    expect(zeek.decoys).toEqual(byKind);
    expect(total / zeekA.records).toBeGreaterThan(0.04);
    expect(total / zeekA.records).toBeLessThan(0.15);
    // Both formats simulate the same world: same report apart from the files.
    const strip = (r: SynthReport) => ({
      ...r,
      files: [],
      out: '',
      format: '',
    });
    expect(strip(aip)).toEqual(strip(zeekA));
  });

  it('aip day tables are byte for byte what ingest writes for the zeek output', async () => {
    const out = join(root, 'ingested');
    await ingest({
      format: 'zeek',
      inputs: [join(root, 'zeek-a')],
      honeypots: join(root, 'zeek-a', 'honeypots.csv'),
      out,
      workers: 1,
    });
    const tables = (dir: string) => listFiles(dir).then((l) => l.filter((f) => f.startsWith('attacks.')));
    const names = await tables(join(root, 'aip'));
    expect(names).toHaveLength(SMALL.days);
    expect(await tables(out)).toEqual(names);
    for (const name of names) {
      const x = await readFile(join(root, 'aip', name));
      const y = await readFile(join(out, name));
      expect(x.equals(y), name).toBe(true);
    }
  });

  it('aip output does not depend on worker threads', async () => {
    const names = await listFiles(join(root, 'aip'));
    expect(await listFiles(join(root, 'aip-workers'))).toEqual(names);
    for (const name of names) {
      const x = await readFile(join(root, 'aip', name));
      const y = await readFile(join(root, 'aip-workers', name));
      expect(x.equals(y), name).toBe(true);
    }
    expect(aipWorkers).toEqual({ ...aip, out: aipWorkers.out });
  });

  it('writes day-table text exactly as dayTableToCsv does (IP order, durations, large counts)', () => {
    const addr = [
      0x01020304, 0xc6336409, 0x0a000001, 0xfffffffe, 0x7f000001, 0x80000000, 5, 0xdeadbeef, 0xffff, 3,
    ];
    const v6 = [0, 1, 0, 0, 1, 0, 1, 0, 1, 0];
    const durUs = [0, 1, 10, 1_000_000, 1_500_000, 123_456_789_012, 999_999, 86_400_000_000, 100, 4e14 + 7];
    const big = [1, 9, 10, 99, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 123_456_789_012_345, 0, 7];
    const sums = new DaySums();
    sums.ensure(addr.length);
    addr.forEach((_, i) => {
      sums.flows[i] = big[(i + 1) % big.length]!;
      sums.durUs[i] = durUs[i]!;
      sums.packets[i] = big[i]!;
      sums.bytes[i] = big[(i + 3) % big.length]!;
    });
    const rows = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const text = dayTableCsvBytes(
      { addr: Float64Array.from(addr), v6: Uint8Array.from(v6) },
      rows,
      sums,
    ).toString('latin1');
    const table = {
      date: '2024-01-01',
      ip: addr.map((a, i) => (v6[i] ? ipv6Text(a) : ipv4Text(a))),
      flows: Float64Array.from(rows, (j) => sums.flows[j]!),
      duration: Float64Array.from(rows, (j) => sums.durUs[j]! / 1e6),
      packets: Float64Array.from(rows, (j) => sums.packets[j]!),
      bytes: Float64Array.from(rows, (j) => sums.bytes[j]!),
    };
    expect(text).toBe(dayTableToCsv(sortDayTable(table)));
    const empty = dayTableCsvBytes(
      { addr: new Float64Array(0), v6: new Uint8Array(0) },
      new Int32Array(0),
      sums,
    );
    expect(empty.toString('latin1')).toBe(dayTableToCsv({ ...table, ip: [] }));
  });

  it('counts distinct attackers and those seen on an earlier day as the day tables show', async () => {
    const days = [...(await readAipDays(join(root, 'aip'))).values()];
    const seen = new Set<string>();
    const known: number[] = [];
    for (const rows of days) {
      let k = 0;
      for (const ip of rows.keys()) if (seen.has(ip)) k++;
      known.push(k);
      for (const ip of rows.keys()) seen.add(ip);
    }
    expect(aip.perDay.map((d) => d.knownBefore)).toEqual(known);
    expect(aip.distinctAttackers).toBe(seen.size);
    expect(known[0]).toBe(0);
    // Persistent scanners and returners: most of a late day's attackers were seen before, one-shots never.
    const last = aip.perDay.at(-1)!;
    expect(last.knownBefore / last.attackers).toBeGreaterThan(0.3);
    expect(last.knownBefore / last.attackers).toBeLessThan(0.8);
    expect(zeekA.distinctAttackers).toBe(aip.distinctAttackers);
  });

  it('drops traffic to the late honeypot before its start date', async () => {
    const zeek = await aggregateZeek(join(root, 'zeek-a'));
    const late = zeekA.lateHoneypot;
    expect(late.start > SMALL.startDate).toBe(true);
    expect(zeek.beforeStartByHoneypot.get(late.ip) ?? 0).toBeGreaterThan(0);
    expect(zeek.beforeStartByHoneypot.get(late.ip)).toBe(zeekA.decoys.beforeHoneypotStart);
    // And it is attacked (and counted) from its start date on.
    const text = (await listFiles(join(root, 'zeek-a'))).filter(
      (f) => f >= late.start && f.endsWith('.log.gz'),
    );
    let after = 0;
    for (const rel of text) {
      const body = gunzipSync(await readFile(join(root, 'zeek-a', rel))).toString('utf8');
      for (const line of body.split('\n')) if (line.split('\t')[4] === late.ip) after++;
    }
    expect(after).toBeGreaterThan(0);
  });

  it("reports Alpha's recall in [0.25, 0.5], equal to a recomputation from the day tables", async () => {
    const days = [...(await readAipDays(join(root, 'aip'))).values()];
    let sum = 0;
    let n = 0;
    for (let d = 1; d < days.length; d++) {
      const today = days[d]!;
      if (today.size === 0) continue;
      let both = 0;
      for (const ip of today.keys()) if (days[d - 1]!.has(ip)) both++;
      sum += both / today.size;
      n++;
    }
    expect(aip.alphaRecall).toBeCloseTo(sum / n, 12);
    expect(aip.alphaRecall).toBeGreaterThanOrEqual(0.25);
    expect(aip.alphaRecall).toBeLessThanOrEqual(0.5);
    expect(aip.perDay.map((d) => d.attackers)).toEqual(days.map((r) => r.size));
  });

  it('simulates the required population: heavy tails, persistent, one-shot, returning, IPv6', async () => {
    const days = [...(await readAipDays(join(root, 'aip'))).values()];
    const seen = new Map<string, number[]>();
    const flows: number[] = [];
    days.forEach((rows, d) => {
      for (const [ip, row] of rows) {
        seen.set(ip, [...(seen.get(ip) ?? []), d]);
        flows.push(row.flows);
      }
    });
    flows.sort((a, b) => a - b);
    expect(flows[Math.floor(flows.length / 2)]!).toBeLessThanOrEqual(5);
    expect(flows.at(-1)!).toBeGreaterThan(500);
    const activeDays = [...seen.values()];
    expect(activeDays.filter((d) => d.length >= 8).length).toBeGreaterThan(20);
    expect(activeDays.filter((d) => d.length === 1).length).toBeGreaterThan(300);
    const returned = activeDays.filter((d) => d.some((x, i) => i > 0 && x - d[i - 1]! >= 3));
    expect(returned.length).toBeGreaterThan(20);
    expect([...seen.keys()].some((ip) => ip.includes(':'))).toBe(true);
    // Brute-forcers: long sessions with many packets.
    let longSessions = 0;
    for (const rows of days)
      for (const r of rows.values()) if (r.durUs > 3600e6 && r.packets > 10_000) longSessions++;
    expect(longSessions).toBeGreaterThan(0);
  });

  it('rejects impossible options with a UsageError naming the option', async () => {
    await expect(synthesize({ out: join(root, 'bad'), honeypots: 1 })).rejects.toThrow(UsageError);
    await expect(synthesize({ out: join(root, 'bad'), startDate: '2024-02-30' })).rejects.toThrow(
      /startDate/,
    );
    await expect(synthesize({ out: join(root, 'bad'), days: 0 })).rejects.toThrow(/'days'/);
  });
});
