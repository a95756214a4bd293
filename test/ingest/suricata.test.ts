/**
 * Suricata EVE JSON input (`aiplab ingest suricata`) through the public `ingest` API and the CLI. Every expected row is
 * worked out by hand below, or (the property test) by the brute-force reference of ingest-helpers.ts from the
 * connections the test itself wrote; none is copied from the program.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type IngestOptions, ingest } from '../../src/index.js';
import { DUPLICATE_NETFLOW, eveTimeMicros, FLOW_ID_WINDOW } from '../../src/ingest/formats/suricata.js';
import { fuzzRuns, ROOT, runCli } from '../helpers.js';
import {
  compareIp,
  expectRows,
  type Flow,
  type HoneypotSpec,
  honeypotCsv,
  put,
  type Row,
  readDayFile,
  reference,
  row,
  tempFolders,
} from './ingest-helpers.js';

const tmp = tempFolders('aiplab-suricata-test-');
afterAll(() => tmp.cleanupAll());

const NOT_HONEYPOT = 'responder is not a listed honeypot';
const FROM_HONEYPOT = 'originated by a honeypot';
const INACTIVE = 'honeypot outside its operation dates';
const dropType = (t: string) => `not a flow record (event_type ${t})`;

const HP = '198.51.100.1';
const HP_SHORT = '198.51.100.2';
const HONEYPOTS: HoneypotSpec[] = [
  { ip: HP, start: '2023-12-01' },
  { ip: '2001:db8::1', start: '2023-12-01' },
  { ip: HP_SHORT, start: '2024-01-01', end: '2024-01-01' },
];

// ---------------------------------------------------------------------------------------------------------------
// EVE lines as Suricata 7 writes them (compact JSON, its key order).

interface Conn {
  /** flow_id; absent when undefined. */
  id?: number;
  src: string;
  dest: string;
  sport?: number;
  dport?: number;
  /** EVE times, e.g. 2024-01-02T00:01:00.000000+0000. */
  start: string;
  end: string;
  pts: number;
  bts: number;
  ptc?: number;
  btc?: number;
}

function header(c: Conn, type: string, reverse = false): Record<string, unknown> {
  const h: Record<string, unknown> = { timestamp: c.end };
  if (c.id !== undefined) h.flow_id = c.id;
  h.in_iface = 'eth0';
  h.event_type = type;
  h.src_ip = reverse ? c.dest : c.src;
  h.src_port = reverse ? (c.dport ?? 22) : (c.sport ?? 40000);
  h.dest_ip = reverse ? c.src : c.dest;
  h.dest_port = reverse ? (c.sport ?? 40000) : (c.dport ?? 22);
  h.proto = 'TCP';
  h.app_proto = 'ssh';
  return h;
}

function flowLine(c: Conn): string {
  return JSON.stringify({
    ...header(c, 'flow'),
    flow: {
      pkts_toserver: c.pts,
      pkts_toclient: c.ptc ?? 0,
      bytes_toserver: c.bts,
      bytes_toclient: c.btc ?? 0,
      start: c.start,
      end: c.end,
      age: 1,
      state: 'closed',
      reason: 'timeout',
      alerted: false,
    },
    tcp: { tcp_flags: '1b', syn: true, fin: true, state: 'closed' },
  });
}

/** The to-server record, and the to-client one (src and dest swapped) when the responder sent packets. */
function netflowLines(c: Conn): string[] {
  const lines = [
    JSON.stringify({
      ...header(c, 'netflow'),
      netflow: { pkts: c.pts, bytes: c.bts, start: c.start, end: c.end, age: 1, min_ttl: 50, max_ttl: 50 },
    }),
  ];
  if ((c.ptc ?? 0) > 0)
    lines.push(
      JSON.stringify({
        ...header(c, 'netflow', true),
        netflow: {
          pkts: c.ptc,
          bytes: c.btc ?? 0,
          start: c.start,
          end: c.end,
          age: 1,
          min_ttl: 64,
          max_ttl: 64,
        },
      }),
    );
  return lines;
}

/** An alert, with the `flow` object alerts carry (counts and start so far, no end). */
function alertLine(c: Conn): string {
  return JSON.stringify({
    ...header(c, 'alert'),
    alert: {
      action: 'allowed',
      gid: 1,
      signature_id: 2001219,
      rev: 20,
      signature: 'ET SCAN SSH',
      severity: 2,
    },
    flow: {
      pkts_toserver: c.pts,
      pkts_toclient: 0,
      bytes_toserver: c.bts,
      bytes_toclient: 0,
      start: c.start,
    },
  });
}

function eventLine(type: string, body: Record<string, unknown> = {}): string {
  return JSON.stringify({ timestamp: '2024-01-02T00:00:00.000000+0000', event_type: type, [type]: body });
}

function eve(lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

async function ingestEve(
  files: Record<string, string>,
  options: Partial<IngestOptions> = {},
  honeypots: HoneypotSpec[] = HONEYPOTS,
) {
  const dir = await tmp.make();
  const input = join(dir, 'in');
  for (const [name, text] of Object.entries(files)) await put(join(input, name), text);
  const hp = await put(join(dir, 'honeypots.csv'), honeypotCsv(honeypots));
  const out = join(dir, 'out');
  const { manifest } = await ingest({ format: 'suricata', inputs: [input], honeypots: hp, out, ...options });
  return {
    dir,
    input,
    out,
    manifest,
    day: (date: string) => readDayFile(join(out, `attacks.${date}.csv.gz`)),
  };
}

const D = '2024-01-02';
const t = (time: string, offset = '+0000') => `${D}T${time}${offset}`;

// ---------------------------------------------------------------------------------------------------------------

describe('suricata: flow records', () => {
  const lines = [
    // 10.0.0.1: 1.5 s, 3 packets, 180 bytes.
    flowLine({
      id: 1,
      src: '10.0.0.1',
      dest: HP,
      start: t('00:01:00.000000'),
      end: t('00:01:01.500000'),
      pts: 3,
      bts: 180,
      ptc: 2,
      btc: 999,
    }),
    // 10.0.0.1 again, written in UTC+1: starts 00:00:00.25 UTC; 1.75 s, 2 packets, 120 bytes.
    flowLine({
      id: 2,
      src: '10.0.0.1',
      dest: HP,
      start: t('01:00:00.250000', '+0100'),
      end: t('01:00:02.000000', '+0100'),
      pts: 2,
      bts: 120,
    }),
    // 9.0.0.1: 0.25 s, 1 packet, 60 bytes.
    flowLine({
      id: 3,
      src: '9.0.0.1',
      dest: HP,
      start: t('12:00:00.000000'),
      end: t('12:00:00.250000'),
      pts: 1,
      bts: 60,
    }),
    // To an address that is no honeypot; from a honeypot: dropped.
    flowLine({
      id: 4,
      src: '203.0.113.5',
      dest: '192.0.2.99',
      start: t('12:00:00.000000'),
      end: t('12:00:09.000000'),
      pts: 9,
      bts: 900,
    }),
    flowLine({
      id: 5,
      src: HP,
      dest: '10.0.0.1',
      start: t('12:00:00.000000'),
      end: t('12:00:04.000000'),
      pts: 4,
      bts: 400,
    }),
    // Local 2024-01-03 00:30 at UTC+2 is 2024-01-02 22:30 UTC: day 2024-01-02. 10 s, 5 packets, 300 bytes.
    flowLine({
      id: 6,
      src: '10.0.0.5',
      dest: HP,
      start: '2024-01-03T00:30:00.000000+0200',
      end: '2024-01-03T00:30:10.000000+0200',
      pts: 5,
      bts: 300,
    }),
    // No flow_id (older Suricata): still a flow. 0.000001 s, 1 packet, 40 bytes.
    flowLine({
      src: '9.0.0.1',
      dest: HP,
      start: t('13:00:00.000000'),
      end: t('13:00:00.000001'),
      pts: 1,
      bts: 40,
    }),
  ];
  const expected = [
    row('9.0.0.1', 2, 0.250001, 2, 100),
    row('10.0.0.1', 2, 3.25, 5, 300),
    row('10.0.0.5', 1, 10, 5, 300),
  ];

  it('src is the attacker; packets and bytes to the server; duration end − start; the UTC day of the start', async () => {
    const { manifest, day } = await ingestEve({ 'eve.json': eve(lines) });
    expect(manifest.format).toBe('suricata');
    expect(manifest.days.map((d) => d.date)).toEqual([D]);
    expectRows(await day(D), expected);
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.skipped.dropped).toEqual({ [NOT_HONEYPOT]: 1, [FROM_HONEYPOT]: 1 });
    expect(manifest.records).toBe(7);
    expect(manifest.attackFlows).toBe(5);
  });

  it('gzip (eve.json.gz) gives the same table', async () => {
    const { manifest, day } = await ingestEve({ 'eve.json.gz': eve(lines) });
    expect(manifest.inputs[0]!.path.endsWith('eve.json.gz')).toBe(true);
    expectRows(await day(D), expected);
  });

  it('a flow spanning midnight counts on the day of its start, with its whole duration', async () => {
    const { manifest, day } = await ingestEve({
      'eve.json': eve([
        flowLine({
          id: 7,
          src: '10.0.0.9',
          dest: HP,
          start: t('23:59:00.000000'),
          end: '2024-01-03T00:01:00.500000+0000',
          pts: 7,
          bts: 700,
        }),
      ]),
    });
    expect(manifest.days.map((d) => d.date)).toEqual([D]);
    expectRows(await day(D), [row('10.0.0.9', 1, 120.5, 7, 700)]);
  });

  it('a honeypot outside its operation dates takes no attacks', async () => {
    const { manifest, day } = await ingestEve({
      'eve.json': eve([
        // HP_SHORT operates on 2024-01-01 only.
        flowLine({
          id: 8,
          src: '10.0.0.1',
          dest: HP_SHORT,
          start: '2024-01-01T10:00:00.000000+0000',
          end: '2024-01-01T10:00:01.000000+0000',
          pts: 1,
          bts: 60,
        }),
        flowLine({
          id: 9,
          src: '10.0.0.2',
          dest: HP_SHORT,
          start: t('10:00:00.000000'),
          end: t('10:00:01.000000'),
          pts: 1,
          bts: 60,
        }),
      ]),
    });
    expectRows(await day('2024-01-01'), [row('10.0.0.1', 1, 1, 1, 60)]);
    expectRows(await day(D), []);
    expect(manifest.skipped.dropped).toEqual({ [INACTIVE]: 1 });
  });

  it('IPv6 as Suricata writes it (every group in full) is the canonical address; the honeypot list is matched', async () => {
    const { day } = await ingestEve({
      'eve.json': eve([
        flowLine({
          id: 10,
          src: '2001:0db8:ffff:0000:0000:0000:0000:0002',
          dest: '2001:0db8:0000:0000:0000:0000:0000:0001',
          start: t('05:00:00.000000'),
          end: t('05:00:02.000000'),
          pts: 5,
          bts: 400,
        }),
        flowLine({
          id: 11,
          src: '2001:db8:ffff::2',
          dest: '2001:db8::1',
          start: t('06:00:00.000000'),
          end: t('06:00:01.000000'),
          pts: 1,
          bts: 80,
        }),
        flowLine({
          id: 12,
          src: '10.0.0.1',
          dest: '2001:db8::1',
          start: t('06:00:00.000000'),
          end: t('06:00:01.000000'),
          pts: 1,
          bts: 80,
        }),
      ]),
    });
    expectRows(await day(D), [row('10.0.0.1', 1, 1, 1, 80), row('2001:db8:ffff::2', 2, 3, 6, 480)]);
  });
});

describe('suricata: netflow records and the flow_id rule', () => {
  // 10.0.0.7: answered (3 packets back); 10.0.0.8: no answer, so no to-client record.
  const c7: Conn = {
    id: 70,
    src: '10.0.0.7',
    dest: HP,
    start: t('01:00:00.000000'),
    end: t('01:00:04.000000'),
    pts: 4,
    bts: 240,
    ptc: 3,
    btc: 500,
  };
  const c8: Conn = {
    id: 80,
    src: '10.0.0.8',
    dest: HP,
    start: t('02:00:00.000000'),
    end: t('02:00:00.000000'),
    pts: 1,
    bts: 60,
  };

  it('netflow only: each direction is a record; the reverse one is originated by the honeypot', async () => {
    const { manifest, day } = await ingestEve({
      'eve.json': eve([...netflowLines(c7), ...netflowLines(c8)]),
    });
    expectRows(await day(D), [row('10.0.0.7', 1, 4, 4, 240), row('10.0.0.8', 1, 0, 1, 60)]);
    expect(manifest.skipped.dropped).toEqual({ [FROM_HONEYPOT]: 1 });
    expect(manifest.records).toBe(3);
  });

  it('flow and netflow records of one connection count once, by flow_id, in either order', async () => {
    const c1: Conn = {
      id: 111,
      src: '10.0.0.1',
      dest: HP,
      start: t('03:00:00.000000'),
      end: t('03:00:02.000000'),
      pts: 5,
      bts: 300,
      ptc: 4,
      btc: 800,
    };
    const c2: Conn = {
      id: 222,
      src: '10.0.0.1',
      dest: HP,
      start: t('04:00:00.000000'),
      end: t('04:00:01.000000'),
      pts: 2,
      bts: 100,
      ptc: 1,
      btc: 60,
    };
    const c3: Conn = {
      id: 333,
      src: '10.0.0.3',
      dest: HP,
      start: t('05:00:00.000000'),
      end: t('05:00:03.000000'),
      pts: 3,
      bts: 180,
      ptc: 2,
      btc: 100,
    };
    const c4: Conn = {
      id: 444,
      src: '10.0.0.4',
      dest: HP,
      start: t('06:00:00.000000'),
      end: t('06:00:01.000000'),
      pts: 1,
      bts: 60,
      ptc: 1,
      btc: 60,
    };
    const { manifest, day } = await ingestEve({
      'eve.json': eve([
        // 111: netflow records first, then the flow record; a dns line of the same flow between.
        ...netflowLines(c1),
        eventLine('dns', { type: 'request' }),
        flowLine(c1),
        // 222: the flow record first.
        flowLine(c2),
        ...netflowLines(c2),
        // 333: netflow only; 444: flow only.
        ...netflowLines(c3),
        flowLine(c4),
      ]),
    });
    // 10.0.0.1: 111 (2 s, 5, 300) + 222 (1 s, 2, 100); 10.0.0.3 from its netflow record; 10.0.0.4 from its flow record.
    expectRows(await day(D), [
      row('10.0.0.1', 2, 3, 7, 400),
      row('10.0.0.3', 1, 3, 3, 180),
      row('10.0.0.4', 1, 1, 1, 60),
    ]);
    expect(manifest.skipped.dropped).toEqual({
      [DUPLICATE_NETFLOW]: 4,
      [FROM_HONEYPOT]: 1,
      [dropType('dns')]: 1,
    });
    expect(manifest.attackFlows).toBe(4);
  });

  it('a netflow record of the same flow_id but another start is another connection (flow_id is partly a hash)', async () => {
    const a: Conn = {
      id: 555,
      src: '10.0.0.1',
      dest: HP,
      start: t('07:00:00.000000'),
      end: t('07:00:01.000000'),
      pts: 1,
      bts: 60,
    };
    const b: Conn = {
      ...a,
      src: '10.0.0.2',
      start: t('07:30:00.000000'),
      end: t('07:30:02.000000'),
      pts: 2,
      bts: 120,
    };
    const { manifest, day } = await ingestEve({ 'eve.json': eve([flowLine(a), ...netflowLines(b)]) });
    expectRows(await day(D), [row('10.0.0.1', 1, 1, 1, 60), row('10.0.0.2', 1, 2, 2, 120)]);
    expect(manifest.skipped.dropped).toEqual({});
  });

  it(`records of one connection count once when fewer than FLOW_ID_WINDOW (${FLOW_ID_WINDOW}) lines apart, else twice`, async () => {
    const c: Conn = {
      id: 999,
      src: '10.0.0.1',
      dest: HP,
      start: t('08:00:00.000000'),
      end: t('08:00:01.000000'),
      pts: 1,
      bts: 60,
    };
    const filler = eventLine('dns');
    const apart = (gap: number, first: string, second: string) =>
      eve([first, ...new Array<string>(gap - 1).fill(filler), second]);
    const [netflow] = netflowLines(c) as [string];
    // [file, what it is, how many times the connection counts]: lines W − 1 apart count once, W apart twice.
    const cases: [string, string, number][] = [
      [apart(FLOW_ID_WINDOW - 1, netflow, flowLine(c)), 'netflow, flow W − 1 lines later', 1],
      [apart(FLOW_ID_WINDOW, netflow, flowLine(c)), 'netflow, flow W lines later', 2],
      [apart(FLOW_ID_WINDOW - 1, flowLine(c), netflow), 'flow, netflow W − 1 lines later', 1],
      [apart(FLOW_ID_WINDOW, flowLine(c), netflow), 'flow, netflow W lines later', 2],
    ];
    for (const [text, name, n] of cases) {
      const { manifest, day } = await ingestEve({ 'eve.json': text });
      expectRows(await day(D), [row('10.0.0.1', n, n, n, 60 * n)], name);
      expect(manifest.skipped.dropped[DUPLICATE_NETFLOW] ?? 0, name).toBe(2 - n);
    }
  });
});

describe('suricata: other events', () => {
  it('alerts (with their flow object) and every other event type are drops, one reason per type', async () => {
    const c: Conn = {
      id: 1,
      src: '10.0.0.9',
      dest: HP,
      start: t('01:00:00.000000'),
      end: t('01:00:01.000000'),
      pts: 3,
      bts: 180,
    };
    const stats = eventLine('stats', {
      uptime: 5,
      decoder: Object.fromEntries(Array.from({ length: 200 }, (_, k) => [`c${k}`, k])),
    });
    const { manifest, day } = await ingestEve({
      'eve.json': eve([
        alertLine(c),
        alertLine({ ...c, src: '10.0.0.8' }),
        eventLine('dns', { type: 'query', rrname: 'example.org' }),
        eventLine('http', { url: '/', hostname: '"quoted" \\ host' }),
        eventLine('tls', { sni: 'example.org' }),
        eventLine('fileinfo', { filename: '/x' }),
        eventLine('anomaly', { type: 'stream', event: 'stream.pkt_invalid_timestamp' }),
        stats,
        // Written by another tool, with a space after the colons: still an alert.
        JSON.stringify(JSON.parse(alertLine(c))).replaceAll('":', '": '),
        // One flow record, so the day has a table.
        flowLine({ ...c, src: '10.0.0.1' }),
      ]),
    });
    expectRows(await day(D), [row('10.0.0.1', 1, 1, 3, 180)]);
    expect(manifest.skipped.dropped).toEqual({
      [dropType('alert')]: 3,
      [dropType('dns')]: 1,
      [dropType('http')]: 1,
      [dropType('tls')]: 1,
      [dropType('fileinfo')]: 1,
      [dropType('anomaly')]: 1,
      [dropType('stats')]: 1,
    });
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.records).toBe(1);
  });
});

describe('suricata: files', () => {
  it('a folder: eve.json and its rotations are read, a day in the name covers that day, other files are not', async () => {
    const flow = (id: number, src: string, date: string, secs: number, pts: number, bts: number) =>
      flowLine({
        id,
        src,
        dest: HP,
        start: `${date}T10:00:00.000000+0000`,
        end: `${date}T10:00:${String(secs).padStart(2, '0')}.000000+0000`,
        pts,
        bts,
      });
    const { manifest, day } = await ingestEve({
      'eve.json.1': eve([flow(1, '10.0.0.1', '2024-01-01', 1, 1, 60)]),
      'eve.json': eve([flow(2, '10.0.0.2', '2024-01-02', 2, 2, 120)]),
      'eve.json.2024-01-03.gz': eve([flow(3, '10.0.0.3', '2024-01-03', 3, 3, 180)]),
      // Only a dns event: the day in its name is covered all the same (a header-only table).
      'eve-2024-01-04.json': eve([eventLine('dns')]),
      // `threaded: on` writes eve.<thread>.json.
      'eve.7.json': eve([flow(4, '10.0.0.2', '2024-01-02', 0, 1, 40)]),
      'old/eve.json-20231231': eve([flow(5, '10.0.0.5', '2024-01-02', 5, 5, 300)]),
      'fast.log': eve([flow(6, '10.0.0.6', '2024-01-02', 1, 1, 1)]),
      'eve.jsonl': eve([flow(7, '10.0.0.7', '2024-01-02', 1, 1, 1)]),
      'evebox.json': eve([flow(8, '10.0.0.8', '2024-01-02', 1, 1, 1)]),
    });
    expect(manifest.inputs.map((i) => i.path.slice(i.path.lastIndexOf('/in/') + 4))).toEqual([
      'eve-2024-01-04.json',
      'eve.7.json',
      'eve.json',
      'eve.json.1',
      'eve.json.2024-01-03.gz',
      'old/eve.json-20231231',
    ]);
    expect(manifest.days.map((d) => [d.date, d.rows])).toEqual([
      ['2024-01-01', 1],
      ['2024-01-02', 2],
      ['2024-01-03', 1],
      ['2024-01-04', 0],
    ]);
    expectRows(await day('2024-01-01'), [row('10.0.0.1', 1, 1, 1, 60)]);
    expectRows(await day('2024-01-02'), [row('10.0.0.2', 2, 2, 3, 160), row('10.0.0.5', 1, 5, 5, 300)]);
    expectRows(await day('2024-01-03'), [row('10.0.0.3', 1, 3, 3, 180)]);
    expectRows(await day('2024-01-04'), []);
  });

  it('--on-error fail: the first malformed record is a DataError naming file, line and field', async () => {
    const good = flowLine({
      id: 1,
      src: '10.0.0.1',
      dest: HP,
      start: t('01:00:00.000000'),
      end: t('01:00:01.000000'),
      pts: 1,
      bts: 60,
    });
    const bad = good.replace('"pkts_toserver":1', '"pkts_toserver":1.5');
    const error = await ingestEve(
      { 'eve.json': eve([good, eventLine('dns'), bad]) },
      { onError: 'fail' },
    ).then(
      () => undefined,
      (e: unknown) => e as Error & { file?: string; line?: number; field?: string },
    );
    expect(error?.name).toBe('DataError');
    expect([error?.file?.endsWith('/in/eve.json'), error?.line, error?.field]).toEqual([
      true,
      3,
      'flow.pkts_toserver',
    ]);
    expect(error?.message).toMatch(/eve\.json:3: field 'flow\.pkts_toserver': not a whole number/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Random connections against the brute-force reference: the fast byte scan (Suricata's compact lines) and
// JSON.parse (the same records respaced, which the scan leaves to it) must both give the reference's tables.

const SOURCES = ['10.0.0.1', '10.0.0.2', '9.9.9.9', '2001:0db8:00aa:0000:0000:0000:0000:0001', HP];
const DESTS = [HP, HP, '2001:0db8:0000:0000:0000:0000:0000:0001', '192.0.2.7'];
const OFFSETS = [0, 120, -300, 330, 60];
const DAY_US = Date.parse('2024-01-02T00:00:00Z') * 1000;

/** An EVE time of epoch µs `us` written at UTC offset `minutes` (from the calendar, not from the code under test). */
function eveTimeAt(us: number, minutes: number): string {
  const local = us + minutes * 60e6;
  const iso = new Date(Math.floor(local / 1000)).toISOString().slice(0, 19);
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  const off = `${sign}${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}`;
  return `${iso}.${String(((local % 1e6) + 1e6) % 1e6).padStart(6, '0')}${off}`;
}

interface RandomConn {
  src: number;
  dest: number;
  startUs: number;
  durUs: number;
  offset: number;
  pts: number;
  bts: number;
  ptc: number;
  /** 0: flow record; 1: netflow records; 2: netflow then flow; 3: flow then netflow. */
  mode: number;
  alert: boolean;
}

const randomConn: fc.Arbitrary<RandomConn> = fc.record({
  src: fc.nat(SOURCES.length - 1),
  dest: fc.nat(DESTS.length - 1),
  startUs: fc.integer({ min: DAY_US - 3 * 3600e6, max: DAY_US + 30 * 3600e6 }),
  durUs: fc.oneof(fc.nat(2_000_000), fc.nat(4000e6)),
  offset: fc.nat(OFFSETS.length - 1),
  pts: fc.nat(50),
  bts: fc.oneof(fc.nat(5000), fc.constant(2 ** 40)),
  ptc: fc.nat(3),
  mode: fc.nat(3),
  alert: fc.boolean(),
});

describe('suricata: random connections against the reference', () => {
  it('both readings of the lines give the reference tables', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(randomConn, { minLength: 1, maxLength: 30 }), async (conns) => {
        const lines: string[] = [];
        const flows: Flow[] = [];
        let duplicates = 0;
        conns.forEach((r, k) => {
          const c: Conn = {
            id: 1_000_000_000_000_000 + k,
            src: SOURCES[r.src]!,
            dest: DESTS[r.dest]!,
            start: eveTimeAt(r.startUs, OFFSETS[r.offset]!),
            end: eveTimeAt(r.startUs + r.durUs, OFFSETS[r.offset]!),
            pts: r.pts,
            bts: r.bts,
            ptc: r.ptc,
            btc: 10 * r.ptc,
          };
          if (r.alert) lines.push(alertLine(c));
          const nf = netflowLines(c);
          if (r.mode === 0) lines.push(flowLine(c));
          else if (r.mode === 1) lines.push(...nf);
          else if (r.mode === 2) lines.push(...nf, flowLine(c));
          else lines.push(flowLine(c), ...nf);
          if (r.mode >= 2) duplicates += nf.length;
          const f = { ts: r.startUs / 1e6, duration: r.durUs / 1e6, pkts: r.pts, bytes: r.bts };
          flows.push({ ...f, orig: c.src, resp: c.dest });
          // A netflow-only connection's answer is a record of its own, from the responder.
          if (r.mode === 1 && r.ptc > 0)
            flows.push({ ...f, orig: c.dest, resp: c.src, pkts: r.ptc, bytes: 10 * r.ptc });
        });
        const expected = reference(flows, HONEYPOTS);
        const respaced = lines.map((l) => l.replaceAll('":', '": ').replaceAll(',"', ', "'));
        for (const [name, text] of [
          ['compact', lines],
          ['respaced', respaced],
        ] as const) {
          const { manifest, out } = await ingestEve({ 'eve.json': eve([...text]) });
          expect(manifest.skipped.malformed, name).toEqual({});
          expect(manifest.skipped.dropped[DUPLICATE_NETFLOW] ?? 0, name).toBe(duplicates);
          for (const [date, rows] of expected.days)
            expectRows(await readDayFile(join(out, `attacks.${date}.csv.gz`)), rows, `${name} ${date}`);
          expect(
            manifest.days.map((d) => d.date).filter((d) => expected.days.has(d)),
            name,
          ).toEqual([...expected.days.keys()]);
        }
      }),
      { numRuns: fuzzRuns(15), seed: 1313 },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------------

describe('suricata: EVE times', () => {
  it('an EVE time with any offset and fraction is its epoch microsecond (against the calendar)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Date.parse('2099-12-31T23:59:59Z') * 1000 }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        fc.constantFrom('hhmm', 'hh:mm', 'Z', 'none'),
        (us, minutes, form) => {
          const offset = form === 'Z' || form === 'none' ? 0 : minutes;
          let text = eveTimeAt(us, offset);
          if (form === 'hh:mm') text = `${text.slice(0, -2)}:${text.slice(-2)}`;
          if (form === 'Z') text = `${text.slice(0, -5)}Z`;
          if (form === 'none') text = text.slice(0, -5);
          expect(eveTimeMicros(text)).toBe(us);
        },
      ),
      { numRuns: fuzzRuns(2000), seed: 42 },
    );
  });

  it.each([
    ['2017-08-14T12:34:56+0200', Date.parse('2017-08-14T10:34:56Z') * 1000],
    ['2017-08-14T12:34:56.5-0130', Date.parse('2017-08-14T14:04:56.500Z') * 1000],
    ['2024-02-29T00:00:00.123456789Z', Date.parse('2024-02-29T00:00:00.123Z') * 1000 + 456],
    ['1970-01-01T00:00:00.000000+0000', 0],
  ])('%s', (text, us) => {
    expect(eveTimeMicros(text)).toBe(us);
  });

  it.each([
    '2023-02-29T00:00:00.000000+0000',
    '2024-04-31T00:00:00.000000+0000',
    '2024-01-02T24:00:00.000000+0000',
    '2024-01-02T23:60:00.000000+0000',
    '2024-01-02T23:59:60.000000+0000',
    '2024-01-02T23:59:59.+0000',
    '2024-01-02T23:59:59.0000000000+0000',
    '2024-01-02T23:59:59.000000+2400',
    '2024-01-02T23:59:59.000000+020',
    '2024-01-02 23:59:59.000000+0000',
    '2024-1-02T23:59:59.000000+0000',
    '２024-01-02T23:59:59.000000+0000',
    '',
  ])('%s is no time', (text) => {
    expect(eveTimeMicros(text)).toBeNaN();
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('suricata: the CLI on the hand-written fixture', () => {
  it('aiplab ingest suricata <dir> --honeypots <csv> --out <ds>', async () => {
    const dir = await tmp.make();
    const hp = await put(
      join(dir, 'honeypots.csv'),
      honeypotCsv([
        { ip: '192.0.2.10', start: '2024-05-01' },
        { ip: '2001:db8:0:1::10', start: '2024-05-01' },
      ]),
    );
    const out = join(dir, 'ds');
    const fixture = join(ROOT, 'test', 'fixtures', 'suricata');
    const run = await runCli(
      [
        join(ROOT, 'src', 'cli', 'aiplab.mjs'),
        'ingest',
        'suricata',
        fixture,
        '--honeypots',
        hp,
        '--out',
        out,
      ],
      { bin: process.execPath },
    );
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('suricata');
    expect(manifest.days.map((d: { date: string }) => d.date)).toEqual(['2024-05-20']);
    // By hand from test/fixtures/suricata/eve.json (local times are UTC+2; every start falls on 2024-05-20 UTC):
    //  198.51.100.23: netflow 03:00:00.0–03:00:00.5 (2 packets, 120 bytes) + ICMP flow 03:01:00–03:01:03 (4, 392);
    //  203.0.113.7: flow 02:10:01.10–02:10:09.35 (12, 1500; its two netflow records not counted again)
    //               + flow 05-21 01:59–02:01 local = 05-20 23:59–00:01 UTC (5, 300);
    //  2001:db8:ff::7: flow 23:59:59.9–00:00:01.9 (6, 800), to the IPv6 honeypot written in full.
    const rows: Row[] = [
      row('198.51.100.23', 2, 3.5, 6, 512),
      row('203.0.113.7', 2, 128.25, 17, 1800),
      row('2001:db8:ff::7', 1, 2, 6, 800),
    ];
    expect(rows.map((r) => r.ip)).toEqual([...rows.map((r) => r.ip)].sort(compareIp));
    expectRows(await readDayFile(join(out, 'attacks.2024-05-20.csv.gz')), rows);
    expect(manifest.records).toBe(8);
    expect(manifest.skipped).toEqual({
      malformed: {},
      dropped: {
        [DUPLICATE_NETFLOW]: 2,
        [dropType('alert')]: 1,
        [dropType('anomaly')]: 1,
        [dropType('dns')]: 1,
        [dropType('http')]: 1,
        [dropType('stats')]: 1,
        [FROM_HONEYPOT]: 2,
        [NOT_HONEYPOT]: 1,
      },
      examples: {},
    });
    expect(run.stdout + run.stderr).toContain('ingested 1 suricata file(s)');
  }, 60_000);
});
