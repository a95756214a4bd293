/**
 * Replacing a dataset is atomic (issue 12): the real CLI ingests over an existing dataset and is killed (SIGKILL, the
 * AIPLAB_CRASH_AT test hook of src/days/dataset-replace.ts) at each step of the commit in turn; after each kill the
 * next open (openDataset, then `aiplab run`) or the next ingest finds exactly the old dataset or exactly the new one,
 * never a mix, and no temp folder is left beside it.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, openDataset } from '../../src/index.js';
import { ingestPartial } from '../../src/ingest/ingest-partial.js';
import { runCli } from '../helpers.js';
import { DAY_HEADER, put, tempFolders } from './ingest-helpers.js';

const tmp = tempFolders('aiplab-atomic-replace-test-');
afterAll(() => tmp.cleanupAll());

/** The steps of a commit, in order (crashPoint in src/days/dataset-replace.ts), and what a kill there leaves. */
const STEPS: [step: string, leaves: 'old' | 'new'][] = [
  ['next-first-day', 'old'],
  ['next-days', 'old'],
  ['next-complete', 'old'],
  ['out-moved', 'new'], // between the two renames: `out` is missing, the complete new folder is rolled forward
  ['next-moved', 'new'],
  ['done', 'new'],
];

/** An AIP folder of day files: `days` with flows offset by `shift` (so old and new differ on every shared day). */
async function aipInput(dir: string, days: string[], shift: number): Promise<string> {
  for (const [k, date] of days.entries())
    await put(
      join(dir, `attacks.${date}.csv`),
      `${DAY_HEADER}\n10.0.0.1,${k + shift},1.5,3,100\n10.0.${shift}.2,2,0,1,40\n`,
    );
  return dir;
}

/** Name → sha256 of a dataset folder's visible files (its day tables and manifest: what a reader uses). */
async function contentOf(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => !n.startsWith('.')).sort())
    out[name] = createHash('sha256')
      .update(await readFile(join(dir, name)))
      .digest('hex');
  return out;
}

/** Temp folders an ingest of `out` makes beside it (`.<name>.aiplab-next-<pid>`, `-prev-`). */
async function tempsBeside(out: string): Promise<string[]> {
  return (await readdir(dirname(out))).filter((n) => n.startsWith(`.${basename(out)}.aiplab-`));
}

const aiplab = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { env, inheritColor: true, spawn: { stdio: ['ignore', 'ignore', 'pipe'] } });

/** Inputs, and the old and new datasets as clean ingests make them. */
async function setup() {
  const dir = await tmp.make();
  const oldInput = await aipInput(join(dir, 'old-input'), ['2024-01-01', '2024-01-02', '2024-01-03'], 1);
  const newInput = await aipInput(join(dir, 'new-input'), ['2024-01-02', '2024-01-03', '2024-01-04'], 5);
  await ingest({ format: 'aip', inputs: [oldInput], out: join(dir, 'old-ref') });
  await ingest({ format: 'aip', inputs: [newInput], out: join(dir, 'new-ref') });
  const old = await contentOf(join(dir, 'old-ref'));
  const fresh = await contentOf(join(dir, 'new-ref'));
  // Old has a day new lacks and new a day old lacks; the shared days differ: any mix shows.
  expect(Object.keys(old)).toContain('attacks.2024-01-01.csv.gz');
  expect(Object.keys(fresh)).toContain('attacks.2024-01-04.csv.gz');
  expect(old['attacks.2024-01-02.csv.gz']).not.toBe(fresh['attacks.2024-01-02.csv.gz']);
  return { dir, oldInput, newInput, old, fresh };
}

describe('an ingest killed at each step of replacing a dataset', () => {
  it.each(STEPS)('killed at %s: the next open finds the %s dataset, whole', async (step, leaves) => {
    const { dir, oldInput, newInput, old, fresh } = await setup();
    const out = join(dir, 'out');
    await ingest({ format: 'aip', inputs: [oldInput], out });
    const killed = await aiplab(['ingest', 'aip', newInput, '--out', out, '-q'], { AIPLAB_CRASH_AT: step });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    const dataset = await openDataset(out);
    const content = await contentOf(out);
    expect([old, fresh]).toContainEqual(content); // never a mix
    expect(content).toEqual(leaves === 'old' ? old : fresh);
    expect(dataset.days).toEqual(
      leaves === 'old'
        ? ['2024-01-01', '2024-01-02', '2024-01-03']
        : ['2024-01-02', '2024-01-03', '2024-01-04'],
    );
    expect(await tempsBeside(out)).toEqual([]);
    expect((await readdir(out)).filter((n) => n.startsWith('.aiplab-tmp') || n.endsWith('.tmp'))).toEqual([]);

    const run = await aiplab([
      'run',
      '--data',
      out,
      '--date',
      '2024-01-04',
      '--model',
      'Alpha',
      '--out',
      join(dir, 'lists'),
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(await contentOf(out)).toEqual(content);
  });

  it.each(STEPS)('killed at %s: the next ingest recovers and replaces it', async (step) => {
    const { dir, oldInput, newInput, old, fresh } = await setup();
    const out = join(dir, 'out');
    await ingest({ format: 'aip', inputs: [newInput], out });
    const killed = await aiplab(['ingest', 'aip', oldInput, '--out', out, '-q'], { AIPLAB_CRASH_AT: step });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    // No open in between: ingest's own check of the output folder recovers it (`out` is missing after out-moved).
    await ingest({ format: 'aip', inputs: [newInput], out });
    expect(await contentOf(out)).toEqual(fresh);
    expect(await tempsBeside(out)).toEqual([]);
    expect(old).not.toEqual(fresh);
  });

  it('a first ingest (no dataset yet) killed before its rename leaves nothing, or the whole new dataset', async () => {
    const { dir, newInput, fresh } = await setup();
    for (const [step, whole] of [
      ['next-days', false],
      ['next-complete', true],
    ] as const) {
      const out = join(dir, `first-${step}`);
      const killed = await aiplab(['ingest', 'aip', newInput, '--out', out, '-q'], { AIPLAB_CRASH_AT: step });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      if (whole) {
        // Complete (its manifest written): rolled forward by the next open.
        await openDataset(out);
        expect(await contentOf(out)).toEqual(fresh);
      } else {
        await expect(openDataset(out)).rejects.toThrow(/cannot open dataset folder: ENOENT/);
        await ingest({ format: 'aip', inputs: [newInput], out });
        expect(await contentOf(out)).toEqual(fresh);
      }
      expect(await tempsBeside(out)).toEqual([]);
    }
  });

  it("what the old folder holds beside the dataset (the user's files) is kept, and so is its mode", async () => {
    const { dir, oldInput, newInput, fresh } = await setup();
    const out = join(dir, 'out');
    await ingest({ format: 'aip', inputs: [oldInput], out });
    await put(join(out, 'README.txt'), 'where this data came from\n');
    await put(join(out, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    await chmod(out, 0o750);
    await ingest({ format: 'aip', inputs: [newInput], out });
    expect(await contentOf(out)).toEqual({ ...fresh, 'README.txt': expect.any(String) });
    expect(await readFile(join(out, 'README.txt'), 'utf8')).toBe('where this data came from\n');
    expect(await readFile(join(out, '.git', 'HEAD'), 'utf8')).toBe('ref: refs/heads/main\n');
    expect((await stat(out)).mode & 0o777).toBe(0o750);
    expect(await tempsBeside(out)).toEqual([]);
  });

  it('the merge of partial ingests replaces a dataset the same way', async () => {
    const { dir, oldInput, newInput, old, fresh } = await setup();
    const parts = [
      ['2024-01-02', '2024-01-03'],
      ['2024-01-04', '2024-01-04'],
    ];
    const partials = await Promise.all(
      parts.map(([from, to], k) =>
        aiplab([
          'ingest',
          'aip',
          newInput,
          '--from',
          from!,
          '--to',
          to!,
          '--partial',
          '--out',
          join(dir, `p${k}`),
          '-q',
        ]),
      ),
    );
    for (const r of partials) expect(r.code, r.stderr).toBe(0);
    for (const [step, leaves] of [
      ['next-days', 'old'],
      ['out-moved', 'new'],
    ] as const) {
      const out = join(dir, `merged-${step}`);
      await ingest({ format: 'aip', inputs: [oldInput], out });
      const killed = await aiplab(['merge', join(dir, 'p0'), join(dir, 'p1'), '--out', out, '-q'], {
        AIPLAB_CRASH_AT: step,
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      await openDataset(out);
      expect(await contentOf(out)).toEqual(leaves === 'old' ? old : fresh);
      expect(await tempsBeside(out)).toEqual([]);
    }
  });
});

describe('a partial ingest replacing an earlier one', () => {
  const partialOf = (input: string, out: string) =>
    ingestPartial({ format: 'aip', inputs: [input], from: '2024-01-02', to: '2024-01-03', out });

  it('swaps it whole, and what killed runs left beside it is put back or removed', async () => {
    const { dir, oldInput, newInput } = await setup();
    const out = join(dir, 'part');
    const left = async () => (await readdir(dir)).filter((n) => n.startsWith('.part.aiplab-'));
    await partialOf(oldInput, out);
    const first = await readFile(join(out, 'ingest-partial.json'), 'utf8');
    await partialOf(newInput, out);
    const second = await readFile(join(out, 'ingest-partial.json'), 'utf8');
    expect(second).not.toBe(first);
    expect(await left()).toEqual([]);

    // A run killed between its two renames (pid 999999999 is no process): the earlier partial is aside, none in place.
    await rename(out, join(dir, '.part.aiplab-prev-999999999'));
    await mkdir(join(dir, '.part.aiplab-next-999999999'), { recursive: true });
    await partialOf(oldInput, out);
    expect(await readFile(join(out, 'ingest-partial.json'), 'utf8')).toBe(first);
    expect(await left()).toEqual([]);
  });
});
