/**
 * aiplab daily as a library call (src/daily/daily-feed.ts, docs/daily-feed.md): small Zeek day folders and Cowrie logs
 * written here, with the attackers of each day chosen by hand, so every expected list is known without the code.
 */
import { readdir, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { lockPathOf, withDatasetLock } from '../../src/daily/daily-lock.js';
import { DAILY_STATE_FILE } from '../../src/daily/daily-state.js';
import { type DailyFeedOptions, dailyFeed } from '../../src/daily/index.js';
import { DataError, ingest, UsageError } from '../../src/index.js';
import { rejection } from '../helpers.js';
import { put, readDayFile, tempFolders } from '../ingest/ingest-helpers.js';
import { at, cowrieLines, honeypotsFile, listed, snapshot, zeekDay } from './helpers.js';

const tmp = tempFolders('aiplab-daily-test-');
afterAll(() => tmp.cleanupAll());

const D1 = '2026-12-01';
const D2 = '2026-12-02';
const D3 = '2026-12-03';
const D4 = '2026-12-04';
const D5 = '2026-12-05';
const D6 = '2026-12-06';

/** A Zeek log root with days D1..D3 (D3 is today on the first run, so still open). */
async function zeekSetup() {
  const dir = await tmp.make();
  const logs = join(dir, 'logs');
  await zeekDay(logs, D1, { '45.1.1.1': 3, '45.1.1.2': 1 });
  // Two bogons attack on D2: they are in the dataset, never in a list.
  await zeekDay(logs, D2, {
    '45.1.1.2': 2,
    '45.2.2.2': 1,
    '10.0.0.1': 4,
    '2001:db8::1': 1,
    '2a01:4f8::7': 1,
  });
  await zeekDay(logs, D3, { '45.3.3.3': 1, '45.1.1.1': 1 });
  const honeypots = await honeypotsFile(dir);
  const data = join(dir, 'data');
  const out = join(dir, 'feed');
  const run = (now: Date, more: Partial<DailyFeedOptions> = {}) =>
    dailyFeed({
      format: 'zeek',
      input: logs,
      honeypots,
      data,
      out,
      models: ['Alpha', 'Prioritize_New'],
      formats: ['txt', 'aip'],
      now,
      ...more,
    });
  return { dir, logs, data, out, run };
}

describe('aiplab daily on Zeek day folders', () => {
  it('ingests the complete days, writes the lists for today, then changes nothing; a new day adds exactly it', async () => {
    const { logs, data, out, run } = await zeekSetup();
    const first = await run(at(D3));
    expect(first.date).toBe(D3);
    expect(first.read).toEqual([
      `${D1}/conn.00:00:00-00:00:00.log.gz`,
      `${D2}/conn.00:00:00-00:00:00.log.gz`,
    ]);
    expect(first.newDays).toEqual([D1, D2]);
    expect(first.waiting).toEqual({ live: 0, open: 1 });
    // The dataset keeps the bogons' rows; the lists never hold them.
    expect((await readDayFile(join(data, `attacks.${D2}.csv.gz`))).map((r) => r.ip)).toEqual([
      '10.0.0.1',
      '45.1.1.2',
      '45.2.2.2',
      '2001:db8::1',
      '2a01:4f8::7',
    ]);
    const alpha = ['2a01:4f8::7', '45.1.1.2', '45.2.2.2'];
    expect(await listed(join(out, 'Alpha', `Alpha-${D3}.txt`))).toEqual(alpha);
    expect(await listed(join(out, 'Alpha.txt'))).toEqual(alpha);
    const a = first.lists.find((l) => l.model === 'Alpha')!;
    expect(a).toMatchObject({ entries: 3, removedAsBogons: 2, held: false, previous: undefined });
    // Prioritize New ranks every IP seen before today: D1's and D2's, less the bogons.
    expect(await listed(join(out, 'Prioritize_New.txt'))).toEqual([
      '2a01:4f8::7',
      '45.1.1.1',
      '45.1.1.2',
      '45.2.2.2',
    ]);
    expect(await readFile(join(out, 'AIP-Alpha.csv.gz'))).toEqual(
      await readFile(join(out, 'Alpha', `AIP-Alpha-${D3}.csv.gz`)),
    );

    // The same run again: not one file under --data or --out is rewritten (bytes and mtimes).
    const before = await snapshot(data, out);
    const again = await run(at(D3, '06:00:00'));
    expect(again.read).toEqual([]);
    expect(again.lists.every((l) => l.written === 0)).toBe(true);
    expect(await snapshot(data, out)).toEqual(before);

    // A new day folder: D3 is complete now, and only its file is read.
    await zeekDay(logs, D4, { '45.4.4.4': 1 });
    const next = await run(at(D4));
    expect(next.read).toEqual([`${D3}/conn.00:00:00-00:00:00.log.gz`]);
    expect(next.newDays).toEqual([D3]);
    expect(next.extendedDays).toEqual([]);
    expect(await listed(join(out, 'Alpha.txt'))).toEqual(['45.1.1.1', '45.3.3.3']);
    expect(await listed(join(out, 'Alpha', `Alpha-${D3}.txt`))).toEqual(alpha);
    expect(next.lists.find((l) => l.model === 'Alpha')!.previous).toEqual({ date: D3, entries: 3 });
    const m = JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'));
    expect(m.days.map((d: { date: string }) => d.date)).toEqual([D1, D2, D3]);
    expect(m.inputs).toHaveLength(3);
  });

  it("stops when today's input is missing or incomplete, the feed untouched (the complete days still read)", async () => {
    const { logs, data, out, run } = await zeekSetup();
    await run(at(D3));
    const feed = await snapshot(out);
    // D4: D3 is the newest folder and nothing says Zeek moved on.
    const incomplete = await rejection(run(at(D4)));
    expect(incomplete).toBeInstanceOf(DataError);
    expect(incomplete.message).toBe(
      `input for ${D3} is incomplete (no later day yet, nor a live log): the feed of ${D3} stays`,
    );
    expect(await snapshot(out)).toEqual(feed);
    // D6: no folder of D5 at all. D4's folder arrived meanwhile: D3 and D4 are read, the lists stay.
    await zeekDay(logs, D4, { '45.4.4.4': 1 });
    await zeekDay(logs, D6, { '45.6.6.6': 1 });
    const missing = await rejection(run(at(D6)));
    expect(missing.message).toBe(
      `input for ${D5} is missing (no file or folder of that day in ${logs}): the feed of ${D3} stays`,
    );
    expect(missing.message).not.toContain('\n');
    expect(await snapshot(out)).toEqual(feed);
    const m = JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'));
    expect(m.days.map((d: { date: string }) => d.date)).toEqual([D1, D2, D3, D4]);
  });

  it('holds back a list that grows past --max-change, keeps the previous feed, and publishes it with --force', async () => {
    const { logs, out, run } = await zeekSetup();
    await run(at(D3), { models: ['Alpha'] });
    const feed = await snapshot(out);
    // The feed of D3 lists D2's 3 IPs; the lists for D5 (D3 and D4 read now) list D4's 7: outside [3/2, 3×2].
    const seven = Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`45.5.5.${k + 1}`, 1]));
    await zeekDay(logs, D4, seven);
    await zeekDay(logs, D5, { '45.6.6.6': 1 });
    const held = await run(at(D5), { models: ['Alpha'], maxChange: 2 });
    expect(held.held.map((l) => [l.model, l.entries, l.previous])).toEqual([
      ['Alpha', 7, { date: D3, entries: 3 }],
    ]);
    expect(await snapshot(out)).toEqual(feed);
    // A factor of 3 lets 7 against 3 pass.
    const wide = await run(at(D5), { models: ['Alpha'], maxChange: 3 });
    expect(wide.held).toEqual([]);
    expect(await listed(join(out, 'Alpha.txt'))).toHaveLength(7);

    const again = await run(at(D5, '12:00:00'), { models: ['Alpha'], maxChange: 1.5 });
    expect(again.held).toEqual([]); // against itself
    const { logs: logs2, out: out2, run: run2 } = await zeekSetup();
    await run2(at(D3), { models: ['Alpha'] });
    await zeekDay(logs2, D4, seven);
    await zeekDay(logs2, D5, { '45.6.6.6': 1 });
    const forced = await run2(at(D5), { models: ['Alpha'], force: true });
    expect(forced.held).toEqual([]);
    expect(await listed(join(out2, 'Alpha.txt'))).toEqual(Object.keys(seven).sort());
  });

  it('a failed run (a truncated gzip file) leaves the previous dataset and feed, bytes and mtimes', async () => {
    const { logs, data, out, run } = await zeekSetup();
    await run(at(D3));
    const before = await snapshot(data, out);
    await zeekDay(logs, D4, { '45.4.4.4': 1 });
    const bad = join(logs, D3, 'conn.00:00:00-00:00:00.log.gz');
    const gz = await readFile(bad);
    await writeFile(bad, gz.subarray(0, gz.length - 12));
    const e = await rejection(run(at(D4)));
    expect(e.message).toMatch(/corrupt or truncated gzip/);
    expect(await snapshot(data, out)).toEqual(before);
    expect((await readdir(join(data, '..'))).filter((n) => n.includes('.aiplab-'))).toEqual([]);
  });

  it('refuses a changed input file (naming it) until --rebuild, a foreign dataset, and a second run at once', async () => {
    const { logs, data, out, run, dir } = await zeekSetup();
    await run(at(D3));
    await zeekDay(logs, D1, { '45.1.1.1': 3, '45.1.1.2': 1, '45.7.7.7': 2 });
    await zeekDay(logs, D4, { '45.4.4.4': 1 });
    const changed = await rejection(run(at(D4)));
    expect(changed).toBeInstanceOf(DataError);
    expect(changed.message).toContain(
      `${D1}/conn.00:00:00-00:00:00.log.gz: input file changed since aiplab daily`,
    );
    const rebuilt = await run(at(D4), { rebuild: true });
    expect(rebuilt.read).toHaveLength(3);
    expect((await readDayFile(join(data, `attacks.${D1}.csv.gz`))).map((r) => r.ip)).toContain('45.7.7.7');

    const foreign = join(dir, 'ingested');
    await ingest({
      format: 'zeek',
      inputs: [join(logs, D1)],
      out: foreign,
      honeypots: join(dir, 'honeypots.csv'),
    });
    const e = await rejection(run(at(D4), { data: foreign }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toMatch(/aiplab daily did not make/);

    // A lock held by a live process (this test's parent stands for another aiplab daily).
    await writeFile(lockPathOf(data), `${process.ppid}\n`);
    const locked = await rejection(run(at(D4)));
    expect(locked.message).toMatch(new RegExp(`another aiplab daily \\(pid ${process.ppid}\\)`));
    // One left by a process that is gone is taken over.
    await writeFile(lockPathOf(data), '999999999\n');
    await run(at(D4));
    await expect(readFile(lockPathOf(data))).rejects.toThrow(/ENOENT/);
    expect(await readdir(out)).toContain('Alpha.txt');
  });
});

describe('aiplab daily on Cowrie logs', () => {
  async function cowrieSetup() {
    const dir = await tmp.make();
    const logs = join(dir, 'cowrie');
    await put(join(logs, `cowrie.json.${D1}`), cowrieLines(D1, { '45.1.1.1': 2 }));
    await put(join(logs, `cowrie.json.${D2}`), cowrieLines(D2, { '45.2.2.2': 1, '192.168.1.5': 1 }));
    const data = join(dir, 'data');
    const out = join(dir, 'feed');
    const run = (now: Date) =>
      dailyFeed({ format: 'cowrie', input: logs, data, out, models: ['Alpha'], formats: ['txt'], now });
    return { logs, data, out, run };
  }

  it('reads rotated files once the live cowrie.json is there, never the live file', async () => {
    const { logs, data, out, run } = await cowrieSetup();
    // No live file yet: the newest rotated file could still be written (a copy in progress): D2 waits.
    const early = await rejection(run(at(D3)));
    expect(early.message).toMatch(`input for ${D2} is incomplete`);
    const state = JSON.parse(await readFile(join(data, DAILY_STATE_FILE), 'utf8'));
    expect(Object.keys(state.files)).toEqual([`cowrie.json.${D1}`]);

    await put(join(logs, 'cowrie.json'), cowrieLines(D3, { '45.3.3.3': 5 }));
    const r = await run(at(D3));
    expect(r.read).toEqual([`cowrie.json.${D2}`]);
    expect(r.waiting.live).toBe(1);
    expect(await listed(join(out, 'Alpha.txt'))).toEqual(['45.2.2.2']);
    const m = JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'));
    expect(m.days.map((d: { date: string }) => d.date)).toEqual([D1, D2]);
    expect(m.inputs.map((i: { path: string }) => i.path.split('/').pop())).toEqual([
      `cowrie.json.${D1}`,
      `cowrie.json.${D2}`,
    ]);
  });

  it('a rotated file compressed after it was read is the same file: not read again, its record follows', async () => {
    const { logs, data, out, run } = await cowrieSetup();
    await put(join(logs, 'cowrie.json'), '');
    await run(at(D3));
    const plain = join(logs, `cowrie.json.${D1}`);
    await writeFile(`${plain}.gz`, gzipSync(await readFile(plain)));
    // Both there (gzip running): the plain one read counts.
    const during = await run(at(D3));
    expect(during.read).toEqual([]);
    await rm(plain);
    const before = await snapshot(join(data, 'manifest.json'), out);
    const after = await run(at(D3));
    expect(after.read).toEqual([]);
    expect(await snapshot(join(data, 'manifest.json'), out)).toEqual(before);
    const state = JSON.parse(await readFile(join(data, DAILY_STATE_FILE), 'utf8'));
    expect(Object.keys(state.files).sort()).toEqual([`cowrie.json.${D1}.gz`, `cowrie.json.${D2}`]);
    // Other content under the compressed name is a changed file.
    await rename(join(logs, `cowrie.json.${D2}`), join(logs, 'moved'));
    await writeFile(join(logs, `cowrie.json.${D2}.gz`), gzipSync(cowrieLines(D2, { '45.8.8.8': 1 })));
    const e = await rejection(run(at(D3)));
    expect(e.message).toContain(`cowrie.json.${D2}.gz: input file replaces cowrie.json.${D2}, read before`);
  });
});

describe('aiplab daily: review fixes (header-only days, changed reader options, the lock)', () => {
  const HEADER = 'orig,flows,duration,packets,bytes\n';

  it('reads header-only AIP days, byte-identical day after day; a real duplicate is still refused', async () => {
    const dir = await tmp.make();
    const input = join(dir, 'in');
    const one = `${HEADER}45.1.1.1,3,6.0,9,360\n`;
    await put(join(input, 'attacks.2026-03-01.csv'), one);
    await put(join(input, 'attacks.2026-03-02.csv'), HEADER);
    const data = join(dir, 'data');
    const out = join(dir, 'feed');
    const run = (now: string) =>
      dailyFeed({ format: 'aip', input, data, out, models: ['Alpha'], formats: ['txt'], now: new Date(now) });
    const first = await run('2026-03-03T01:00:00Z');
    expect(first.read).toEqual(['attacks.2026-03-01.csv', 'attacks.2026-03-02.csv']);
    // A third day without attacks: the same bytes as the second, which held no record to count twice.
    await put(join(input, 'attacks.2026-03-03.csv'), HEADER);
    const second = await run('2026-03-04T01:00:00Z');
    expect(second.read).toEqual(['attacks.2026-03-03.csv']);
    const m = JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'));
    expect(m.inputs.map((i: { path: string }) => i.path.split('/').pop())).toEqual([
      'attacks.2026-03-01.csv',
      'attacks.2026-03-02.csv',
      'attacks.2026-03-03.csv',
    ]);
    expect(m.records).toBe(1);
    expect(m.attackFlows).toBe(3);
    // A day whose file has the records of a day read before: they would count twice.
    await put(join(input, 'attacks.2026-03-04.csv'), one);
    const dup = await rejection(run('2026-03-05T01:00:00Z'));
    expect(dup).toBeInstanceOf(DataError);
    expect(dup.message).toMatch(/attacks\.2026-03-04\.csv: has the content of .*attacks\.2026-03-01\.csv/);
  });

  it('a changed --attack is refused up front, even on a run with nothing new to read; --rebuild takes it', async () => {
    const dir = await tmp.make();
    const logs = join(dir, 'cowrie');
    await put(join(logs, `cowrie.json.${D1}`), cowrieLines(D1, { '45.1.1.1': 2 }));
    await put(join(logs, 'cowrie.json'), cowrieLines(D2, { '45.2.2.2': 1 }));
    const data = join(dir, 'data');
    const out = join(dir, 'feed');
    const run = (more: Partial<DailyFeedOptions> = {}) =>
      dailyFeed({
        format: 'cowrie',
        input: logs,
        data,
        out,
        models: ['Alpha'],
        formats: ['txt'],
        now: at(D2),
        ...more,
      });
    expect((await run()).read).toEqual([`cowrie.json.${D1}`]);
    const e = await rejection(run({ reader: { attack: 'login-success' } }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('reader options {}, not {"attack":"login-success"}');
    const rebuilt = await run({ reader: { attack: 'login-success' }, rebuild: true });
    expect(rebuilt.read).toEqual([`cowrie.json.${D1}`]);
    const back = await rejection(run());
    expect(back.message).toContain('reader options {"attack":"login-success"}, not {}');
  });

  it('the lock: an empty fresh lock is held (being written); a dead pid, or an old empty lock, is taken over', async () => {
    const dir = await tmp.make();
    const data = join(dir, 'data');
    const path = lockPathOf(data);
    let ran = 0;
    const work = async () => {
      ran++;
      // While the work runs, the lock holds this pid.
      expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    };
    await writeFile(path, '');
    const e = await rejection(withDatasetLock(data, work));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(/taking the lock/);
    expect(ran).toBe(0);
    expect(await readFile(path, 'utf8')).toBe('');
    // The same empty lock a minute old: left by a run killed while taking it.
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    await withDatasetLock(data, work);
    expect(ran).toBe(1);
    await writeFile(path, '999999999\n');
    await withDatasetLock(data, work);
    expect(ran).toBe(2);
    // Released, and nothing left beside it (no temporary or renamed lock).
    expect((await readdir(dir)).filter((n) => n.includes('aiplab-daily.lock'))).toEqual([]);
  });
});
