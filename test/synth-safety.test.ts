/**
 * Integrity of synth's output folder (issue 12): a folder that is neither empty nor an earlier synth output is
 * refused and left untouched; an earlier synth output is replaced whole; a run that fails, is aborted or gets Ctrl-C
 * leaves no temporary folder and no partial output, and the earlier output intact; temporary folders of killed runs
 * are removed by the next run.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type SynthOptions, synthesize } from '../src/synth/index.js';
import { SYNTH_MARKER } from '../src/synth/synth-output.js';
import { UsageError } from '../src/util/errors.js';
import { runCli } from './helpers.js';
import { PROJECT_ROOT, snapshotFolder, tempFolders } from './ingest/ingest-helpers.js';

const BIN = join(PROJECT_ROOT, 'node_modules', '.bin', 'aiplab');
const SMALL = { days: 3, attackersPerDay: 100, honeypots: 3, startDate: '2024-03-01' } as const;

const tmp = tempFolders('aiplab-synth-safety-');
afterAll(() => tmp.cleanupAll());

const synth = (out: string, options: Omit<SynthOptions, 'out'> = {}) =>
  synthesize({ ...SMALL, ...options, out });

/**
 * Every file under `dir`: relative path → sha256 of its bytes (digests, so that a difference shows as a short diff
 * rather than one of megabytes of buffers).
 */
async function contents(dir: string): Promise<Record<string, string>> {
  const files = await snapshotFolder(dir);
  return Object.fromEntries(
    [...files.keys()].sort().map((k) => [k, createHash('sha256').update(files.get(k)!).digest('hex')]),
  );
}

/** The names in `dir`, sorted (hidden ones too). */
const names = async (dir: string) => (await readdir(dir)).sort();

/** A pid no process has: that of a child that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid!;
}

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/**
 * Spawns `aiplab synth --out <out>` (long: 200 zeek days from 2024-01-01), waits until it has written something
 * beside or into `out` (its temporary folder; or, for a synth that writes in place, a day folder `out` did not hold),
 * then sends SIGINT.
 */
async function synthInterrupted(parent: string, out: string): Promise<Interrupted> {
  const listing = (dir: string) => names(dir).catch(() => [] as string[]);
  const [inParent, inOut] = await Promise.all([listing(parent), listing(out)]);
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.FORCE_COLOR;
    const child = spawn(BIN, ['synth', '--out', out, '--days', '200', '-q'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      resolve({ code, signal, stderr });
    });
    let sent = false;
    const poll = setInterval(async () => {
      if (sent) return;
      const [parentNow, outNow] = await Promise.all([listing(parent), listing(out)]);
      const started = parentNow.some((n) => !inParent.includes(n)) || outNow.some((n) => !inOut.includes(n));
      if (started && !sent) {
        sent = true;
        // A moment more, so that files are being written when the signal comes.
        setTimeout(() => child.kill('SIGINT'), 300);
      }
    }, 20);
  });
}

describe('synth output folder', () => {
  it('refuses a non-empty folder that is no synth output, with one line naming it, and leaves it untouched', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'docs');
    await mkdir(join(out, 'sub'), { recursive: true });
    await writeFile(join(out, 'README.md'), '# my notes\n');
    await writeFile(join(out, 'honeypots.csv'), 'public_ip,operation_start_date,operation_end_date\n');
    await writeFile(join(out, 'sub', 'keep.txt'), 'keep me\n');
    const before = await contents(out);

    await expect(synth(out)).rejects.toThrow(UsageError);
    await expect(synth(out)).rejects.toThrow(
      `${out}: is not empty and holds no synth output (no ${SYNTH_MARKER}): refusing to replace it: choose a new or empty folder`,
    );
    expect(await contents(out)).toEqual(before);
    expect(await names(parent)).toEqual(['docs']);

    const run = await runCli(['synth', '--out', out, '--days', '2'], {
      inheritColor: true,
      spawn: { stdio: ['ignore', 'ignore', 'pipe'] },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `aiplab: usage error: ${out}: is not empty and holds no synth output (no ${SYNTH_MARKER}): refusing to replace it: choose a new or empty folder\n`,
    );
    expect(await contents(out)).toEqual(before);
    expect(await names(parent)).toEqual(['docs']);
  });

  it('refuses even a folder holding only hidden files (the whole folder would be replaced)', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'repo');
    await mkdir(join(out, '.git'), { recursive: true });
    await writeFile(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await expect(synth(out)).rejects.toThrow(/refusing to replace it/);
    expect(Object.keys(await contents(out))).toEqual(['.git/HEAD']);
  });

  it('writes into a new or an empty folder, the marker last in its list of files', async () => {
    const parent = await tmp.make();
    await mkdir(join(parent, 'empty'));
    for (const name of ['new/deeper', 'empty']) {
      const report = await synth(join(parent, name));
      expect(report.files.at(-1)).toBe(SYNTH_MARKER);
      expect(report.files.at(-2)).toBe('honeypots.csv');
      expect(Object.keys(await contents(join(parent, name)))).toEqual([...report.files].sort());
    }
    expect(await names(parent)).toEqual(['empty', 'new']);
  });

  it('replaces an earlier synth output whole (a zeek output by an aip one: no day folder is left)', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    await synth(out, { seed: 1 });
    expect((await names(out)).some((n) => /^\d{4}-\d{2}-\d{2}$/.test(n))).toBe(true);
    const report = await synth(out, { seed: 2, format: 'aip', workers: 0 });
    await synth(join(parent, 'fresh'), { seed: 2, format: 'aip', workers: 0 });
    const replaced = await contents(out);
    expect(Object.keys(replaced)).toEqual([...report.files].sort());
    expect(replaced).toEqual(await contents(join(parent, 'fresh')));
    expect(await names(parent)).toEqual(['fresh', 'out']);
  });

  it('removes its temporary folder and leaves the earlier output as it was when the run fails', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    await synth(out, { seed: 1 });
    const before = await contents(out);
    const failing = (options: Omit<SynthOptions, 'out'>) =>
      synth(out, {
        ...options,
        days: 6,
        onProgress: (done) => {
          if (done === 3) throw new Error('disk on fire');
        },
      });
    await expect(failing({ seed: 2 })).rejects.toThrow('disk on fire');
    await expect(failing({ seed: 2, format: 'aip', workers: 2 })).rejects.toThrow('disk on fire');
    expect(await contents(out)).toEqual(before);
    expect(await names(parent)).toEqual(['out']);
    const missing = join(parent, 'never');
    await expect(
      synth(missing, {
        onProgress: () => {
          throw new Error('no');
        },
      }),
    ).rejects.toThrow('no');
    expect(await names(parent)).toEqual(['out']);
  });

  it('stops on an abort signal, its worker threads too, and removes its temporary folder', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    const controller = new AbortController();
    const reason = new Error('stop now');
    // Each worker's terminate() is awaited before synthesize settles (src/synth/aip-day.ts: AipWorkerPool.close).
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    let days = 0;
    await expect(
      synth(out, {
        days: 40,
        format: 'aip',
        workers: 2,
        signal: controller.signal,
        onProgress: (done) => {
          days = done;
          if (done === 2) controller.abort(reason);
        },
      }),
    ).rejects.toBe(reason);
    expect(days).toBeLessThan(40);
    expect(await names(parent)).toEqual([]);
    expect(terminate).toHaveBeenCalledTimes(2);
    terminate.mockRestore();
  });

  it('removes temporary folders that killed runs left beside the output', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    const pid = await deadPid();
    const stale = join(parent, `.out.aiplab-synth-${pid}-0badc0de`);
    await mkdir(join(stale, '2024-03-01'), { recursive: true });
    await writeFile(join(stale, '2024-03-01', 'conn.00:00:00-01:00:00.log.gz'), 'half');
    // A live process's (this one's parent) and another output's temporary folders are not touched.
    const live = join(parent, `.out.aiplab-synth-${process.ppid}-0badc0de`);
    const other = join(parent, `.other.aiplab-synth-${pid}-0badc0de`);
    await mkdir(live);
    await mkdir(other);
    await synth(out);
    expect(await names(parent)).toEqual([
      `.other.aiplab-synth-${pid}-0badc0de`,
      `.out.aiplab-synth-${process.ppid}-0badc0de`,
      'out',
    ]);
  });

  it('puts back an earlier output that a run killed between its two renames had set aside', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    await synth(out, { seed: 1 });
    const before = await contents(out);
    const { rename } = await import('node:fs/promises');
    const pid = await deadPid();
    await rename(out, join(parent, `.out.aiplab-synth-old-${pid}-0badc0de`));
    await expect(
      synth(join(parent, 'out'), {
        seed: 1,
        onProgress: () => {
          throw new Error('stop');
        },
      }),
    ).rejects.toThrow('stop');
    expect(await names(parent)).toEqual(['out']);
    expect(await contents(out)).toEqual(before);
  });
});

describe('aiplab synth and Ctrl-C', () => {
  it('SIGINT leaves no temporary folder, no partial output and the earlier output intact; exit 130', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    await synth(out, { seed: 1 });
    const before = await contents(out);
    const run = await synthInterrupted(parent, out);
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toBe('aiplab: interrupted (SIGINT)\n');
    expect(await names(parent)).toEqual(['out']);
    expect(await contents(out)).toEqual(before);
  });

  it('SIGINT of a first run leaves nothing at all', async () => {
    const parent = await tmp.make();
    const out = join(parent, 'out');
    const run = await synthInterrupted(parent, out);
    expect(run.code, run.stderr).toBe(130);
    expect(await names(parent)).toEqual([]);
  });
});
