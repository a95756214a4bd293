/**
 * `aiplab daily` as cron runs it (the real command): one summary line per list, exit codes, one-line errors that leave
 * the feed in place, and a run killed (SIGKILL, the AIPLAB_CRASH_AT hook) while it swaps the dataset in.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dailyFeed } from '../../src/daily/index.js';
import { runCli } from '../helpers.js';
import { tempFolders } from '../ingest/ingest-helpers.js';
import { honeypotsFile, listed, snapshot, zeekDay } from './helpers.js';

const tmp = tempFolders('aiplab-daily-cli-test-');
afterAll(() => tmp.cleanupAll());

async function setup() {
  const dir = await tmp.make();
  const logs = join(dir, 'logs');
  await zeekDay(logs, '2026-12-01', { '45.1.1.1': 1, '45.1.1.2': 2 });
  await zeekDay(logs, '2026-12-02', { '45.2.2.2': 1, '10.0.0.1': 1 });
  const honeypots = await honeypotsFile(dir);
  const data = join(dir, 'data');
  const out = join(dir, 'feed');
  /** The first run, through the library (faster than a process). */
  const start = () =>
    dailyFeed({
      format: 'zeek',
      input: logs,
      honeypots,
      data,
      out,
      models: ['Alpha', 'Prioritize_New'],
      formats: ['txt', 'aip'],
      now: new Date('2026-12-02T00:15:00Z'),
    });
  const daily = (
    now: string,
    more: string[] = [],
    env: Record<string, string> = {},
    models = ['Alpha', 'Prioritize_New'],
  ) =>
    runCli(
      [
        'daily',
        '--input',
        'zeek',
        logs,
        '--honeypots',
        honeypots,
        '--data',
        data,
        '--out',
        out,
        '--model',
        ...models,
        '--format',
        'txt,aip',
        '--now',
        now,
        ...more,
      ],
      { env },
    );
  return { dir, logs, data, out, daily, start };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('aiplab daily (the command)', () => {
  it('prints one line per list (nothing with -q), and one line, exit 1, when the input of yesterday is missing', async () => {
    const { logs, out, daily } = await setup();
    const first = await daily('2026-12-02T00:15:00Z');
    expect(first.code, first.stderr).toBe(0);
    const said = lines(first.stderr);
    expect(said[0]).toBe('read 1 new file(s): new day(s) 2026-12-01');
    expect(said.slice(1).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      '2026-12-02 Alpha 2',
      '2026-12-02 Prioritize_New 2',
    ]);
    expect(said).toHaveLength(3);
    const quiet = await daily('2026-12-02T00:20:00Z', ['-q']);
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([0, '', '']);

    const feed = await snapshot(out);
    const missing = await daily('2026-12-04T00:15:00Z', ['-q']);
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toEqual([
      `aiplab: data error: input for 2026-12-03 is missing (no file or folder of that day in ${logs}): the feed of 2026-12-02 stays`,
    ]);
    expect(await snapshot(out)).toEqual(feed);

    const usage = await daily('2026-12-02', ['--max-change', 'x']);
    expect(usage.code).toBe(2);
    expect(lines(usage.stderr)).toEqual(["aiplab: usage error: --max-change must be a number, not 'x'"]);
  });

  it('holds a list back with one line naming the model, the sizes and the factor; --force publishes it', async () => {
    const { logs, out, daily, start } = await setup();
    await start();
    await zeekDay(logs, '2026-12-03', {
      '45.3.3.1': 1,
      '45.3.3.2': 1,
      '45.3.3.3': 1,
      '45.3.3.4': 1,
      '45.3.3.5': 1,
    });
    await zeekDay(logs, '2026-12-04', { '45.4.4.4': 1 });
    const feed = await listed(join(out, 'Alpha.txt'));
    const held = await daily('2026-12-04T00:15:00Z', ['-q', '--max-change', '2'], {}, ['Alpha']);
    expect(held.code).toBe(1);
    expect(lines(held.stderr)).toEqual([
      'aiplab: data error: Alpha list held back: 5 IPs against 2 published for 2026-12-02, outside a factor of 2 (--max-change): the previous feed stays; pass --force to publish it',
    ]);
    expect(await listed(join(out, 'Alpha.txt'))).toEqual(feed);
    const forced = await daily('2026-12-04T00:15:00Z', ['-q', '--force'], {}, ['Alpha']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await listed(join(out, 'Alpha.txt'))).toEqual([
      '45.3.3.1',
      '45.3.3.2',
      '45.3.3.3',
      '45.3.3.4',
      '45.3.3.5',
    ]);
  });

  it.each([
    ['next-complete', 'old'],
    ['out-moved', 'new'],
  ])(
    'killed at %s of the dataset swap: the feed stays, the dataset is the %s one, whole; the next run finishes',
    async (step, leaves) => {
      const { logs, data, out, daily, start } = await setup();
      await start();
      const feed = await snapshot(out);
      const manifest = await readFile(join(data, 'manifest.json'), 'utf8');
      await zeekDay(logs, '2026-12-03', { '45.3.3.3': 2 });
      const killed = await daily('2026-12-03T00:15:00Z', ['-q'], { AIPLAB_CRASH_AT: step });
      expect(killed.signal).toBe('SIGKILL');
      expect(await snapshot(out)).toEqual(feed);
      const next = await daily('2026-12-03T00:15:00Z', ['-q']);
      expect(next.code, next.stderr).toBe(0);
      const after = JSON.parse(await readFile(join(data, 'manifest.json'), 'utf8'));
      // The old dataset: the next run reads 12-02 then; the new one (rolled forward): it has 12-02 already.
      expect(after.days.map((d: { date: string }) => d.date)).toEqual(['2026-12-01', '2026-12-02']);
      expect(after.inputs).toHaveLength(2);
      if (leaves === 'old') expect(JSON.parse(manifest).days).toHaveLength(1);
      expect(await listed(join(out, 'Alpha.txt'))).toEqual(['45.2.2.2']);
      expect((await readdir(join(data, '..'))).filter((n) => n.includes('.aiplab-'))).toEqual([]);
    },
  );
});
