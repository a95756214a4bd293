/**
 * Cowrie `--attack login-success` (docs/input-cowrie.md): on each UTC day only the IPs with a `cowrie.login.success`
 * event that day, each with all its records of the day, whatever way the input is split (worker threads, partial
 * ingests) and whichever file holds the login. Expected values are written by hand from the fixture's README, or
 * computed here from the raw input.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type DatasetManifest,
  ingest,
  ingestPartial,
  mergeIngestPartials,
  UsageError,
} from '../../src/index.js';
import { ROOT, rejection, runCli, SHARED_DATA } from '../helpers.js';
import { skipBecause } from '../skip-reasons.js';
import { expectRows, type Row, readDayFile, rfc5952, snapshotFolder, tempFolders } from './ingest-helpers.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'cowrie-login');
const NO_LOGIN_DROP = 'no cowrie.login.success that day';
const folders = tempFolders('aiplab-cowrie-login-');
afterAll(() => folders.cleanupAll());

/** The fixture's raw lines (newline excluded) with their session and UTC day, read without the code under test. */
async function fixtureLines(): Promise<{ text: string; session: string; day: string }[]> {
  const out: { text: string; session: string; day: string }[] = [];
  for (const name of (await readdir(FIXTURES)).filter((n) => n.startsWith('cowrie.json')).sort()) {
    for (const text of (await readFile(join(FIXTURES, name), 'utf8')).split('\n')) {
      if (text === '') continue;
      const e = JSON.parse(text) as { session: string; timestamp: string };
      out.push({ text, session: e.session, day: e.timestamp.slice(0, 10) });
    }
  }
  return out;
}

/**
 * The expected tables, by hand (see the fixture's README): flows = connects, duration = sum of the closed durations,
 * packets = events; bytes = the UTF-8 bytes of the sessions' lines of that UTC day.
 */
async function expectedTables(): Promise<Map<string, Row[]>> {
  const lines = await fixtureLines();
  const bytes = (day: string, sessions: string[]) =>
    lines
      .filter((l) => l.day === day && sessions.includes(l.session))
      .reduce((a, l) => a + Buffer.byteLength(l.text, 'utf8'), 0);
  const r = (
    day: string,
    ip: string,
    flows: number,
    duration: number,
    packets: number,
    sessions: string[],
  ) => ({
    ip,
    flows,
    duration,
    packets,
    bytes: bytes(day, sessions),
  });
  return new Map([
    [
      '2024-03-01',
      [
        // b1: connect, version, failed, success, command, closed 10.25; b2 (no login): connect, closed 1.5.
        r('2024-03-01', '203.0.113.20', 2, 11.75, 8, ['b1', 'b2']),
        // c1's connect is in the file of 03-01, its login and close in that of 03-02.
        r('2024-03-01', '203.0.113.30', 1, 70, 3, ['c1']),
        r('2024-03-01', '2001:db8::7', 1, 0.5, 3, ['f1']),
      ],
    ],
    // d1 (no login) and d2, whose login for UTC 03-02 is in the file of 03-03.
    ['2024-03-02', [r('2024-03-02', '203.0.113.40', 2, 65, 5, ['d1', 'd2'])]],
    ['2024-03-03', [r('2024-03-03', '198.51.100.7', 1, 30, 3, ['g1'])]],
  ]);
}
/** 41 events, 22 of them in the rows above. */
const RECORDS = 41;
const DROPPED = RECORDS - (8 + 3 + 3 + 5 + 3);

/** Every file of a dataset folder but its hidden record of mtimes. */
async function visibleFiles(dir: string): Promise<Map<string, Buffer>> {
  const all = await snapshotFolder(dir);
  for (const name of all.keys()) if (name.startsWith('.')) all.delete(name);
  return all;
}

describe('cowrie --attack login-success (hand-written logs over 3 days)', () => {
  it('keeps on each UTC day only the IPs that logged in that day, with all their records of the day', async () => {
    const out = join(await folders.make(), 'ds');
    const { manifest } = await ingest({
      format: 'cowrie',
      inputs: [FIXTURES],
      out,
      reader: { attack: 'login-success' },
      workers: 1,
    });
    const expected = await expectedTables();
    expect(manifest.days.map((d) => d.date)).toEqual([...expected.keys()]);
    for (const [date, rows] of expected) {
      expectRows(await readDayFile(join(out, `attacks.${date}.csv.gz`)), rows, date);
      const entry = manifest.days.find((d) => d.date === date)!;
      expect(entry.rows).toBe(rows.length);
      expect(entry.flows).toBe(rows.reduce((a, x) => a + x.flows, 0));
    }
    expect(manifest.reader).toEqual({ attack: 'login-success' });
    expect(manifest.records).toBe(RECORDS);
    expect(manifest.skipped.dropped).toEqual({ [NO_LOGIN_DROP]: DROPPED });
    expect(manifest.skipped.malformed).toEqual({});
    expect(manifest.attackFlows).toBe(2 + 1 + 1 + 2 + 1);
  });

  it('keeps the row the default rule (connections) gives an IP that logged in; --attack connections is the default', async () => {
    const dir = await folders.make();
    const runs: Record<string, DatasetManifest> = {};
    for (const attack of [undefined, 'connections', 'login-success'])
      runs[attack ?? 'default'] = (
        await ingest({
          format: 'cowrie',
          inputs: [FIXTURES],
          out: join(dir, attack ?? 'default'),
          reader: { attack },
        })
      ).manifest;
    const day = (rule: string, date: string) => readDayFile(join(dir, rule, `attacks.${date}.csv.gz`));
    // Every IP that connected that day, the ones that never logged in included.
    expect((await day('default', '2024-03-01')).map((r) => r.ip)).toEqual([
      '203.0.113.10',
      '203.0.113.20',
      '203.0.113.30',
      '203.0.113.50',
      '2001:db8::7',
    ]);
    expect((await day('default', '2024-03-02')).map((r) => r.ip)).toEqual([
      '203.0.113.10',
      '203.0.113.20',
      '203.0.113.40',
      '203.0.113.50',
    ]);
    for (const date of ['2024-03-01', '2024-03-02', '2024-03-03']) {
      const all = await day('default', date);
      const kept = await day('login-success', date);
      expect(kept.length).toBeGreaterThan(0);
      for (const r of kept) expect(all.find((x) => x.ip === r.ip)).toEqual(r);
      expect(await readFile(join(dir, 'connections', `attacks.${date}.csv.gz`))).toEqual(
        await readFile(join(dir, 'default', `attacks.${date}.csv.gz`)),
      );
    }
    expect(runs.default!.skipped.dropped).toEqual({});
    expect(runs.default!.reader).toBeUndefined();
    expect(runs.connections!.reader).toEqual({ attack: 'connections' });
    expect({ ...runs.connections!, reader: undefined }).toEqual({ ...runs.default!, reader: undefined });
  });

  it('gives byte-identical datasets read by 1, 2 or 3 workers and merged from partial ingests', async () => {
    const dir = await folders.make();
    const reader = { attack: 'login-success' };
    const outs: string[] = [];
    for (const workers of [1, 2, 3]) {
      const out = join(dir, `w${workers}`);
      await ingest({ format: 'cowrie', inputs: [FIXTURES], out, reader, workers });
      outs.push(out);
    }
    // Two partials (the first read by 2 workers), and three of one file each: each of c1 and d2 is then read by two.
    const splits = [
      [['2024-03-01', '2024-03-02', 2] as const, ['2024-03-03', '2024-03-03', 1] as const],
      (['2024-03-01', '2024-03-02', '2024-03-03'] as const).map((d) => [d, d, 1] as const),
    ];
    for (const [k, split] of splits.entries()) {
      const partials: string[] = [];
      for (const [from, to, workers] of split) {
        const out = join(dir, `partial-${k}-${from}`);
        await ingestPartial({ format: 'cowrie', inputs: [FIXTURES], out, from, to, reader, workers });
        partials.push(out);
      }
      const out = join(dir, `merged-${k}`);
      await mergeIngestPartials(partials, out);
      outs.push(out);
    }
    const first = await visibleFiles(outs[0]!);
    expect([...first.keys()].sort()).toEqual([
      'attacks.2024-03-01.csv.gz',
      'attacks.2024-03-02.csv.gz',
      'attacks.2024-03-03.csv.gz',
      'manifest.json',
    ]);
    const expected = await expectedTables();
    for (const out of outs) {
      expect(await visibleFiles(out), out).toEqual(first);
      for (const [date, rows] of expected)
        expectRows(await readDayFile(join(out, `attacks.${date}.csv.gz`)), rows, `${out} ${date}`);
    }

    // A partial keeps every IP (the rule needs the whole day) and notes who logged in, by UTC day.
    const partial = JSON.parse(
      await readFile(join(dir, 'partial-1-2024-03-03', 'ingest-partial.json'), 'utf8'),
    ) as { parts: { dir: string; result: { loggedIn?: Record<string, string[]> } }[] };
    expect(partial.parts.map((p) => p.result.loggedIn)).toEqual([
      { '2024-03-02': ['203.0.113.40'], '2024-03-03': ['198.51.100.7'] },
    ]);
    const rows = await readDayFile(
      join(dir, 'partial-1-2024-03-03', partial.parts[0]!.dir, 'attacks.2024-03-03.csv.gz'),
    );
    expect(rows.map((r) => r.ip)).toEqual(['198.51.100.7', '203.0.113.10', '203.0.113.40']);
    const two = JSON.parse(
      await readFile(join(dir, 'partial-0-2024-03-01', 'ingest-partial.json'), 'utf8'),
    ) as { parts: unknown[] };
    expect(two.parts).toHaveLength(2);
  });

  it('is a usage error for a format without the option, or a rule Cowrie does not know', async () => {
    const zeek = join(SHARED_DATA, 'zeek-samples');
    const cli = await runCli([
      'ingest',
      'zeek',
      join(zeek, 'conn-json.log'),
      '--honeypots',
      join(zeek, 'expected', 'conn-json', 'honeypots.csv'),
      '--attack',
      'login-success',
      '--out',
      join(await folders.make(), 'ds'),
    ]);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--attack is not an option of zeek input');
    const e = await rejection(
      ingest({
        format: 'cowrie',
        inputs: [FIXTURES],
        out: join(await folders.make(), 'ds'),
        reader: { attack: 'logins' },
      }),
    );
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(
      "--attack of cowrie input must be one of connections, login-success, not 'logins'",
    );
  });
});

const REAL = join(SHARED_DATA, 'cowrie-kareiva-2018');
describe.skipIf(skipBecause(import.meta.url, !existsSync(REAL) && `no ${REAL}`))(
  'cowrie --attack login-success on real logs (../shared/data/cowrie-kareiva-2018)',
  () => {
    it('keeps per day exactly the src_ip of that day’s login successes, each with its default row', async () => {
      // Who logged in when, from the raw gzip files.
      const want = new Map<string, Set<string>>();
      for (const name of await readdir(REAL)) {
        for (const line of gunzipSync(await readFile(join(REAL, name)))
          .toString('utf8')
          .split('\n')) {
          if (line.trim() === '') continue;
          const e = JSON.parse(line) as { eventid: string; timestamp: string; src_ip: string };
          if (e.eventid !== 'cowrie.login.success') continue;
          const day = new Date(Date.parse(e.timestamp)).toISOString().slice(0, 10);
          const set = want.get(day) ?? new Set();
          set.add(rfc5952(e.src_ip));
          want.set(day, set);
        }
      }
      expect(want.size).toBeGreaterThan(40);
      const dir = await folders.make();
      const all = await ingest({ format: 'cowrie', inputs: [REAL], out: join(dir, 'all') });
      const login = await ingest({
        format: 'cowrie',
        inputs: [REAL],
        out: join(dir, 'login'),
        reader: { attack: 'login-success' },
      });
      expect(login.manifest.days.map((d) => d.date)).toEqual(all.manifest.days.map((d) => d.date));
      expect(login.manifest.missingDays).toEqual(['2018-06-17', '2018-06-29']);
      let removedEvents = 0;
      for (const { date, file } of all.manifest.days) {
        const rows = await readDayFile(join(dir, 'login', file));
        expect(new Set(rows.map((r) => r.ip)), date).toEqual(want.get(date) ?? new Set());
        const allRows = await readDayFile(join(dir, 'all', file));
        for (const r of rows)
          expect(
            allRows.find((x) => x.ip === r.ip),
            `${date} ${r.ip}`,
          ).toEqual(r);
        // Cowrie's packets are its events: what the rule removed, in records.
        for (const r of allRows) if (!rows.some((x) => x.ip === r.ip)) removedEvents += r.packets;
      }
      expect(removedEvents).toBeGreaterThan(0);
      expect(login.manifest.skipped.dropped).toEqual({ [NO_LOGIN_DROP]: removedEvents });
      expect(login.manifest.records).toBe(all.manifest.records);
    });
  },
);
