/**
 * nfdump `-o csv` input (docs/input-nfdump.md): the classic layout of nfdump 1.6 to 1.7.4 and the token layout of 1.7.5
 * on, read into the same day tables; local times turned into UTC by `--tz` (DST gaps and repeats included); the
 * trailers nfdump prints; which files of a folder are read; and a real run of nfpcapd and nfdump 1.7.1 on a pcap this
 * test writes itself. Expected day tables are written by hand (test/fixtures/nfdump/README.md shows the sums) or made
 * here from the packets and times, never from the reader.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatasetManifest, ingest, UsageError } from '../../src/index.js';
import { LocalTimes, wallClockMs } from '../../src/ingest/formats/nfdump.js';
import { ROOT, rejection, runCli } from '../helpers.js';
import { skipBecause } from '../skip-reasons.js';
import { expectRows, put, type Row, readDayFile, row, tempFolders } from './ingest-helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'nfdump');
const HONEYPOTS = join(FIXTURES, 'honeypots.csv');
const tmp = tempFolders('aiplab-nfdump-');
afterAll(() => tmp.cleanupAll());

const NOT_HONEYPOT = 'responder is not a listed honeypot';
const FROM_HONEYPOT = 'originated by a honeypot';
const INACTIVE = 'honeypot outside its operation dates';

async function ingestNfdump(
  inputs: string[],
  options: { tz?: string; honeypots?: string; onError?: 'skip' | 'fail' } = {},
): Promise<{ out: string; manifest: DatasetManifest }> {
  const out = join(await tmp.make(), 'out');
  const { manifest } = await ingest({
    format: 'nfdump',
    inputs,
    honeypots: options.honeypots ?? HONEYPOTS,
    out,
    onError: options.onError ?? 'skip',
    reader: options.tz === undefined ? {} : { tz: options.tz },
  });
  return { out, manifest };
}

function dayRows(out: string, day: string): Promise<Row[]> {
  return readDayFile(join(out, `attacks.${day}.csv.gz`));
}

/** The column names of the classic header (nfdump 1.6.x to 1.7.4, output_csv.c's csv_prolog). */
const CLASSIC_HEADER =
  'ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,smk,dmk,dtos,dir,nh,nhb,svln,dvln,ismc,odmc,idmc,osmc,mpls1,mpls2,mpls3,mpls4,mpls5,mpls6,mpls7,mpls8,mpls9,mpls10,cl,sl,al,ra,eng,exid,tr';

/** A classic line with the given start time, addresses and sums, the other columns as nfdump 1.7.1 fills them. */
function classicLine(ts: string, sa: string, da: string, td = '1.000', ipkt = 1, ibyt = 40): string {
  const mac = '00:00:00:00:00:00';
  return [
    ts,
    ts,
    td,
    sa,
    da,
    '40000',
    '22',
    'TCP',
    '......S.',
    '0',
    '0',
    String(ipkt),
    String(ibyt),
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

function classicCsv(lines: string[]): string {
  return `${[CLASSIC_HEADER, ...lines, 'Summary', 'flows,bytes,packets,avg_bps,avg_pps,avg_bpp', `${lines.length},0,0,0,0,0`].join('\n')}\n`;
}

const HP = '198.51.100.1';
const HP_LIST = `public_ip,operation_start_date,operation_end_date\n${HP},2020-01-01,\n`;

describe('the two header layouts give the same day tables', () => {
  // Hand-computed from the nine records of the fixtures (see test/fixtures/nfdump/README.md).
  const JAN1 = [row('10.0.0.1', 1, 5.25, 3, 180), row('10.0.0.2', 1, 0, 1, 58)];
  const JAN2 = [
    row('10.0.0.1', 2, 1.5, 3, 160),
    row('10.0.0.4', 1, 0, 1, 84),
    row('2001:db8::7', 1, 2.5, 4, 400),
  ];

  it.each([['classic-1.6.csv'], ['token-1.7.5.csv']])(
    '%s: midnight crossing, IPv6, ICMP, a honeypot outside its dates, the Summary trailer',
    async (name) => {
      const { out, manifest } = await ingestNfdump([join(FIXTURES, name)]);
      expect(manifest.format).toBe('nfdump');
      expect(manifest.skipped.malformed).toEqual({});
      expect(manifest.skipped.dropped).toEqual({ [NOT_HONEYPOT]: 1, [FROM_HONEYPOT]: 1, [INACTIVE]: 1 });
      expect(manifest.records).toBe(9);
      expect(manifest.inputs[0]!.lines).toBe(13);
      expect(manifest.days.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-02']);
      expectRows(await dayRows(out, '2024-01-01'), JAN1, name);
      expectRows(await dayRows(out, '2024-01-02'), JAN2, name);
    },
  );

  it('both files together sum to twice each row', async () => {
    const { out } = await ingestNfdump([
      join(FIXTURES, 'classic-1.6.csv'),
      join(FIXTURES, 'token-1.7.5.csv'),
    ]);
    const twice = (r: Row) => row(r.ip, 2 * r.flows, 2 * r.duration, 2 * r.packets, 2 * r.bytes);
    expectRows(await dayRows(out, '2024-01-01'), JAN1.map(twice));
    expectRows(await dayRows(out, '2024-01-02'), JAN2.map(twice));
  });

  it('a token header with other columns, inPackets/inBytes and epoch seconds (%tsr) is read by name', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'hp.csv'), HP_LIST);
    // -o 'csv:%sa,%da,%ipkt,%ibyt,%tsr,%td,%pr' : 1704153600 = 2024-01-02 00:00:00 UTC.
    const text = [
      'srcAddr,dstAddr,inPackets,inBytes,firstSeen,duration,proto',
      `10.0.0.1,${HP},5,500,1704153599.999,0.001,6`,
      `10.0.0.1,${HP},2,80,1704153600.000,2.000,6`,
      '',
    ].join('\n');
    const input = await put(join(dir, 'custom.nfdump.csv'), text);
    const { out, manifest } = await ingestNfdump([input], { honeypots: hp, tz: 'Asia/Tokyo' });
    expect(manifest.skipped.malformed).toEqual({});
    // Epoch seconds are UTC whatever --tz says.
    expectRows(await dayRows(out, '2024-01-01'), [row('10.0.0.1', 1, 0.001, 5, 500)]);
    expectRows(await dayRows(out, '2024-01-02'), [row('10.0.0.1', 1, 2, 2, 80)]);
  });

  it("'No matching flows' and the Summary of an empty dump: no records, no error", async () => {
    const dir = await tmp.make();
    const text = `${CLASSIC_HEADER}\nNo matching flows\nSummary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n0,0,0,0,0,0\n`;
    const input = await put(join(dir, 'nfcapd.202401020000.csv'), text);
    const { manifest } = await ingestNfdump([input]);
    expect(manifest.records).toBe(0);
    expect(manifest.days).toEqual([]);
    expect(manifest.skipped.malformed).toEqual({});
  });

  it('a header with no records and no trailer (nfdump 1.7.5 -q still prints the header) is empty input', async () => {
    const dir = await tmp.make();
    const input = await put(
      join(dir, 'a.csv'),
      'firstSeen,duration,proto,srcAddr,srcPort,dstAddr,dstPort,packets,bytes,flows\n',
    );
    const { manifest } = await ingestNfdump([input]);
    expect(manifest.records).toBe(0);
  });
});

describe('--tz: nfdump prints local time', () => {
  // One attacker per line so each row shows which UTC day its time went to.
  const LINES: [string, string][] = [
    ['2024-01-02 00:30:00', '10.0.1.1'], // CET (+1): 2024-01-01 23:30 UTC
    ['2024-01-02 01:30:00', '10.0.1.2'], // 2024-01-02 00:30 UTC
    ['2024-07-01 01:30:00', '10.0.1.3'], // CEST (+2): 2024-06-30 23:30 UTC
    ['2024-07-01 02:30:00', '10.0.1.4'], // 2024-07-01 00:30 UTC
  ];

  async function input(lines: [string, string][]): Promise<{ input: string; hp: string }> {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'hp.csv'), HP_LIST);
    const text = classicCsv(lines.map(([ts, ip]) => classicLine(ts, ip, HP)));
    return { input: await put(join(dir, 'nfcapd.x.csv'), text), hp };
  }

  it('Europe/Prague moves a flow after local midnight to the previous UTC day, by the offset of its date', async () => {
    const { input: file, hp } = await input(LINES);
    const { out, manifest } = await ingestNfdump([file], { honeypots: hp, tz: 'Europe/Prague' });
    expect(manifest.reader).toEqual({ tz: 'Europe/Prague' });
    expectRows(await dayRows(out, '2024-01-01'), [row('10.0.1.1', 1, 1, 1, 40)]);
    expectRows(await dayRows(out, '2024-01-02'), [row('10.0.1.2', 1, 1, 1, 40)]);
    expectRows(await dayRows(out, '2024-06-30'), [row('10.0.1.3', 1, 1, 1, 40)]);
    expectRows(await dayRows(out, '2024-07-01'), [row('10.0.1.4', 1, 1, 1, 40)]);
  });

  it('without --tz the times are UTC', async () => {
    const { input: file, hp } = await input(LINES);
    const { out, manifest } = await ingestNfdump([file], { honeypots: hp });
    expect(manifest.reader).toBeUndefined();
    expectRows(await dayRows(out, '2024-01-02'), [
      row('10.0.1.1', 1, 1, 1, 40),
      row('10.0.1.2', 1, 1, 1, 40),
    ]);
    expectRows(await dayRows(out, '2024-07-01'), [
      row('10.0.1.3', 1, 1, 1, 40),
      row('10.0.1.4', 1, 1, 1, 40),
    ]);
  });

  it('spring forward: a skipped local time is a located bad ts; the times either side get their own offsets', async () => {
    const { input: file, hp } = await input([
      ['2024-03-31 00:30:00', '10.0.2.1'], // CET: 2024-03-30 23:30 UTC
      ['2024-03-31 02:30:00', '10.0.2.2'], // does not exist in Prague (02:00 → 03:00)
      ['2024-04-01 01:30:00', '10.0.2.3'], // CEST: 2024-03-31 23:30 UTC
    ]);
    const { out, manifest } = await ingestNfdump([file], { honeypots: hp, tz: 'Europe/Prague' });
    expect(manifest.skipped.malformed).toEqual({ 'bad ts': 1 });
    const example = manifest.skipped.examples['bad ts']![0]!;
    expect(example.startsWith(`${file}:3: field 'ts': `), example).toBe(true);
    expect(example).toContain('does not exist in Europe/Prague');
    expectRows(await dayRows(out, '2024-03-30'), [row('10.0.2.1', 1, 1, 1, 40)]);
    expectRows(await dayRows(out, '2024-03-31'), [row('10.0.2.3', 1, 1, 1, 40)]);
    // With --on-error fail it is a DataError naming file, line and field.
    const e = await rejection(ingestNfdump([file], { honeypots: hp, tz: 'Europe/Prague', onError: 'fail' }));
    expect([
      (e as { file?: string }).file,
      (e as { line?: number }).line,
      (e as { field?: string }).field,
    ]).toEqual([file, 3, 'ts']);
  });

  it('fall back: a repeated local time is the earlier instant (still on summer time)', async () => {
    // Antarctica/Troll goes from +02 back to +00 at 01:00 UTC on 2024-10-27: local 01:00–02:59 happens twice, and
    // local 01:30 is 2024-10-26 23:30 UTC (the first time) or 2024-10-27 01:30 UTC (the second).
    const { input: file, hp } = await input([
      ['2024-10-27 00:30:00', '10.0.3.1'], // +02 only: 2024-10-26 22:30 UTC
      ['2024-10-27 01:30:00', '10.0.3.2'], // twice: the first, 2024-10-26 23:30 UTC
      ['2024-10-27 03:30:00', '10.0.3.3'], // +00 only: 2024-10-27 03:30 UTC
    ]);
    const { out, manifest } = await ingestNfdump([file], { honeypots: hp, tz: 'Antarctica/Troll' });
    expect(manifest.skipped.malformed).toEqual({});
    expectRows(await dayRows(out, '2024-10-26'), [
      row('10.0.3.1', 1, 1, 1, 40),
      row('10.0.3.2', 1, 1, 1, 40),
    ]);
    expectRows(await dayRows(out, '2024-10-27'), [row('10.0.3.3', 1, 1, 1, 40)]);
  });

  it('an unknown zone is a UsageError naming --tz, from the API and the CLI (exit 2)', async () => {
    const e = await rejection(ingestNfdump([join(FIXTURES, 'classic-1.6.csv')], { tz: 'Mars/Olympus_Mons' }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('--tz');
    expect(e.message).toContain('Mars/Olympus_Mons');
    const out = join(await tmp.make(), 'out');
    const run = await runCli([
      'ingest',
      'nfdump',
      join(FIXTURES, 'classic-1.6.csv'),
      '--honeypots',
      HONEYPOTS,
      '--out',
      out,
      '--tz',
      'Mars/Olympus_Mons',
      '-q',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--tz');
  });
});

describe('LocalTimes (local wall-clock to UTC)', () => {
  const wall = (text: string) => Date.parse(`${text.replace(' ', 'T')}Z`);

  it('wallClockMs reads nfdump times as Date.parse reads the ISO text (seeded, 1970 to 2099, leap days)', () => {
    let a = 2026;
    const next = () => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return a / 2 ** 32;
    };
    const texts = [
      '2024-02-29 23:59:59.999',
      '2100-02-28 00:00:00',
      '1970-01-01 00:00:00',
      '2000-02-29 12:00:00.5',
    ];
    for (let k = 0; k < 2000; k++) {
      const ms = Math.floor(next() * Date.UTC(2100, 0, 1));
      const iso = new Date(ms).toISOString();
      texts.push(
        k % 2 === 0 ? `${iso.slice(0, 10)} ${iso.slice(11, 23)}` : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`,
      );
    }
    for (const text of texts) {
      const buf = Buffer.from(`,${text},`);
      expect(wallClockMs(buf, 1, buf.length - 1), text).toBe(wall(text));
    }
    for (const bad of [
      '2023-02-29 00:00:00',
      '2100-02-29 00:00:00',
      '2024-04-31 00:00:00',
      '2024-01-01 24:00:00',
      '2024-01-01 00:60:00',
      '2024-01-01 00:00:60',
      '2024-01-01T00:00:00',
      '2024-01-01 00:00:00.',
      '0000-00-00 00:00:00.000',
    ]) {
      expect(wallClockMs(Buffer.from(bad), 0, bad.length), bad).toBeNaN();
    }
  });

  it.each([
    // zone, local time, UTC (or null: the local time does not exist)
    ['Europe/Prague', '2024-01-15 12:00:00', '2024-01-15T11:00:00Z'],
    ['Europe/Prague', '2024-07-15 12:00:00', '2024-07-15T10:00:00Z'],
    ['Europe/Prague', '2024-03-31 02:30:00', null],
    ['Europe/Prague', '2024-03-31 01:59:59', '2024-03-31T00:59:59Z'],
    ['Europe/Prague', '2024-03-31 03:00:00', '2024-03-31T01:00:00Z'],
    ['Europe/Prague', '2024-10-27 02:30:00', '2024-10-27T00:30:00Z'],
    ['Europe/Prague', '2024-10-27 03:00:00', '2024-10-27T02:00:00Z'],
    ['America/New_York', '2024-03-10 02:15:00', null],
    ['America/New_York', '2024-11-03 01:15:00', '2024-11-03T05:15:00Z'],
    ['Asia/Kolkata', '2024-06-01 00:10:00', '2024-05-31T18:40:00Z'],
    // Lord Howe Island: summer time is half an hour (+10:30 / +11), ending at 02:00 and starting at 02:00 local.
    ['Australia/Lord_Howe', '2024-04-07 01:45:00', '2024-04-06T14:45:00Z'],
    ['Australia/Lord_Howe', '2024-10-06 02:15:00', null],
    ['Australia/Lord_Howe', '2024-10-06 02:30:00', '2024-10-05T15:30:00Z'],
    ['UTC', '2024-03-31 02:30:00', '2024-03-31T02:30:00Z'],
  ])('%s %s → %s', (zone, local, utc) => {
    const got = new LocalTimes(zone).toEpochMs(wall(local));
    if (utc === null) expect(got).toBeNaN();
    else expect(new Date(got).toISOString()).toBe(new Date(Date.parse(utc)).toISOString());
  });

  it.each([
    ['Europe/Prague', '2024-03-30', '2024-04-01'],
    ['Europe/Prague', '2024-10-26', '2024-10-28'],
    ['Australia/Lord_Howe', '2024-04-06', '2024-04-08'],
    ['Australia/Lord_Howe', '2024-10-05', '2024-10-07'],
    ['Antarctica/Troll', '2024-10-26', '2024-10-28'],
  ])(
    '%s, every minute from %s to %s: the earliest instant Intl shows at that local time',
    (zone, from, to) => {
      // Brute force: the local time of every UTC minute around the change, from Intl's formatting alone.
      const fmt = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
      });
      const localKey = (u: number) => {
        const p = Object.fromEntries(fmt.formatToParts(u).map((x) => [x.type, x.value]));
        return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
      };
      const earliest = new Map<string, number>();
      const start = Date.parse(`${from}T00:00:00Z`);
      const end = Date.parse(`${to}T00:00:00Z`);
      for (let u = start - 86_400_000; u < end + 86_400_000; u += 60_000) {
        const key = localKey(u);
        if (!earliest.has(key)) earliest.set(key, u);
      }
      const times = new LocalTimes(zone);
      let gaps = 0;
      for (let w = start; w < end; w += 60_000) {
        const key = new Date(w).toISOString().slice(0, 16).replace('T', ' ');
        const want = earliest.get(key);
        const got = times.toEpochMs(w);
        if (want === undefined) {
          gaps++;
          expect(got, key).toBeNaN();
        } else expect(got, key).toBe(want);
      }
      // Only spring-forward days have a gap (60 or 30 minutes).
      expect([0, 30, 60]).toContain(gaps);
    },
  );
});

describe('which files a folder gives', () => {
  it('nfcapd*.csv[.gz] and *.nfdump.csv[.gz] are read; other files only when named', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'hp.csv'), HP_LIST);
    const one = (ip: string) => classicCsv([classicLine('2024-01-02 10:00:00', ip, HP)]);
    const a = await put(join(dir, 'in', 'nfcapd.202401021000.csv'), one('10.0.0.1'));
    const b = await put(join(dir, 'in', 'sub', 'router1.nfdump.csv.gz'), one('10.0.0.2'));
    await put(join(dir, 'in', 'notes.csv'), one('10.0.0.3'));
    await put(join(dir, 'in', 'nfcapd.202401021000'), 'not csv');
    const named = await put(join(dir, 'export.txt'), one('10.0.0.4'));
    const { out, manifest } = await ingestNfdump([join(dir, 'in'), named], { honeypots: hp });
    expect(manifest.inputs.map((i) => i.path)).toEqual([a, b, named]);
    expectRows(await dayRows(out, '2024-01-02'), [
      row('10.0.0.1', 1, 1, 1, 40),
      row('10.0.0.2', 1, 1, 1, 40),
      row('10.0.0.4', 1, 1, 1, 40),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Real nfdump: a pcap written here, made into nfcapd files by nfpcapd, dumped by nfdump -o csv.

interface Packet {
  /** Epoch seconds (ms precision). */
  t: number;
  src: string;
  dst: string;
  proto: 6 | 17;
  sport: number;
  dport: number;
  /** Payload bytes after the TCP (20) or UDP (8) header. */
  payload: number;
}

/** A libpcap file (microsecond times, Ethernet) of IPv4 TCP/UDP packets. */
function pcapFile(packets: readonly Packet[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeInt32LE(0, 8);
  head.writeUInt32LE(0, 12);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  const parts = [head];
  for (const p of packets) {
    const l4 = Buffer.alloc((p.proto === 6 ? 20 : 8) + p.payload, 0x61);
    l4.writeUInt16BE(p.sport, 0);
    l4.writeUInt16BE(p.dport, 2);
    if (p.proto === 6) {
      l4.writeUInt32BE(1, 4); // seq
      l4.writeUInt32BE(0, 8);
      l4[12] = 5 << 4; // data offset
      l4[13] = 0x02; // SYN
      l4.writeUInt16BE(65535, 14);
      l4.writeUInt32BE(0, 16);
    } else {
      l4.writeUInt16BE(8 + p.payload, 4);
      l4.writeUInt16BE(0, 6);
    }
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + l4.length, 2);
    ip[8] = 64;
    ip[9] = p.proto;
    p.src.split('.').forEach((o, k) => {
      ip[12 + k] = Number(o);
    });
    p.dst.split('.').forEach((o, k) => {
      ip[16 + k] = Number(o);
    });
    let sum = 0;
    for (let k = 0; k < 20; k += 2) sum += ip.readUInt16BE(k);
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
    ip.writeUInt16BE(~sum & 0xffff, 10);
    const eth = Buffer.from([
      0, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0x08, 0x00,
    ]);
    const frame = Buffer.concat([eth, ip, l4]);
    const rec = Buffer.alloc(16);
    const sec = Math.floor(p.t);
    rec.writeUInt32LE(sec, 0);
    rec.writeUInt32LE(Math.round((p.t - sec) * 1e6), 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  }
  return Buffer.concat(parts);
}

const T0 = Date.UTC(2024, 0, 1, 23, 30) / 1000; // 2024-01-01 23:30 UTC = 2024-01-02 00:30 in Prague
const T1 = Date.UTC(2024, 0, 2, 0, 10) / 1000;
const T2 = Date.UTC(2024, 0, 2, 10, 0) / 1000;
const PACKETS: Packet[] = [
  // 10.1.0.1 → honeypot, one TCP flow of 3 packets over 2.5 s: IP lengths 40 + 50 + 140.
  { t: T0, src: '10.1.0.1', dst: HP, proto: 6, sport: 40000, dport: 22, payload: 0 },
  { t: T0 + 1.25, src: '10.1.0.1', dst: HP, proto: 6, sport: 40000, dport: 22, payload: 10 },
  { t: T0 + 2.5, src: '10.1.0.1', dst: HP, proto: 6, sport: 40000, dport: 22, payload: 100 },
  // The honeypot's answer is a flow of its own (nfpcapd keeps one direction a flow): originated by a honeypot.
  { t: T0 + 0.5, src: HP, dst: '10.1.0.1', proto: 6, sport: 22, dport: 40000, payload: 4 },
  // 10.1.0.2 → honeypot, UDP, 2 packets 0.5 s apart: 2 × (20 + 8 + 30).
  { t: T1, src: '10.1.0.2', dst: HP, proto: 17, sport: 5000, dport: 7000, payload: 30 },
  { t: T1 + 0.5, src: '10.1.0.2', dst: HP, proto: 17, sport: 5000, dport: 7000, payload: 30 },
  // To an address that is no honeypot.
  { t: T1 + 1, src: '10.1.0.3', dst: '192.0.2.1', proto: 17, sport: 5001, dport: 7000, payload: 1 },
  // 10.1.0.1 again, another flow on the next UTC day: one bare SYN, 40 bytes.
  { t: T2, src: '10.1.0.1', dst: HP, proto: 6, sport: 40001, dport: 80, payload: 0 },
];
/** By hand from PACKETS: ibyt counts IP bytes (IP header and up, no Ethernet header). */
const PACKET_DAYS: Record<string, Row[]> = {
  '2024-01-01': [row('10.1.0.1', 1, 2.5, 3, 230)],
  '2024-01-02': [row('10.1.0.1', 1, 0, 1, 40), row('10.1.0.2', 1, 0.5, 2, 116)],
};

const missingTool = ['nfdump', 'nfpcapd'].find(
  (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0,
);

describe.skipIf(
  skipBecause(import.meta.url, missingTool === undefined ? false : `${missingTool} is not installed`),
)('real nfpcapd and nfdump', () => {
  /** Runs nfpcapd on the pcap, then nfdump -R on its files with TZ=tz; returns the CSV file. */
  async function dump(tz: string): Promise<string> {
    const dir = await tmp.make();
    const pcap = join(dir, 'capture.pcap');
    await writeFile(pcap, pcapFile(PACKETS));
    const flows = join(dir, 'flows');
    await mkdir(flows);
    const cap = spawnSync('nfpcapd', ['-r', pcap, '-w', flows], { encoding: 'utf8', timeout: 60_000 });
    expect(cap.status, cap.stderr).toBe(0);
    const env = { ...process.env, TZ: tz };
    const dumped = spawnSync('nfdump', ['-R', flows, '-o', 'csv'], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(dumped.status, dumped.stderr).toBe(0);
    return put(join(dir, 'nfcapd.all.csv'), dumped.stdout);
  }

  it('nfdump run in Europe/Prague, read with --tz Europe/Prague (the CLI): the day tables of the packets', async () => {
    const csv = await dump('Europe/Prague');
    const dir = await tmp.make();
    const hp = await put(join(dir, 'hp.csv'), HP_LIST);
    const out = join(dir, 'out');
    const run = await runCli([
      'ingest',
      'nfdump',
      csv,
      '--honeypots',
      hp,
      '--out',
      out,
      '--tz',
      'Europe/Prague',
      '-q',
    ]);
    expect(run.code, run.stderr).toBe(0);
    for (const [day, rows] of Object.entries(PACKET_DAYS)) expectRows(await dayRows(out, day), rows, day);
  }, 60_000);

  it('nfdump run in UTC, read without --tz: the same; with a wrong --tz the first flow moves a day', async () => {
    const csv = await dump('UTC');
    const dir = await tmp.make();
    const hp = await put(join(dir, 'hp.csv'), HP_LIST);
    const { out, manifest } = await ingestNfdump([csv], { honeypots: hp });
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.skipped.dropped).toEqual({ [NOT_HONEYPOT]: 1, [FROM_HONEYPOT]: 1 });
    for (const [day, rows] of Object.entries(PACKET_DAYS)) expectRows(await dayRows(out, day), rows, day);
    const wrong = await ingestNfdump([csv], { honeypots: hp, tz: 'America/New_York' });
    expect(wrong.manifest.days.map((d) => d.date)).toEqual(['2024-01-02']);
  }, 60_000);
});

describe('a stored real nfdump 1.7.1 dump (the packets above, nfdump run with TZ=UTC)', () => {
  it('gives the day tables of the packets', async () => {
    const dir = await tmp.make();
    const hp = await put(join(dir, 'hp.csv'), HP_LIST);
    const { out, manifest } = await ingestNfdump([join(FIXTURES, 'nfcapd.real-1.7.1.csv')], {
      honeypots: hp,
    });
    expect(manifest.skipped.malformed).toEqual({});
    for (const [day, rows] of Object.entries(PACKET_DAYS)) expectRows(await dayRows(out, day), rows, day);
  });
});
