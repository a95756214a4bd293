/**
 * Cowrie `--attack login-success` through appends (ingestAppend, `aiplab daily`): a day's rule needs every file's logins,
 * and Cowrie rotates at the honeypot's local midnight, so a UTC day spans two files that arrive in two appends. The
 * dataset keeps the rows the rule removed from its last days (`.aiplab-login-aside/`) and an append feeds them back:
 * appending file by file must give the folder (day tables, manifest, rows kept aside) one ingest of all the files
 * gives. Expected values are written by hand (the fixture test/fixtures/cowrie-login, see its README) or computed by a
 * brute force over the raw lines here.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type DatasetManifest, ingest } from '../../src/index.js';
import { ingestAppend } from '../../src/ingest/ingest-append.js';
import { expandInputs, type InputFile } from '../../src/ingest/input-files.js';
import { seededRandom } from '../blocklist/helpers.js';
import { ROOT, runCli } from '../helpers.js';
import {
  compareIp,
  expectRows,
  put,
  type Row,
  readDayFile,
  rfc5952,
  snapshotFolder,
  tempFolders,
} from './ingest-helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'cowrie-login');
const NO_LOGIN_DROP = 'no cowrie.login.success that day';
const LOGIN = { attack: 'login-success' };
const ASIDE = '.aiplab-login-aside';
const folders = tempFolders('aiplab-cowrie-login-append-');
afterAll(() => folders.cleanupAll());

const cowrieFiles = (input: string): Promise<InputFile[]> =>
  expandInputs([input], (n) => n.startsWith('cowrie.json'));

/** The compositions of `files` into consecutive non-empty chunks: every way of cutting at the file boundaries. */
function compositions<T>(files: T[]): T[][][] {
  const out: T[][][] = [];
  for (let mask = 0; mask < 1 << (files.length - 1); mask++) {
    const chunks: T[][] = [[files[0]!]];
    for (let k = 1; k < files.length; k++) {
      if (mask & (1 << (k - 1))) chunks.push([files[k]!]);
      else chunks[chunks.length - 1]!.push(files[k]!);
    }
    out.push(chunks);
  }
  return out;
}

/**
 * Builds a dataset in `out` chunk by chunk: the first chunk by ingest (`viaIngest`) or by an append to a new folder,
 * each next chunk appended. Returns the last append's result.
 */
async function appendChunks(out: string, chunks: InputFile[][], workers: number, viaIngest: boolean) {
  let last: Awaited<ReturnType<typeof ingestAppend>> | null = null;
  for (const [k, files] of chunks.entries()) {
    if (k === 0 && viaIngest)
      await ingest({
        format: 'cowrie',
        inputs: files.map((f) => f.path),
        out,
        reader: LOGIN,
        workers,
      });
    else last = await ingestAppend({ format: 'cowrie', files, out, reader: LOGIN, workers });
  }
  return last;
}

const manifestOf = async (dir: string): Promise<DatasetManifest> =>
  JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as DatasetManifest;

/** The UTF-8 bytes of the fixture's lines of the sessions `sessions` on UTC day `day`. */
async function fixtureBytes(day: string, sessions: string[]): Promise<number> {
  let n = 0;
  for (const name of (await readdir(FIXTURES)).filter((x) => x.startsWith('cowrie.json')))
    for (const line of (await readFile(join(FIXTURES, name), 'utf8')).split('\n')) {
      if (line === '') continue;
      const e = JSON.parse(line) as { session: string; timestamp: string };
      if (e.timestamp.startsWith(day) && sessions.includes(e.session)) n += Buffer.byteLength(line, 'utf8');
    }
  return n;
}

describe('cowrie --attack login-success appended file by file (hand-written fixture)', () => {
  it('restores the sessions of an IP whose login arrives in the next file (the reproduction)', async () => {
    const [f1, f2, f3] = await cowrieFiles(FIXTURES);
    const out = join(await folders.make(), 'ds');
    await ingest({ format: 'cowrie', inputs: [f1!.path, f2!.path], out, reader: LOGIN });
    // Before file 3, nobody logged in on 2024-03-02: its table is empty, d1 (203.0.113.40, 2 events) is kept aside.
    expect(await readDayFile(join(out, 'attacks.2024-03-02.csv.gz'))).toEqual([]);
    const result = await ingestAppend({ format: 'cowrie', files: [f3!], out, reader: LOGIN });
    // d1 (file 2: connect, closed 5 s) and d2 (file 3, 23:20Z: connect, login, closed 60 s): 2 flows, 65 s, 5 events.
    expectRows(
      await readDayFile(join(out, 'attacks.2024-03-02.csv.gz')),
      [
        {
          ip: '203.0.113.40',
          flows: 2,
          duration: 65,
          packets: 5,
          bytes: await fixtureBytes('2024-03-02', ['d1', 'd2']),
        },
      ],
      '2024-03-02',
    );
    // 41 events; kept: 8 + 3 + 3 (03-01), 5 (03-02), 3 (03-03).
    expect(result!.manifest.skipped.dropped).toEqual({ [NO_LOGIN_DROP]: 41 - 22 });
    expect(result!.manifest.records).toBe(41);
    // 2024-03-02 gains d2's flow and d1's, restored.
    expect(result!.extendedDays).toEqual([{ date: '2024-03-02', flows: 2 }]);
    expect(result!.newDays).toEqual(['2024-03-03']);
    expect(result!.manifest.warnings).toEqual([]);
  });

  it('gives the folder of one ingest, byte for byte, whatever the cuts between appends, with 1 or 3 workers', async () => {
    const files = await cowrieFiles(FIXTURES);
    const dir = await folders.make();
    const whole = join(dir, 'whole');
    await ingest({ format: 'cowrie', inputs: [FIXTURES], out: whole, reader: LOGIN, workers: 1 });
    const want = await snapshotFolder(whole);
    // The rows removed from the last two days (03-02: a2, b3, e2; 03-03: a3, d3) are kept aside, with their index.
    expect([...want.keys()].sort()).toEqual([
      `${ASIDE}/attacks.2024-03-02.csv.gz`,
      `${ASIDE}/attacks.2024-03-03.csv.gz`,
      `${ASIDE}/index.json`,
      'attacks.2024-03-01.csv.gz',
      'attacks.2024-03-02.csv.gz',
      'attacks.2024-03-03.csv.gz',
      'manifest.json',
    ]);
    expect((await readDayFile(join(whole, ASIDE, 'attacks.2024-03-03.csv.gz'))).map((r) => r.ip)).toEqual([
      '203.0.113.10',
      '203.0.113.40',
    ]);
    let n = 0;
    for (const chunks of compositions(files))
      for (const workers of [1, 3]) {
        const out = join(dir, `split-${n++}`);
        // The first chunk by ingest with 3 workers, by an append to a new folder with 1.
        await appendChunks(out, chunks, workers, workers === 3);
        const label = `${chunks.map((c) => c.length).join('+')} workers ${workers}`;
        expect(await snapshotFolder(out), label).toEqual(want);
      }
    expect(n).toBe(8);
  });

  it('a late file: exact on the days kept aside; on an older day, a warning where a login comes afresh', async () => {
    const dir = await folders.make();
    // After the three files the rows of 2024-03-02 and 03-03 are kept aside, those of 03-01 are pruned. The late file
    // logs in 203.0.113.10 on 03-02 (its session a2 there is aside: restored) and 203.0.113.50 on 03-01 (its session
    // e1 there is pruned: lost, with a warning).
    const late = await put(
      join(dir, 'late', 'cowrie.json.late'),
      [
        { eventid: 'cowrie.login.success', timestamp: '2024-03-02T18:00:00.000000Z', src_ip: '203.0.113.10' },
        { eventid: 'cowrie.login.success', timestamp: '2024-03-01T18:00:00.000000Z', src_ip: '203.0.113.50' },
      ]
        .map((e) => `${JSON.stringify({ ...e, session: 'z1' })}\n`)
        .join(''),
    );
    const lateLines = (await readFile(late, 'utf8')).split('\n');
    const out = join(dir, 'ds');
    await ingest({ format: 'cowrie', inputs: [FIXTURES], out, reader: LOGIN });
    const { manifest } = (await ingestAppend({
      format: 'cowrie',
      files: await cowrieFiles(late),
      out,
      reader: LOGIN,
    }))!;
    expect(manifest.warnings).toEqual([
      "2024-03-01: 1 IP(s) log in in the new files on a day read before whose removed rows are no longer kept (only the last 2 days' are): their records of that day in the files read before, if any, are missing from its table (--attack login-success); ingest all the files at once for the exact table",
    ]);
    // 03-02: a2 (connect, closed 4 s) and the late login.
    expectRows(
      (await readDayFile(join(out, 'attacks.2024-03-02.csv.gz'))).filter((r) => r.ip === '203.0.113.10'),
      [
        {
          ip: '203.0.113.10',
          flows: 1,
          duration: 4,
          packets: 3,
          bytes: (await fixtureBytes('2024-03-02', ['a2'])) + Buffer.byteLength(lateLines[0]!),
        },
      ],
    );
    // 03-01: only the late login (one ingest of all four files would add e1: 3 events, 2 s).
    expectRows(
      (await readDayFile(join(out, 'attacks.2024-03-01.csv.gz'))).filter((r) => r.ip === '203.0.113.50'),
      [{ ip: '203.0.113.50', flows: 0, duration: 0, packets: 1, bytes: Buffer.byteLength(lateLines[1]!) }],
    );
    const all = join(dir, 'all');
    await ingest({ format: 'cowrie', inputs: [FIXTURES, late], out: all, reader: LOGIN });
    for (const date of ['2024-03-02', '2024-03-03'])
      expect(await readFile(join(out, `attacks.${date}.csv.gz`)), date).toEqual(
        await readFile(join(all, `attacks.${date}.csv.gz`)),
      );
    // The drop count follows the tables: e1's 3 events stay dropped here, and are not in one ingest.
    expect(manifest.skipped.dropped[NO_LOGIN_DROP]).toBe(
      (await manifestOf(all)).skipped.dropped[NO_LOGIN_DROP]! + 3,
    );
  });

  it('without its rows kept aside (an older aiplab), an append says which day may lack records', async () => {
    const [f1, f2, f3] = await cowrieFiles(FIXTURES);
    const out = join(await folders.make(), 'ds');
    await ingestAppend({ format: 'cowrie', files: [f1!, f2!], out, reader: LOGIN });
    await rm(join(out, ASIDE), { recursive: true });
    const { manifest } = (await ingestAppend({ format: 'cowrie', files: [f3!], out, reader: LOGIN }))!;
    expect(manifest.warnings.map((w) => w.slice(0, 30))).toEqual(['2024-03-02: 1 IP(s) log in in ']);
    // d1 is lost: d2 alone.
    expect(
      (await readDayFile(join(out, 'attacks.2024-03-02.csv.gz'))).map((r) => [r.flows, r.duration]),
    ).toEqual([[1, 60]]);
  });

  it('an index that does not belong to the manifest is not used; ingest never carries the folder over', async () => {
    const [f1, f2, f3] = await cowrieFiles(FIXTURES);
    const dir = await folders.make();
    const out = join(dir, 'ds');
    await ingestAppend({ format: 'cowrie', files: [f1!, f2!], out, reader: LOGIN });
    // A folder kept aside copied from another dataset of the same days (read from other files): not this one's.
    const other = join(dir, 'other');
    await ingestAppend({ format: 'cowrie', files: [f2!], out: other, reader: LOGIN });
    await rm(join(out, ASIDE), { recursive: true });
    await writeFile(join(out, 'README'), 'mine\n');
    await mkdir(join(out, ASIDE));
    for (const name of await readdir(join(other, ASIDE)))
      await copyFile(join(other, ASIDE, name), join(out, ASIDE, name));
    const { manifest } = (await ingestAppend({ format: 'cowrie', files: [f3!], out, reader: LOGIN }))!;
    expect(manifest.warnings).toHaveLength(1);
    expect(await readFile(join(out, 'README'), 'utf8')).toBe('mine\n');
    // A connections ingest over it leaves no folder of rows kept aside; the user's file stays.
    await ingest({ format: 'cowrie', inputs: [FIXTURES], out });
    expect((await readdir(out)).filter((n) => n.startsWith('.aiplab-login'))).toEqual([]);
    expect(await readFile(join(out, 'README'), 'utf8')).toBe('mine\n');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Generated logs of a honeypot on UTC−5: `cowrie.json.D` holds D 05:00Z .. D+1 05:00Z.

interface Event {
  eventid: string;
  timestamp: string;
  src_ip: string;
  session: string;
  duration?: number;
}

const POOL = ['45.1.1.1', '45.1.1.2', '45.1.1.3', '81.2.2.2', '2a01:4f8::1', '2A01:4F8:0::2'];
const DAYS = ['2024-05-01', '2024-05-02', '2024-05-03', '2024-05-04', '2024-05-05'];

/** Writes the five files; returns their lines, per file. */
async function writeLogs(root: string, seed: number): Promise<string[][]> {
  const rnd = seededRandom(seed);
  const all: string[][] = [];
  let sid = 0;
  for (const day of DAYS) {
    const start = Date.parse(`${day}T05:00:00Z`);
    const events: Event[] = [];
    for (let s = 0; s < 14; s++) {
      const ip = POOL[Math.floor(rnd() * POOL.length)]!;
      // Sessions crowd around midnight UTC, where a UTC day passes from one file to the next.
      const t = start + (rnd() < 0.5 ? 17 * 3600e3 + rnd() * 4 * 3600e3 : rnd() * 23.9 * 3600e3);
      const session = `s${sid++}`;
      const at = (ms: number) => new Date(Math.floor(ms)).toISOString().replace('Z', '000Z');
      events.push({ eventid: 'cowrie.session.connect', timestamp: at(t), src_ip: ip, session });
      const r = rnd();
      if (r < 0.3)
        events.push({ eventid: 'cowrie.login.success', timestamp: at(t + 1000), src_ip: ip, session });
      else if (r < 0.6)
        events.push({ eventid: 'cowrie.login.failed', timestamp: at(t + 1000), src_ip: ip, session });
      const duration = Math.floor(rnd() * 300e6) / 1e6;
      const end = Math.min(t + 1500 + duration * 1000, start + 24 * 3600e3 - 1);
      events.push({ eventid: 'cowrie.session.closed', timestamp: at(end), src_ip: ip, session, duration });
    }
    events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
    const lines = events.map((e) => JSON.stringify(e));
    all.push(lines);
    await put(join(root, `cowrie.json.${day}`), lines.map((l) => `${l}\n`).join(''));
  }
  return all;
}

/** The rule by brute force: per UTC day, the IPs with a login that day, each with all its events of the day. */
function bruteForce(lines: string[]): { days: Map<string, Row[]>; dropped: number } {
  const rows = new Map<string, Map<string, Row & { us: number }>>();
  const logins = new Map<string, Set<string>>();
  for (const line of lines) {
    const e = JSON.parse(line) as Event;
    const day = e.timestamp.slice(0, 10);
    const ip = rfc5952(e.src_ip);
    const byIp = rows.get(day) ?? new Map();
    rows.set(day, byIp);
    const r = byIp.get(ip) ?? { ip, flows: 0, duration: 0, packets: 0, bytes: 0, us: 0 };
    byIp.set(ip, r);
    if (e.eventid === 'cowrie.session.connect') r.flows++;
    if (e.eventid === 'cowrie.session.closed') r.us += Math.round(e.duration! * 1e6);
    if (e.eventid === 'cowrie.login.success') logins.set(day, (logins.get(day) ?? new Set()).add(ip));
    r.packets++;
    r.bytes += Buffer.byteLength(line, 'utf8');
  }
  const days = new Map<string, Row[]>();
  let dropped = 0;
  for (const [day, byIp] of rows) {
    const kept: Row[] = [];
    for (const r of byIp.values()) {
      if (logins.get(day)?.has(r.ip)) kept.push({ ...r, duration: r.us / 1e6 });
      else dropped += r.packets;
    }
    days.set(
      day,
      kept.sort((a, b) => compareIp(a.ip, b.ip)),
    );
  }
  return { days, dropped };
}

describe('cowrie --attack login-success appended file by file (generated logs, UTC−5 rotation)', () => {
  it('every cut between appends, with 1 or 3 workers, gives the brute force and the folder of one ingest', async () => {
    const dir = await folders.make();
    const logs = join(dir, 'logs');
    const perFile = await writeLogs(logs, 7);
    const expected = bruteForce(perFile.flat());
    // The logs test what they must: an IP logs in on a day in a file after one that holds its earlier records of it.
    const firstLogin = new Map<string, number>();
    const firstEvent = new Map<string, number>();
    perFile.forEach((lines, k) => {
      for (const line of lines) {
        const e = JSON.parse(line) as Event;
        const key = `${e.timestamp.slice(0, 10)} ${rfc5952(e.src_ip)}`;
        if (!firstEvent.has(key)) firstEvent.set(key, k);
        if (e.eventid === 'cowrie.login.success' && !firstLogin.has(key)) firstLogin.set(key, k);
      }
    });
    expect([...firstLogin].filter(([key, k]) => firstEvent.get(key)! < k).length).toBeGreaterThan(1);
    const files = await cowrieFiles(logs);
    const whole = join(dir, 'whole');
    await ingest({ format: 'cowrie', inputs: [logs], out: whole, reader: LOGIN, workers: 1 });
    const manifest = await manifestOf(whole);
    expect(manifest.days.map((d) => d.date)).toEqual([...expected.days.keys()].sort());
    for (const [day, rows] of expected.days)
      expectRows(await readDayFile(join(whole, `attacks.${day}.csv.gz`)), rows, day);
    expect(manifest.skipped.dropped).toEqual({ [NO_LOGIN_DROP]: expected.dropped });
    const want = await snapshotFolder(whole);

    let n = 0;
    for (const chunks of compositions(files))
      for (const workers of [1, 3]) {
        const out = join(dir, `split-${n++}`);
        // The first chunk by ingest with 3 workers, by an append to a new folder with 1.
        await appendChunks(out, chunks, workers, workers === 3);
        expect(
          await snapshotFolder(out),
          `${chunks.map((c) => c.length).join('+')} workers ${workers}`,
        ).toEqual(want);
        await rm(out, { recursive: true });
      }
    expect(n).toBe(32);
  }, 120_000);
});

describe('aiplab daily --input cowrie --attack login-success', () => {
  it('run day by day through the CLI, gives the day tables and drop counts of one ingest', async () => {
    const dir = await folders.make();
    const logs = join(dir, 'logs');
    for (const name of (await readdir(FIXTURES)).filter((x) => x.startsWith('cowrie.json')))
      await put(join(logs, name), await readFile(join(FIXTURES, name)));
    // The live log: the rotated files beside it are complete.
    await put(join(logs, 'cowrie.json'), '');
    const data = join(dir, 'data');
    const feed = join(dir, 'feed');
    for (const now of ['2024-03-02T00:15:00Z', '2024-03-03T00:15:00Z', '2024-03-04T00:15:00Z']) {
      const run = await runCli([
        'daily',
        '--input',
        'cowrie',
        logs,
        '--attack',
        'login-success',
        '--data',
        data,
        '--out',
        feed,
        '--model',
        'Alpha',
        '--now',
        now,
        '--force',
        '-q',
      ]);
      expect(run.stderr, now).toBe('');
      expect(run.code, now).toBe(0);
    }
    const daily = await manifestOf(data);
    expect(daily.inputs.map((i) => i.path)).toEqual(DAYS_FIXTURE.map((d) => join(logs, `cowrie.json.${d}`)));
    const whole = join(dir, 'whole');
    await ingest({ format: 'cowrie', inputs: [logs], out: whole, reader: LOGIN });
    const once = await manifestOf(whole);
    expect(daily.days).toEqual(once.days);
    expect(daily.skipped).toEqual(once.skipped);
    expect(daily.skipped.dropped).toEqual({ [NO_LOGIN_DROP]: 19 });
    for (const d of once.days)
      expect(await readFile(join(data, d.file)), d.date).toEqual(await readFile(join(whole, d.file)));
    // The hand-computed row of the reproduction, as daily left it.
    expect(
      (await readDayFile(join(data, 'attacks.2024-03-02.csv.gz'))).map((r) => [r.ip, r.flows, r.duration]),
    ).toEqual([['203.0.113.40', 2, 65]]);
  }, 60_000);
});

const DAYS_FIXTURE = ['2024-03-01', '2024-03-02', '2024-03-03'];
