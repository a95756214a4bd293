/**
 * The ingest hot paths against their slow twins: the Zeek TSV reader's one-pass fast path against its general path
 * (a line cut by a chunk boundary always takes the general path, so feeding a file in tiny chunks reads every line
 * that way), the IPv4 fast path of the IP interner against its byte table, the day aggregator's sorted table against
 * a merge by canonicalIp and sortDayTable, and the one-piece read of a gzip file against the stream.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { sortDayTable } from '../../src/days/day-table-csv.js';
import { AttackTableBuilder } from '../../src/ingest/attack-table-builder.js';
import { COLUMN_NAMES, DayAggregator, OK } from '../../src/ingest/day-aggregator.js';
import { ZeekTsvReader } from '../../src/ingest/formats/zeek-conn-tsv.js';
import { parseHoneypots } from '../../src/ingest/honeypots.js';
import { streamFile } from '../../src/ingest/input-files.js';
import { canonicalIpv4Bytes, IpInterner } from '../../src/ingest/ip-interner.js';
import { SkipCounter } from '../../src/ingest/skips.js';
import { canonicalIp } from '../../src/util/ip/index.js';
import { tempFolders, ZEEK_FIELDS } from './ingest-helpers.js';

const tmp = tempFolders('aiplab-fast-paths-');
afterAll(() => tmp.cleanupAll());

const T0 = Date.UTC(2024, 0, 1) / 1000;
const HONEYPOTS = parseHoneypots(
  'public_ip,operation_start_date,operation_end_date\n192.0.2.1,2024-01-01,\n2001:db8::1,2024-01-01,\n192.0.2.9,2024-01-03,\n',
  'honeypots.csv',
);

/** One data line with the stock 21 columns; `cells` overrides some (by column name). */
function line(k: number, cells: Partial<Record<string, string>> = {}): string {
  const base: Record<string, string> = {
    ts: `${T0 + k * 97}.${String(k % 1000000).padStart(6, '0')}`,
    uid: `C${k}abcdefghijklmnop`,
    'id.orig_h': `10.${k % 7}.${(k * 13) % 256}.${k % 250}`,
    'id.orig_p': String(40000 + (k % 20000)),
    'id.resp_h': k % 4 === 0 ? '192.0.2.77' : '192.0.2.1',
    'id.resp_p': '22',
    proto: 'tcp',
    service: '-',
    duration: k % 5 === 0 ? '-' : `${k % 13}.${String((k * 7919) % 1000000).padStart(6, '0')}`,
    orig_bytes: '0',
    resp_bytes: '0',
    conn_state: 'S0',
    local_orig: 'F',
    local_resp: 'T',
    missed_bytes: '0',
    history: 'S',
    orig_pkts: k % 9 === 0 ? '-' : String(k % 17),
    orig_ip_bytes: String((k * 31) % 5000),
    resp_pkts: '0',
    resp_ip_bytes: '0',
    tunnel_parents: '(empty)',
  };
  return ZEEK_FIELDS.map((f) => cells[f] ?? base[f]).join('\t');
}

/** A conn log full of the cases where the fast path must agree with the general one, or hand the line over. */
function trickyLog(): string {
  const header = [
    '#separator \\x09',
    '#set_separator\t,',
    '#path\tconn',
    `#fields\t${ZEEK_FIELDS.join('\t')}`,
  ];
  const lines: string[] = [...header];
  for (let k = 0; k < 400; k++) lines.push(line(k));
  const odd: Partial<Record<string, string>>[] = [
    { 'id.orig_h': '2001:db8::42' },
    { 'id.orig_h': '2001:DB8::42' }, // another spelling of the one above: merged by canonical IP
    { 'id.orig_h': '2001:db8::43', 'id.resp_h': '2001:db8::1' },
    { 'id.orig_h': '2001:db8::44', 'id.resp_h': '2001:DB8:0::1' }, // the v6 honeypot in another spelling
    { 'id.orig_h': '010.1.2.3' }, // leading zero: not an address
    { 'id.orig_h': '1.2.3.256' },
    { 'id.orig_h': '1.2.3' },
    { 'id.orig_h': 'x' },
    { 'id.orig_h': '' },
    { 'id.orig_h': 'a'.repeat(70) },
    { 'id.resp_h': '' },
    { 'id.resp_h': '192.0.2.01' },
    { 'id.orig_h': '192.0.2.1' }, // from a honeypot
    { 'id.resp_h': '192.0.2.9' }, // a honeypot not operating yet
    { ts: '1704067300' }, // no fraction
    { ts: '1704067300.' },
    { ts: '.5' },
    { ts: '-1704067300.5' },
    { ts: '1.7e9' },
    { ts: 'x' },
    { ts: '' },
    { duration: '5.' },
    { duration: '.25' },
    { duration: '1e3' },
    { duration: '+5' },
    { duration: ' 5' },
    { duration: '-5' },
    { duration: '0x10' },
    { duration: '.' },
    { duration: '' },
    { duration: '1234567890123456.5' },
    { duration: '12345678901234567' },
    { orig_pkts: '12345678901234567890' },
    // Over 15 digits, digit-by-digit sums round where Number() does not: the general path must take these.
    { 'id.orig_h': '10.99.0.1', orig_ip_bytes: '86491588046724056757' },
    { 'id.orig_h': '10.99.0.2', orig_pkts: '804279468310005681' },
    { 'id.orig_h': '10.99.0.3', duration: '639251121994.828704' },
    { orig_ip_bytes: '3.5' },
    { orig_ip_bytes: 'abc' },
    { orig_pkts: '--' },
    { tunnel_parents: '' },
    // Issue 12: domains. Ports, whole counts, durations in µs, zone ids.
    { 'id.orig_p': '0' },
    { 'id.orig_p': '65535' },
    { 'id.orig_p': '65536' },
    { 'id.resp_p': '99999' },
    { 'id.resp_p': '-1' },
    { 'id.resp_p': '-' },
    { 'id.resp_p': '' },
    { 'id.orig_p': '022' },
    { 'id.orig_p': '000022' },
    { 'id.orig_p': '2x' },
    { orig_pkts: '1.0' },
    { orig_pkts: '1.5' },
    { orig_pkts: '1e3' },
    { orig_ip_bytes: '9007199254740991' },
    { orig_ip_bytes: '9007199254740992' },
    { duration: '1.1234565' },
    { duration: '0.0000005' },
    { duration: '999999999.999999' },
    { duration: '99999999.999999' },
    { duration: '9007199254.740992' },
    { duration: '9007199254.740993' },
    { duration: 'Infinity' },
    { duration: '1e308' },
    { 'id.orig_h': 'fe80::1%eth0' },
    { 'id.resp_h': 'fe80::1%eth0' },
    { ts: '99999999999999999' },
    { ts: '4102444800.000000' },
    { ts: '4102444799.999999' },
    { ts: '0.000001' },
  ];
  odd.forEach((cells, k) => {
    lines.push(line(1000 + k, cells));
  });
  lines.push(line(2000).split('\t').slice(0, 10).join('\t')); // too few fields
  lines.push(line(2004).split('\t').slice(0, -1).join('\t')); // one field fewer: after the columns read
  lines.push(`${line(2005)}\textra`); // one field more
  lines.push(`${line(2006)}\t`); // one (empty) field more
  lines.push(`${line(2001)}\r`); // CRLF
  lines.push(''); // blank
  lines.push(`  ${line(2002)}`); // leading blanks
  lines.push(`\t${line(2003)}`);
  // A second header block in another column order (the needed columns last).
  const reordered = [...ZEEK_FIELDS].reverse();
  lines.push(`#fields\t${reordered.join('\t')}`);
  for (let k = 3000; k < 3100; k++) lines.push(line(k).split('\t').reverse().join('\t'));
  lines.push(line(4000).split('\t').reverse().join('\t')); // the last line, without newline
  return lines.join('\n');
}

/** Reads `text` cut into chunks at `cuts`, returns what the reader and the collector made of it. */
async function readChunks(text: string, chunkSizes: (k: number) => number) {
  const dir = await tmp.make();
  const skips = new SkipCounter('skip');
  const collector = new AttackTableBuilder({
    honeypots: HONEYPOTS,
    from: undefined,
    to: undefined,
    skips,
    tmpDir: dir,
  });
  collector.file = 'conn.log';
  const reader = new ZeekTsvReader('conn.log', collector, skips);
  const bytes = Buffer.from(text, 'latin1');
  for (let pos = 0, k = 0; pos < bytes.length; k++) {
    const n = Math.max(1, chunkSizes(k));
    // Each chunk in a buffer of its own, with foreign bytes around it: nothing may be read past its end.
    const padded = Buffer.alloc(n + 8, 0x31);
    bytes.copy(padded, 4, pos, pos + n);
    reader.push(padded.subarray(4, 4 + Math.min(n, bytes.length - pos)));
    pos += n;
  }
  reader.end();
  const { entries } = collector.finishPart();
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort())
    files[name] = (await readFile(join(dir, name))).toString('hex');
  return {
    lines: reader.lines,
    records: collector.records,
    warnings: reader.warnings,
    report: skips.report(),
    entries,
    files,
  };
}

describe('Zeek TSV fast path', () => {
  it('reads a file in one chunk exactly as line by line through the general path', async () => {
    const text = trickyLog();
    const whole = await readChunks(text, () => text.length);
    // Chunks of 1 to 7 bytes: every line is cut, so every line takes the general path.
    const tiny = await readChunks(text, (k) => 1 + ((k * 5) % 7));
    const mid = await readChunks(text, (k) => 50 + ((k * 977) % 300));
    expect(whole.records).toBeGreaterThan(450);
    expect(Object.keys(whole.report.malformed).length).toBeGreaterThan(4);
    expect(whole.files).toEqual(tiny.files);
    expect(whole).toEqual(tiny);
    expect(mid).toEqual(tiny);
  });

  it('a fast-path line and a general-path line give the same sums, to the last bit', async () => {
    const header = `#fields\t${ZEEK_FIELDS.join('\t')}\n`;
    const text = `${header + Array.from({ length: 3000 }, (_, k) => line(k, { 'id.orig_h': `10.0.0.${k % 3}` })).join('\n')}\n`;
    const whole = await readChunks(text, () => text.length);
    const tiny = await readChunks(text, () => 3);
    expect(whole.files).toEqual(tiny.files);
  });
});

describe('IpInterner', () => {
  const bytes = (s: string) => Buffer.from(s, 'latin1');

  it('canonicalIpv4Bytes takes exactly the dotted quads canonicalIp gives back unchanged', () => {
    const texts = [
      '1.2.3.4',
      '0.0.0.0',
      '255.255.255.255',
      '10.20.30.40',
      '100.0.0.9',
      '01.2.3.4',
      '1.2.3.04',
    ];
    texts.push('256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.x', '::1', '');
    for (const t of texts) {
      const v = canonicalIpv4Bytes(bytes(t), 0, t.length);
      expect(v >= 0, t).toBe(canonicalIp(t) === t && !t.includes(':'));
      if (v >= 0) expect([v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.')).toBe(t);
    }
    // Bytes around the field are not read.
    expect(canonicalIpv4Bytes(bytes('x1.2.3.45'), 1, 8)).toBe(0x01020304);
  });

  it('one id per text, from bytes or strings, and the text back', () => {
    const interner = new IpInterner();
    const texts: string[] = [];
    for (let k = 0; k < 70000; k++) {
      texts.push(
        k % 3 === 0
          ? `${k >>> 16}.${(k >>> 8) & 255}.${k & 255}.7`
          : k % 3 === 1
            ? `2001:db8:${(k & 0xffff).toString(16)}::${(k >>> 16).toString(16)}`
            : `${k % 256}.1.2.3 `, // not canonical: kept by its bytes
      );
    }
    const ids = texts.map((t) => interner.internString(t));
    expect(new Set(ids).size).toBe(new Set(texts).size);
    texts.forEach((t, k) => {
      const b = bytes(`\t${t}\t`);
      expect(interner.intern(b, 1, b.length - 1)).toBe(ids[k]);
      expect(interner.text(ids[k]!)).toBe(t);
      const v = canonicalIpv4Bytes(bytes(t), 0, t.length);
      expect(interner.ipv4(ids[k]!)).toBe(v);
    });
    expect(interner.size).toBe(new Set(texts).size);
  });
});

describe('DayAggregator.toSortedTable', () => {
  it('equals merging by canonicalIp in row order, then sortDayTable', () => {
    const interner = new IpInterner();
    const agg = new DayAggregator(19723);
    const texts = [
      '10.0.0.2',
      '2001:DB8::1',
      '9.9.9.9',
      '2001:db8::1',
      '10.0.0.10',
      '::1',
      '2001:db8:0::1',
      '1.2.3.4',
    ];
    for (let k = 0; k < 5000; k++) texts.push(`${(k * 7) % 256}.${k % 13}.0.${k % 256}`);
    // Durations in whole µs (summed exactly, whatever the order).
    const value = (k: number, r: number) => [1, 100_000 * (k + 1) + r, k % 5, k * 3 + r] as const;
    texts.forEach((t, k) => {
      for (let r = 0; r < 3; r++) expect(agg.add(interner.internString(t), ...value(k, r))).toBe(OK);
    });
    const got = agg.toSortedTable(
      '2024-01-01',
      (id) => canonicalIp(interner.text(id))!,
      (id) => interner.ipv4(id),
    );
    // The reference: sums per text in the order added, then per canonical IP over the texts in first-seen order.
    const perText = new Map<string, number[]>();
    texts.forEach((t, k) => {
      const row = perText.get(t) ?? [0, 0, 0, 0];
      for (let r = 0; r < 3; r++) {
        const v = value(k, r);
        for (let j = 0; j < 4; j++) row[j]! += v[j]!;
      }
      perText.set(t, row);
    });
    const index = new Map<string, number>();
    const ip: string[] = [];
    const cols: number[][] = [[], [], [], []];
    for (const [t, row] of perText) {
      const c = canonicalIp(t)!;
      let i = index.get(c);
      if (i === undefined) {
        i = ip.length;
        index.set(c, i);
        ip.push(c);
        for (const col of cols) col.push(0);
      }
      for (let j = 0; j < 4; j++) cols[j]![i]! += row[j]!;
    }
    const want = sortDayTable({
      date: '2024-01-01',
      ip,
      flows: Float64Array.from(cols[0]!),
      duration: Float64Array.from(cols[1]!, (us) => us / 1e6),
      packets: Float64Array.from(cols[2]!),
      bytes: Float64Array.from(cols[3]!),
    });
    expect(got).toEqual(want);
    expect(got.ip.filter((x) => x.includes(':'))).toEqual(['::1', '2001:db8::1']);
  });
});

describe('DayAggregator sums', () => {
  it('refuses a sum past 2^53 − 1 (2^53 µs for durations), naming the column, and adds nothing', () => {
    const agg = new DayAggregator(19723);
    const name = (over: number) => (over === OK ? 'OK' : COLUMN_NAMES[over]);
    expect(name(agg.add(7, 1, 2 ** 53, 2 ** 53 - 1, 2 ** 53 - 2))).toBe('OK');
    expect(name(agg.add(7, 0, 0, 1, 0))).toBe('packets');
    expect(name(agg.add(7, 0, 1, 0, 0))).toBe('duration');
    expect(name(agg.add(7, 0, 0, 0, 2))).toBe('bytes');
    expect(name(agg.add(7, 0, 0, 0, 1))).toBe('OK');
    expect(name(agg.add(8, 2 ** 53 - 1, 0, 0, 0))).toBe('OK');
    expect(name(agg.add(8, 1, 0, 0, 0))).toBe('flows');
    const table = agg.toSortedTable(
      '2024-01-01',
      (id) => `10.0.0.${id}`,
      (id) => 0x0a000000 + id,
    );
    expect([...table.flows]).toEqual([1, 2 ** 53 - 1]);
    expect([...table.duration]).toEqual([2 ** 53 / 1e6, 0]);
    expect([...table.packets]).toEqual([2 ** 53 - 1, 0]);
    expect([...table.bytes]).toEqual([2 ** 53 - 1, 0]);
  });

  it('a merge of spellings past 2^53 − 1 is a DataError naming the day, the IP and the column', () => {
    const interner = new IpInterner();
    const agg = new DayAggregator(19723);
    expect(agg.add(interner.internString('2001:db8::1'), 1, 0, 2 ** 52, 0)).toBe(OK);
    expect(agg.add(interner.internString('2001:DB8::1'), 1, 0, 2 ** 52, 0)).toBe(OK);
    expect(() =>
      agg.toSortedTable(
        '2024-01-01',
        (id) => canonicalIp(interner.text(id))!,
        (id) => interner.ipv4(id),
      ),
    ).toThrow(/packets of 2001:db8::1 on 2024-01-01/);
  });
});

describe('reading a gzip file in one piece', () => {
  it('gives what the stream gives, for several gzip members and for a plain file', async () => {
    const dir = await tmp.make();
    await mkdir(dir, { recursive: true });
    const a = Buffer.from('#fields\tts\n'.repeat(5000));
    const b = Buffer.from('second member\n'.repeat(300));
    const multi = join(dir, 'multi.gz');
    await writeFile(multi, Buffer.concat([gzipSync(a), gzipSync(b)]));
    const plain = join(dir, 'plain.log');
    await writeFile(plain, a);
    const empty = join(dir, 'empty.gz');
    await writeFile(empty, gzipSync(Buffer.alloc(0)));
    for (const [path, want] of [
      [multi, Buffer.concat([a, b])],
      [plain, a],
      [empty, Buffer.alloc(0)],
    ] as const) {
      const chunks: Buffer[] = [];
      let raw = 0;
      const stats = await streamFile(
        path,
        (c) => chunks.push(Buffer.from(c)),
        (n) => {
          raw += n;
        },
      );
      expect(Buffer.concat(chunks).equals(want), path).toBe(true);
      expect(stats.bytes).toBe((await readFile(path)).length);
      expect(raw).toBe(stats.bytes);
      expect(stats.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});
