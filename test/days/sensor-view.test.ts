/**
 * A dataset's sensors (issue 13): openDataset lists the sensors of a per-sensor dataset and gives views of any set of
 * them (each day the row-wise sum of their tables), checks their tables as it checks day tables, and the sums and
 * folder names behind it. Expected values are computed by hand from the Cowrie fixture below.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorDirs } from '../../src/days/sensor-dirs.js';
import { sumDayTables } from '../../src/days/sum-day-tables.js';
import {
  DataError,
  type Dataset,
  type DatasetManifest,
  type DayTable,
  ingest,
  openDataset,
  UsageError,
} from '../../src/index.js';
import { rejection } from '../helpers.js';
import { put, tempFolders } from '../ingest/ingest-helpers.js';

const tmp = tempFolders('aiplab-sensor-view-test-');
afterAll(() => tmp.cleanupAll());

/** A Cowrie session (connect, then closed after `duration` s): flows 1, duration, packets 2, bytes of the two lines. */
function session(ip: string, sensor: string, date: string, time: string, duration: number): string[] {
  const base = { src_ip: ip, sensor, session: `${ip}-${sensor}-${time}` };
  return [
    JSON.stringify({ eventid: 'cowrie.session.connect', ...base, timestamp: `${date}T${time}.000000Z` }),
    JSON.stringify({
      eventid: 'cowrie.session.closed',
      ...base,
      duration,
      timestamp: `${date}T${time}.500000Z`,
    }),
  ];
}

// Day 1: 10.0.0.10 on s1 and s2, 10.0.0.9 on s2, 2001:db8::1 on s3. Day 2 has no file (missing). Day 3: 10.0.0.9
// on s1 only. Durations 0.1 + 0.2 test that sums are exact (0.3 s, as the day table holds it).
const D1 = '2024-05-01';
const D3 = '2024-05-03';
const DAY1 = [
  ...session('10.0.0.10', 's1', D1, '01:00:00', 0.1),
  ...session('10.0.0.10', 's2', D1, '02:00:00', 0.2),
  ...session('10.0.0.9', 's2', D1, '03:00:00', 7),
  ...session('2001:db8::1', 's3', D1, '04:00:00', 1.25),
];
const DAY3 = session('10.0.0.9', 's1', D3, '05:00:00', 2);
const bytesOf = (lines: string[], ...k: number[]) => k.reduce((a, i) => a + Buffer.byteLength(lines[i]!), 0);

/** [ip, flows, duration, packets, bytes] rows of a day table. */
const rowsOf = (t: DayTable) =>
  t.ip.map((ip, i) => [ip, t.flows[i], t.duration[i], t.packets[i], t.bytes[i]] as const);

async function makeDataset(): Promise<string> {
  const dir = await tmp.make();
  const logs = join(dir, 'logs');
  await put(join(logs, `cowrie.json.${D1}`), `${DAY1.join('\n')}\n`);
  await put(join(logs, `cowrie.json.${D3}`), `${DAY3.join('\n')}\n`);
  const out = join(dir, 'ds');
  await ingest({ format: 'cowrie', inputs: [logs], out, perSensor: true });
  return out;
}

const manifestOf = async (out: string) =>
  JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as DatasetManifest;

describe('sensorView', () => {
  let out: string;
  let dataset: Dataset;
  beforeAll(async () => {
    out = await makeDataset();
    dataset = await openDataset(out);
  });

  it('lists the sensors; a view keeps the days and missing days, and sums its sensors’ rows per IP', async () => {
    expect(dataset.sensors).toEqual(['s1', 's2', 's3']);
    const view = dataset.sensorView!(['s2', 's1']);
    expect(view.days).toEqual([D1, D3]);
    expect(view.missingDays).toEqual(['2024-05-02']);
    expect([view.firstDay, view.lastDay]).toEqual([D1, D3]);
    expect(view.has('2024-05-02')).toBe(false);
    // 10.0.0.9 sorts before 10.0.0.10 (numeric order); 10.0.0.10's rows of s1 and s2 added; s3's IPv6 row left out.
    expect(rowsOf(await view.readDayTable(D1))).toEqual([
      ['10.0.0.9', 1, 7, 2, bytesOf(DAY1, 4, 5)],
      ['10.0.0.10', 2, 0.3, 4, bytesOf(DAY1, 0, 1, 2, 3)],
    ]);
    expect(rowsOf(await view.readDayTable(D3))).toEqual([['10.0.0.9', 1, 2, 2, bytesOf(DAY3, 0, 1)]]);
    expect(rowsOf(await dataset.sensorView!(['s3']).readDayTable(D3))).toEqual([]);
  });

  it('all sensors together give the dataset’s own day tables', async () => {
    const all = dataset.sensorView!(['s1', 's2', 's3']);
    for (const date of dataset.days)
      expect(await all.readDayTable(date)).toEqual(await dataset.readDayTable(date));
  });

  it('fileOf: absent for several sensors, the sensor’s own file for one', () => {
    expect(dataset.sensorView!(['s1', 's2']).fileOf).toBeUndefined();
    const one = dataset.sensorView!(['s2']);
    expect(one.fileOf!(D1)).toBe(join(out, 'sensors', 's2', `attacks.${D1}.csv.gz`));
    expect(one.fileOf!('2024-05-02')).toBeUndefined();
  });

  it('a missing day is a data error, as in the dataset; an unknown sensor a usage error naming the known ones', async () => {
    const e = await rejection(dataset.sensorView!(['s1']).readDayTable('2024-05-02'));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${out}: no day table for 2024-05-02: a missing day (no data)`);
    expect(() => dataset.sensorView!(['s1', 'nope'])).toThrow(UsageError);
    expect(() => dataset.sensorView!(['s1', 'nope'])).toThrow(
      `unknown sensor 'nope' in ${out} (known: s1, s2, s3)`,
    );
    expect(() => dataset.sensorView!([])).toThrow(
      'a sensor view needs at least one sensor (known: s1, s2, s3)',
    );
  });

  it('a dataset without per-sensor tables has no sensors and no sensorView', async () => {
    const dir = await tmp.make();
    await put(join(dir, 'logs', `cowrie.json.${D3}`), `${DAY3.join('\n')}\n`);
    await ingest({ format: 'cowrie', inputs: [join(dir, 'logs')], out: join(dir, 'ds') });
    const plain = await openDataset(join(dir, 'ds'));
    expect(plain.sensors).toBeUndefined();
    expect(plain.sensorView).toBeUndefined();
  });
});

describe('a sensor table is checked as a day table is', () => {
  /** Rewrites a gzip day table with the flows of its first row 7 more. */
  async function editFirstRow(path: string): Promise<void> {
    const text = gunzipSync(await readFile(path)).toString('utf8');
    const lines = text.split('\n');
    const cells = lines[1]!.split(',');
    cells[1] = String(Number(cells[1]) + 7);
    lines[1] = cells.join(',');
    await writeFile(path, gzipSync(lines.join('\n')));
  }

  it('an edited sensor table is a data error naming it; --trust-changes accepts it and rewrites its entry', async () => {
    const out = await makeDataset();
    await openDataset(out);
    const rel = `sensors/s2/attacks.${D1}.csv.gz`;
    const path = join(out, rel);
    const sha = (await manifestOf(out)).sensors![1]!.days[0]!.sha256;
    await editFirstRow(path);
    const e = await rejection(openDataset(out));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(
      new RegExp(
        `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: sensor day table changed since ingest \\(sha256 [0-9a-f]{12}…, manifest says ${sha.slice(0, 12)}…\\): re-run ingest, or pass --trust-changes to accept it$`,
      ),
    );
    const trusted = await openDataset(out, { trustChanges: true });
    expect(trusted.warnings).toEqual([
      `${out}: --trust-changes: accepted 1 changed day table(s) and rewrote manifest.json, so the dataset fingerprint changes: ${rel} (rows 2 → 2, flows 2 → 9)`,
    ]);
    const entry = (await manifestOf(out)).sensors![1]!.days[0]!;
    expect([entry.rows, entry.flows]).toEqual([2, 9]);
    // The view reads the accepted table: 10.0.0.9's flows on s2 were 1, now 8.
    expect(rowsOf(await trusted.sensorView!(['s2']).readDayTable(D1))[0]).toEqual([
      '10.0.0.9',
      8,
      7,
      2,
      bytesOf(DAY1, 4, 5),
    ]);
    expect((await openDataset(out)).warnings).toEqual([]);
  });

  it('a vanished sensor table is a data error; --trust-changes makes its day missing for the dataset and all sensors', async () => {
    const out = await makeDataset();
    const path = join(out, 'sensors', 's3', `attacks.${D3}.csv.gz`);
    await rm(path);
    const e = await rejection(openDataset(out));
    expect(e.message).toBe(
      `${path}: sensor day table named by the manifest is missing: re-run ingest, or pass --trust-changes to accept it (its day becomes missing)`,
    );
    const trusted = await openDataset(out, { trustChanges: true });
    expect(trusted.days).toEqual([D1]);
    expect(trusted.missingDays).toEqual(['2024-05-02', D3]);
    const m = await manifestOf(out);
    for (const s of m.sensors!) expect(s.days.map((d) => d.date)).toEqual([D1]);
    expect(trusted.sensorView!(['s1']).days).toEqual([D1]);
  });
});

describe('sumDayTables', () => {
  const table = (date: string, rows: [string, number, number, number, number][]): DayTable => ({
    date,
    ip: rows.map((r) => r[0]),
    flows: Float64Array.from(rows, (r) => r[1]),
    duration: Float64Array.from(rows, (r) => r[2]),
    packets: Float64Array.from(rows, (r) => r[3]),
    bytes: Float64Array.from(rows, (r) => r[4]),
  });
  const D = '2024-01-01';

  it.each([
    { name: 'no tables', tables: [], expected: [] },
    { name: 'empty tables', tables: [[], []], expected: [] },
    {
      name: 'rows of one IP added, durations exact (0.1 + 0.2 = 0.3)',
      tables: [[['10.0.0.1', 1, 0.1, 2, 40]], [['10.0.0.1', 2, 0.2, 3, 60]]],
      expected: [['10.0.0.1', 3, 0.3, 5, 100]],
    },
    {
      name: 'IPv4 numerically, then IPv6 numerically',
      tables: [
        [
          ['2001:db8::10', 1, 0, 1, 1],
          ['10.0.0.10', 1, 0, 1, 1],
        ],
        [
          ['2001:db8::9', 1, 0, 1, 1],
          ['10.0.0.9', 1, 0, 1, 1],
        ],
      ],
      expected: [
        ['10.0.0.9', 1, 0, 1, 1],
        ['10.0.0.10', 1, 0, 1, 1],
        ['2001:db8::9', 1, 0, 1, 1],
        ['2001:db8::10', 1, 0, 1, 1],
      ],
    },
  ] as { name: string; tables: [string, number, number, number, number][][]; expected: unknown[] }[])(
    '$name',
    ({ tables, expected }) => {
      const sum = sumDayTables(
        D,
        tables.map((rows) => table(D, rows)),
      );
      expect(sum.date).toBe(D);
      expect(rowsOf(sum)).toEqual(expected);
    },
  );

  it('a sum past 2^53 − 1 is a data error naming the IP and column', () => {
    const big = Number.MAX_SAFE_INTEGER;
    let error: unknown;
    try {
      sumDayTables(D, [table(D, [['10.0.0.1', 1, 0, big, 0]]), table(D, [['10.0.0.1', 1, 0, 1, 0]])]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toBe(
      `field 'packets': the packets of 10.0.0.1 on ${D}, summed over the sensors' tables, pass 2^53 − 1`,
    );
  });
});

describe('sensorDirs', () => {
  /** 12 hex digits of the sha256 of an id (node:crypto, not the project's helper). */
  const hash = (id: string) => createHash('sha256').update(id).digest('hex').slice(0, 12);

  it.each([
    { ids: ['192.0.2.1'], dirs: ['192.0.2.1'] },
    { ids: ['2001:db8::3', '::1'], dirs: ['2001-db8--3', '--1'] },
    // Not canonical (RFC 5952 writes ::ffff:102:304): an id like any other.
    { ids: ['::ffff:1.2.3.4'], dirs: [`__ffff_1.2.3.4~${'::ffff:1.2.3.4'}`] },
    { ids: ['honeypot-1', 'hp_2.eu'], dirs: ['honeypot-1', 'hp_2.eu'] },
    { ids: ['hp:b'], dirs: [`hp_b~${'hp:b'}`] },
    { ids: ['.hidden'], dirs: [`.hidden~${'.hidden'}`] },
    { ids: ['con'], dirs: [`con~${'con'}`] },
    { ids: ['Alpha', 'alpha', 'beta'], dirs: [`Alpha~${'Alpha'}`, `alpha~${'alpha'}`, 'beta'] },
    { ids: ['a/b', 'a\\b'], dirs: [`a_b~${'a/b'}`, `a_b~${'a\\b'}`] },
    { ids: ['x'.repeat(80)], dirs: [`${'x'.repeat(64)}~${'x'.repeat(80)}`] },
  ])('$ids', ({ ids, dirs }) => {
    // `name~id` in the table stands for `name~` + 12 hex digits of the id's sha256.
    const expected = dirs.map((d) => {
      const k = d.indexOf('~');
      return k < 0 ? d : `${d.slice(0, k)}~${hash(d.slice(k + 1))}`;
    });
    expect(ids.map((id) => sensorDirs(ids).get(id))).toEqual(expected);
  });
});
