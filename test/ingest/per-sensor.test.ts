/**
 * `ingest --per-sensor` (issue 13): beside each day table, a table per sensor and day under `sensors/<dir>/`, listed in
 * the manifest. A sensor is the honeypot a flow went to (Zeek and every format that goes through the collector's
 * flows) or the `sensor` field of a Cowrie event. The expected tables below are computed by hand from the fixtures;
 * the sum over sensors of a day's tables is checked against the day table read from disk.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DatasetManifest,
  ingest,
  ingestPartial,
  mergeIngestPartials,
  UsageError,
} from '../../src/index.js';
import { rejection, runCli } from '../helpers.js';
import {
  DAY_HEADER,
  expectRows,
  type Flow,
  honeypotCsv,
  put,
  type Row,
  readDayFile,
  row,
  snapshotFolder,
  tempFolders,
  utc,
  zeekTsv,
} from './ingest-helpers.js';

const tmp = tempFolders('aiplab-per-sensor-test-');
afterAll(() => tmp.cleanupAll());

const A = '198.51.100.7';
const B = '2001:db8:ff::9';
const C = '203.0.113.5';
const H1 = '192.0.2.1';
const H2 = '192.0.2.2';
const H3 = '2001:db8::3';
const H4 = '192.0.2.4'; // listed, never attacked: no sensor
const HONEYPOTS = [H1, H2, H3, H4].map((ip) => ({ ip, start: '2024-01-01' }));
const DAYS = ['2024-03-01', '2024-03-02', '2024-03-03'];

/** The flows, by Zeek day folder and hour file. H3 is written in another spelling on day 1 (still sensor H3). */
const FLOWS: Record<string, Record<string, Flow[]>> = {
  '2024-03-01': {
    '00': [
      { ts: utc('2024-03-01', '00:10:00'), orig: A, resp: H1, duration: 1.5, pkts: 3, bytes: 120 },
      { ts: utc('2024-03-01', '00:20:00'), orig: A, resp: H2, duration: 0.25, pkts: 1, bytes: 40 },
      { ts: utc('2024-03-01', '00:30:00'), orig: H1, resp: A, duration: 1, pkts: 1, bytes: 40 }, // from a honeypot
    ],
    '12': [
      { ts: utc('2024-03-01', '12:00:00'), orig: A, resp: H2, duration: null, pkts: 2, bytes: 80 },
      { ts: utc('2024-03-01', '12:10:00'), orig: C, resp: H1, duration: 2, pkts: 4, bytes: 200 },
      {
        ts: utc('2024-03-01', '12:20:00'),
        orig: B,
        resp: '2001:DB8:0::3',
        duration: 10,
        pkts: 6,
        bytes: 600,
      },
      { ts: utc('2024-03-01', '12:30:00'), orig: A, resp: '192.0.2.200', duration: 1, pkts: 1, bytes: 40 }, // unlisted
    ],
  },
  '2024-03-02': {
    '03': [
      { ts: utc('2024-03-02', '03:00:00'), orig: C, resp: H2, duration: 0.5, pkts: 1, bytes: 60 },
      { ts: utc('2024-03-02', '03:10:00'), orig: B, resp: H3, duration: 1, pkts: 2, bytes: 100 },
    ],
    '20': [{ ts: utc('2024-03-02', '20:00:00'), orig: A, resp: H1, duration: 3, pkts: 5, bytes: 300 }],
  },
  // Covered, no attack: every table of the day is header-only.
  '2024-03-03': {
    '05': [
      { ts: utc('2024-03-03', '05:00:00'), orig: A, resp: '192.0.2.200', duration: 1, pkts: 1, bytes: 40 },
    ],
  },
};

/** By hand from FLOWS: the day tables, and each sensor's (H4 saw nothing, so it is no sensor). */
const EXPECTED_DAYS: Record<string, Row[]> = {
  '2024-03-01': [row(A, 3, 1.75, 6, 240), row(C, 1, 2, 4, 200), row(B, 1, 10, 6, 600)],
  '2024-03-02': [row(A, 1, 3, 5, 300), row(C, 1, 0.5, 1, 60), row(B, 1, 1, 2, 100)],
  '2024-03-03': [],
};
const EXPECTED_SENSORS: { id: string; dir: string; days: Record<string, Row[]> }[] = [
  {
    id: H1,
    dir: '192.0.2.1',
    days: {
      '2024-03-01': [row(A, 1, 1.5, 3, 120), row(C, 1, 2, 4, 200)],
      '2024-03-02': [row(A, 1, 3, 5, 300)],
      '2024-03-03': [],
    },
  },
  {
    id: H2,
    dir: '192.0.2.2',
    days: {
      '2024-03-01': [row(A, 2, 0.25, 3, 120)],
      '2024-03-02': [row(C, 1, 0.5, 1, 60)],
      '2024-03-03': [],
    },
  },
  {
    id: H3,
    dir: '2001-db8--3',
    days: { '2024-03-01': [row(B, 1, 10, 6, 600)], '2024-03-02': [row(B, 1, 1, 2, 100)], '2024-03-03': [] },
  },
];

async function writeZeek(root: string, flows = FLOWS): Promise<{ logs: string; honeypots: string }> {
  const logs = join(root, 'logs');
  for (const [day, hours] of Object.entries(flows))
    for (const [hour, list] of Object.entries(hours))
      await put(join(logs, day, `conn.${hour}:00:00-${hour}:59:59.log.gz`), zeekTsv(list));
  const honeypots = await put(join(root, 'honeypots.csv'), honeypotCsv(HONEYPOTS));
  return { logs, honeypots };
}

const manifestOf = async (out: string) =>
  JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DatasetManifest;

/** Sums rows per IP (an independent reference of what a sum of sensors' tables is), in IP order of `order`. */
function sumRows(tables: Row[][]): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const t of tables)
    for (const r of t) {
      const s = out.get(r.ip) ?? row(r.ip, 0, 0, 0, 0);
      out.set(
        r.ip,
        row(r.ip, s.flows + r.flows, s.duration + r.duration, s.packets + r.packets, s.bytes + r.bytes),
      );
    }
  return out;
}

/** Checks a per-sensor dataset against the expected tables, and that each day's sensors sum to its day table. */
async function expectDataset(
  out: string,
  days: Record<string, Row[]>,
  sensors: { id: string; dir: string; days: Record<string, Row[]> }[],
): Promise<void> {
  const m = await manifestOf(out);
  expect(m.days.map((d) => d.date)).toEqual(Object.keys(days));
  expect(m.sensors?.map((s) => [s.id, s.dir])).toEqual(sensors.map((s) => [s.id, s.dir]));
  expect((await readdir(join(out, 'sensors'))).sort()).toEqual(sensors.map((s) => s.dir).sort());
  for (const [date, rows] of Object.entries(days)) {
    const dayRows = await readDayFile(join(out, `attacks.${date}.csv.gz`));
    expectRows(dayRows, rows, `day ${date}`);
    const perSensor: Row[][] = [];
    for (const s of sensors) {
      const entry = m.sensors!.find((x) => x.id === s.id)!.days.find((d) => d.date === date)!;
      expect(entry.file).toBe(`sensors/${s.dir}/attacks.${date}.csv.gz`);
      const got = await readDayFile(join(out, entry.file));
      expectRows(got, s.days[date]!, `sensor ${s.id} ${date}`);
      expect(entry.rows).toBe(got.length);
      expect(entry.flows).toBe(got.reduce((a, r) => a + r.flows, 0));
      perSensor.push(got);
    }
    // The sum over sensors is the day table (rows, values; the day table's order).
    const sum = sumRows(perSensor);
    expect([...sum.keys()].sort()).toEqual(dayRows.map((r) => r.ip).sort());
    for (const r of dayRows) {
      const s = sum.get(r.ip)!;
      expect([s.flows, s.packets, s.bytes]).toEqual([r.flows, r.packets, r.bytes]);
      expect(Math.abs(s.duration - r.duration)).toBeLessThan(1e-9);
    }
  }
  for (const s of m.sensors!) expect(s.days.map((d) => d.date)).toEqual(Object.keys(days));
}

describe('ingest --per-sensor, Zeek', () => {
  let root: string;
  let input: { logs: string; honeypots: string };
  beforeAll(async () => {
    root = await tmp.make();
    input = await writeZeek(root);
  });

  it('writes each honeypot’s tables (computed by hand), header-only on days it saw nothing, summing to the day', async () => {
    const out = join(root, 'ds');
    await ingest({ format: 'zeek', inputs: [input.logs], honeypots: input.honeypots, out, perSensor: true });
    await expectDataset(out, EXPECTED_DAYS, EXPECTED_SENSORS);
    const empty = await readFile(join(out, 'sensors', '192.0.2.2', 'attacks.2024-03-03.csv.gz'));
    expect(await readDayFile(join(out, 'sensors', '192.0.2.2', 'attacks.2024-03-03.csv.gz'))).toEqual([]);
    expect(empty.length).toBeGreaterThan(0);
  });

  it('without --per-sensor: no sensors in the manifest, no sensors folder, the same day tables', async () => {
    const plain = join(root, 'plain');
    const sensored = join(root, 'sensored');
    await ingest({ format: 'zeek', inputs: [input.logs], honeypots: input.honeypots, out: plain });
    await ingest({
      format: 'zeek',
      inputs: [input.logs],
      honeypots: input.honeypots,
      out: sensored,
      perSensor: true,
    });
    const m = await manifestOf(plain);
    expect('sensors' in m).toBe(false);
    expect(await readdir(plain)).not.toContain('sensors');
    const { sensors: _, ...rest } = await manifestOf(sensored);
    expect(rest).toEqual(m);
    for (const date of DAYS)
      expect(await readFile(join(sensored, `attacks.${date}.csv.gz`))).toEqual(
        await readFile(join(plain, `attacks.${date}.csv.gz`)),
      );
  });

  it('gives byte-identical datasets with 1 and 3 workers, and through partial ingests and a merge', async () => {
    const outs: string[] = [];
    for (const workers of [1, 3]) {
      const out = join(root, `w${workers}`);
      await ingest({
        format: 'zeek',
        inputs: [input.logs],
        honeypots: input.honeypots,
        out,
        workers,
        perSensor: true,
      });
      outs.push(out);
    }
    const parts: string[] = [];
    for (const [from, to] of [
      ['2024-03-01', '2024-03-01'],
      ['2024-03-02', '2024-03-03'],
    ] as const) {
      const out = join(root, `partial-${from}`);
      await ingestPartial({
        format: 'zeek',
        inputs: [input.logs],
        honeypots: input.honeypots,
        out,
        from,
        to,
        perSensor: true,
      });
      parts.push(out);
    }
    const merged = join(root, 'merged');
    await mergeIngestPartials(parts, merged);
    outs.push(merged);
    const first = await snapshotFolder(outs[0]!);
    expect([...first.keys()].filter((k) => k.startsWith('sensors/'))).toHaveLength(9);
    for (const out of outs.slice(1)) expect(await snapshotFolder(out)).toEqual(first);
    await expectDataset(merged, EXPECTED_DAYS, EXPECTED_SENSORS);
  });

  it('a merge refuses partials with and without --per-sensor', async () => {
    const a = join(root, 'pa');
    const b = join(root, 'pb');
    const common = { format: 'zeek', inputs: [input.logs], honeypots: input.honeypots };
    await ingestPartial({ ...common, out: a, from: '2024-03-01', to: '2024-03-01', perSensor: true });
    await ingestPartial({ ...common, out: b, from: '2024-03-02', to: '2024-03-03' });
    const e = await rejection(mergeIngestPartials([a, b], join(root, 'never')));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(`merge: ${b} and ${a} are partials of different ingests: --per-sensor differ`);
  });

  it('a record reaching a day already written (out of day order) is summed into its sensor’s table too', async () => {
    const dir = await tmp.make();
    // Day 1's folder has a late file of A → H2 on day 1 placed in day 3's folder: day 1 is written by then.
    const late: Flow = {
      ts: utc('2024-03-01', '23:00:00'),
      orig: A,
      resp: H2,
      duration: 4,
      pkts: 7,
      bytes: 70,
    };
    const flows = { ...FLOWS, '2024-03-03': { ...FLOWS['2024-03-03']!, '23': [late] } };
    const { logs, honeypots } = await writeZeek(dir, flows);
    const out = join(dir, 'ds');
    const { manifest } = await ingest({ format: 'zeek', inputs: [logs], honeypots, out, perSensor: true });
    expect(manifest.warnings).toContain(
      '1 day(s) received records after being written (input out of day order)',
    );
    const days = {
      ...EXPECTED_DAYS,
      '2024-03-01': [row(A, 4, 5.75, 13, 310), row(C, 1, 2, 4, 200), row(B, 1, 10, 6, 600)],
    };
    const sensors = EXPECTED_SENSORS.map((s) =>
      s.id === H2 ? { ...s, days: { ...s.days, '2024-03-01': [row(A, 3, 4.25, 10, 190)] } } : s,
    );
    await expectDataset(out, days, sensors);
  });

  it('aip input cannot be split by sensor: a usage error', async () => {
    const dir = await tmp.make();
    await put(join(dir, 'aip', 'attacks.2024-03-01.csv'), `${DAY_HEADER}\n${A},1,0,1,40\n`);
    const e = await rejection(
      ingest({ format: 'aip', inputs: [join(dir, 'aip')], out: join(dir, 'ds'), perSensor: true }),
    );
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(
      '--per-sensor: aip input is whole day tables, which name no sensor (per-sensor tables need flows or events)',
    );
  });

  it('the CLI flag writes them and says how many sensors', async () => {
    const out = join(root, 'cli');
    const r = await runCli([
      'ingest',
      'zeek',
      input.logs,
      '--honeypots',
      input.honeypots,
      '--out',
      out,
      '--per-sensor',
    ]);
    expect(r.stderr).toContain(`wrote the day tables of 3 sensor(s) under sensors/: ${H1}, ${H2}, ${H3}\n`);
    expect(r.code).toBe(0);
    await expectDataset(out, EXPECTED_DAYS, EXPECTED_SENSORS);
  });
});

describe('ingest --per-sensor, Cowrie', () => {
  /** One Cowrie event line; `sensor` undefined leaves the field out. */
  const event = (eventid: string, ip: string, time: string, sensor: string | undefined, extra = {}) =>
    JSON.stringify({
      eventid,
      src_ip: ip,
      ...(sensor === undefined ? {} : { sensor }),
      timestamp: `2024-03-01T${time}.000000Z`,
      session: `s-${ip}-${time}`,
      ...extra,
    });
  // A hits sensors "hp-a" and "hp:b"; C hits "hp-c"; one event of C names no sensor.
  const LINES = [
    event('cowrie.session.connect', A, '01:00:00', 'hp-a'),
    event('cowrie.session.closed', A, '01:00:05', 'hp-a', { duration: 5.5 }),
    event('cowrie.session.connect', A, '02:00:00', 'hp:b'),
    event('cowrie.login.failed', A, '02:00:01', 'hp:b', { username: 'root' }),
    event('cowrie.session.closed', A, '02:00:09', 'hp:b', { duration: 9 }),
    event('cowrie.session.connect', C, '03:00:00', 'hp-c'),
    event('cowrie.client.version', C, '03:00:01', undefined, { version: 'SSH-2.0-Go' }),
  ];
  const bytes = (...k: number[]) => k.reduce((a, i) => a + Buffer.byteLength(LINES[i]!), 0);

  it('splits by the sensor field (made file-safe), an event without one under "unknown", with a warning', async () => {
    const dir = await tmp.make();
    const file = await put(join(dir, 'cowrie.json.2024-03-01'), `${LINES.join('\n')}\n`);
    const out = join(dir, 'ds');
    const { manifest } = await ingest({ format: 'cowrie', inputs: [file], out, perSensor: true });
    expect(manifest.warnings).toContain(
      `${file}: 1 record(s) name no sensor: counted as sensor 'unknown' (--per-sensor)`,
    );
    // "hp:b" has a character a file name may not: `_`, and a hash of the id keeps it apart from "hp_b".
    const hashOfB = (await import('node:crypto'))
      .createHash('sha256')
      .update('hp:b')
      .digest('hex')
      .slice(0, 12);
    const days = { '2024-03-01': [row(A, 2, 14.5, 5, bytes(0, 1, 2, 3, 4)), row(C, 1, 0, 2, bytes(5, 6))] };
    await expectDataset(out, days, [
      { id: 'hp-a', dir: 'hp-a', days: { '2024-03-01': [row(A, 1, 5.5, 2, bytes(0, 1))] } },
      { id: 'hp-c', dir: 'hp-c', days: { '2024-03-01': [row(C, 1, 0, 1, bytes(5))] } },
      { id: 'hp:b', dir: `hp_b~${hashOfB}`, days: { '2024-03-01': [row(A, 1, 9, 3, bytes(2, 3, 4))] } },
      { id: 'unknown', dir: 'unknown', days: { '2024-03-01': [row(C, 0, 0, 1, bytes(6))] } },
    ]);
  });

  it('--attack login-success removes the same rows from the sensors’ tables (they still sum to the day)', async () => {
    const dir = await tmp.make();
    const login = event('cowrie.login.success', A, '02:00:02', 'hp:b', { username: 'root' });
    const file = await put(join(dir, 'cowrie.json.2024-03-01'), `${[...LINES, login].join('\n')}\n`);
    const out = join(dir, 'ds');
    await ingest({
      format: 'cowrie',
      inputs: [file],
      out,
      perSensor: true,
      reader: { attack: 'login-success' },
    });
    const hashOfB = (await import('node:crypto'))
      .createHash('sha256')
      .update('hp:b')
      .digest('hex')
      .slice(0, 12);
    const all = [0, 1, 2, 3, 4];
    const loginBytes = Buffer.byteLength(login);
    // C never logged in: its rows go, from the day table and from every sensor's; the sensors that saw it stay.
    await expectDataset(out, { '2024-03-01': [row(A, 2, 14.5, 6, bytes(...all) + loginBytes)] }, [
      { id: 'hp-a', dir: 'hp-a', days: { '2024-03-01': [row(A, 1, 5.5, 2, bytes(0, 1))] } },
      { id: 'hp-c', dir: 'hp-c', days: { '2024-03-01': [] } },
      {
        id: 'hp:b',
        dir: `hp_b~${hashOfB}`,
        days: { '2024-03-01': [row(A, 1, 9, 4, bytes(2, 3, 4) + loginBytes)] },
      },
      { id: 'unknown', dir: 'unknown', days: { '2024-03-01': [] } },
    ]);
  });
});
