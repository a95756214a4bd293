/**
 * Output paths are checked before the work starts (issue 12): `--out` a file, a path under a file, or a folder that
 * cannot be written gives one line naming the path and what to do, and a non-zero exit, for every command that
 * writes; backtest fails before it makes its dataset or runs a day. OS errors that still reach the CLI's top level
 * are one line naming the path, without a stack trace.
 */
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osErrorMessage } from '../../src/cli/main.js';
import { UsageError } from '../../src/util/errors.js';
import { checkOutputFolder, type OutputFolderOptions } from '../../src/util/output-path.js';
import { type CliRun, runCli } from '../helpers.js';
import { PROJECT_ROOT, put, tempFolders, utc, zeekTsv } from '../ingest/ingest-helpers.js';
import { writeMiniResults } from '../reports/mini-results.js';

/**
 * Root ignores permission bits: a folder without write permission is writable to it. So when this runs as root (as
 * under CI) the permission-denied cases run the code as user nobody (uid/gid 65534), whom a root-owned folder of mode
 * 0555 stops; otherwise as the current user. Whatever such a run reads (the temp folders made here, the project and
 * its node_modules, datasets/) is readable and traversable by others.
 */
const ROOT_USER = process.getuid?.() === 0;
const OTHER_USER = ROOT_USER ? { uid: 65534, gid: 65534 } : {};

type Run = CliRun;
const aiplab = (args: string[]) => runCli(args);
/** The real CLI as a user that permission bits stop: nobody when this process is root, else the current user. */
const aiplabStopped = (args: string[]) => runCli(args, { spawn: OTHER_USER });

/** The UsageError or other Error a child reported as JSON on stdout. */
interface Reported {
  name: string;
  message: string;
}

/**
 * checkOutputFolder as a user that permission bits stop: in this process when it is not root; as root, in a child
 * node (through tsx, as the CLI runs the TypeScript) run as nobody, whose rejection is thrown here again (a UsageError
 * when it was one).
 */
async function checkOutputFolderStopped(path: string, options: OutputFolderOptions = {}): Promise<void> {
  if (!ROOT_USER) return checkOutputFolder(path, options);
  const module = pathToFileURL(join(PROJECT_ROOT, 'src', 'util', 'output-path.ts')).href;
  const script = [
    `const { checkOutputFolder } = await import(${JSON.stringify(module)});`,
    'try { await checkOutputFolder(process.argv[1], JSON.parse(process.argv[2])); }',
    'catch (e) { process.stdout.write(JSON.stringify({ name: e.constructor.name, message: e.message })); }',
  ].join('\n');
  const r = await runCli(
    ['--import', 'tsx', '--input-type=module', '-e', script, path, JSON.stringify(options)],
    {
      bin: process.execPath,
      spawn: OTHER_USER,
    },
  );
  expect(r.code, r.stderr).toBe(0);
  if (r.stdout === '') return;
  const { name, message } = JSON.parse(r.stdout) as Reported;
  throw name === 'UsageError' ? new UsageError(message) : new Error(`${name}: ${message}`);
}

/** `s` as a regular expression matching it literally. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const tmp = tempFolders('aiplab-output-paths-');
afterAll(() => tmp.cleanupAll());

/** Inputs every writing command accepts, so that each would start real work if --out were not checked first. */
interface Inputs {
  dir: string;
  /** A regular file. */
  file: string;
  /** A folder no one but root may write into (owned by this process's user, mode 0555). */
  locked: string;
  /** Where backtest and tune would make their synthetic dataset. */
  cache: string;
  zeek: string;
  honeypots: string;
  backtest: string;
  tune: string;
  results: string;
}

async function makeInputs(): Promise<Inputs> {
  const dir = await tmp.make();
  await chmod(dir, 0o755); // mkdtemp makes it 0700: nobody must get in to read the inputs
  const file = await put(join(dir, 'afile'), 'not a folder\n');
  // Owned by this process's user (root under CI), so mode 0555 stops nobody too.
  const locked = join(dir, 'locked');
  await mkdir(locked);
  await chmod(locked, 0o555);
  const HP = '198.51.100.1';
  const honeypots = await put(
    join(dir, 'honeypots.csv'),
    `public_ip,operation_start_date,operation_end_date\n${HP},2020-01-01,\n`,
  );
  const zeek = join(dir, 'zeek');
  await put(
    join(zeek, '2024-01-01', 'conn.00:00:00-01:00:00.log.gz'),
    zeekTsv([
      { ts: utc('2024-01-01', '01:00:00'), orig: '10.0.0.1', resp: HP, duration: 1, pkts: 2, bytes: 100 },
    ]),
  );
  // A synthetic dataset of 200 days: making it alone takes seconds, running the experiment longer.
  const synth = { synth: { days: 200, attackersPerDay: 3000, seed: 3, startDate: '2024-01-01' } };
  const backtest = await put(
    join(dir, 'backtest.json'),
    JSON.stringify({
      id: 'big',
      version: 1,
      dataset: synth,
      from: '2024-01-10',
      to: '2024-07-18',
      models: [{ name: 'Alpha' }, { name: 'Alpha7' }],
      budgets: [100],
      metrics: ['size', 'recall'],
      seed: 1,
    }),
  );
  const tune = await put(
    join(dir, 'tune.json'),
    JSON.stringify({
      id: 'big-tune',
      version: 1,
      dataset: synth,
      model: { name: 'EWMA' },
      split: { rolling: { from: '2024-01-10', tuneDays: 30, testDays: 30, folds: 3 } },
      search: { method: 'grid', space: { halfLife: [1, 2, 4] } },
      objective: { metric: 'recall', budget: 100 },
      budgets: [100],
      metrics: ['size', 'recall'],
      seed: 1,
    }),
  );
  const results = await writeMiniResults(join(dir, 'results'));
  return { dir, file, locked, cache: join(dir, 'cache'), zeek, honeypots, backtest, tune, results };
}

/** Each writing command, its output folder given as `out`. */
function writers(x: Inputs): Record<string, (out: string) => string[]> {
  return {
    synth: (out) => ['synth', '--out', out, '--days', '2'],
    ingest: (out) => ['ingest', 'zeek', x.zeek, '--honeypots', x.honeypots, '--out', out],
    'ingest --partial': (out) => [
      'ingest',
      'zeek',
      x.zeek,
      '--honeypots',
      x.honeypots,
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-01',
      '--partial',
      '--out',
      out,
    ],
    run: (out) => [
      'run',
      '--data',
      join(PROJECT_ROOT, 'datasets', 'cowrie-2018'),
      '--date',
      '2018-06-10',
      '--model',
      'Alpha',
      '--out',
      out,
    ],
    backtest: (out) => ['backtest', x.backtest, '--cache', x.cache, '--out', out],
    'backtest --shard': (out) => ['backtest', x.backtest, '--cache', x.cache, '--shard', '1/2', '--out', out],
    tune: (out) => ['tune', x.tune, '--cache', x.cache, '--out', out],
    'tune --shard': (out) => ['tune', x.tune, '--cache', x.cache, '--shard', '1/2', '--out', out],
    report: (out) => ['report', x.results, '--out', out],
    merge: (out) => ['merge', join(x.dir, 'no-partials-yet'), '--out', out],
  };
}

const PURPOSE: Record<string, string> = {
  synth: 'the synthetic data',
  ingest: 'the dataset',
  'ingest --partial': 'the partial dataset',
  run: 'the blocklists',
  backtest: 'the results',
  'backtest --shard': 'the results',
  tune: 'the results',
  'tune --shard': 'the results',
  report: 'the report',
  merge: 'the merged output',
};

/** Checks a run ended with exactly `line` on stderr (after `aiplab: usage error: `), nothing on stdout, exit 2. */
function expectOneLine(run: Run, line: RegExp): void {
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(new RegExp(`^aiplab: usage error: ${line.source}\\n$`));
  expect(run.code).toBe(2);
}

describe('aiplab <command> --out <path that cannot be an output folder>', () => {
  let x: Inputs;
  const runs = new Map<string, { file: Run; underFile: Run; locked: Run }>();

  beforeAll(async () => {
    x = await makeInputs();
    // All side by side: each spawn costs about a second of start-up.
    await Promise.all(
      Object.entries(writers(x)).map(async ([name, args]) => {
        const [file, underFile, locked] = await Promise.all([
          aiplab(args(x.file)),
          aiplab(args(join(x.file, 'sub'))),
          aiplabStopped(args(join(x.locked, 'sub'))),
        ]);
        runs.set(name, { file, underFile, locked });
      }),
    );
  });
  afterAll(async () => {
    if (x) await chmod(x.locked, 0o755);
  });

  for (const name of Object.keys(PURPOSE)) {
    it(`${name}: a file, or a path under one, is one line naming it, exit 2`, () => {
      const r = runs.get(name)!;
      const file = literal(x.file);
      const what = literal(PURPOSE[name]!);
      expectOneLine(
        r.file,
        new RegExp(`--out ${file}: is a file, not a folder: choose a folder path for ${what}`),
      );
      expectOneLine(
        r.underFile,
        new RegExp(`--out ${file}/sub: ${file} is a file, not a folder: choose a folder path for ${what}`),
      );
    });

    it(`${name}: a folder it may not write into is one line naming it, exit 2`, () => {
      const r = runs.get(name)!;
      expectOneLine(
        r.locked,
        new RegExp(
          `--out ${literal(x.locked)}/sub: cannot write in ${literal(x.locked)} \\(permission denied\\): choose a folder you can write to for ${literal(PURPOSE[name]!)}`,
        ),
      );
    });
  }

  it('backtest and tune fail before any work: no dataset made, nothing read, in seconds', async () => {
    // Each would first make the 200-day synthetic dataset in the cache (seconds), then run (minutes).
    expect(await exists(x.cache)).toBe(false);
    // Alone, not beside the others: start-up through tsx is most of it (the check itself takes milliseconds).
    const alone = await aiplab(writers(x).backtest!(x.file));
    expect(alone.code).toBe(2);
    expect(alone.ms).toBeLessThan(10_000);
    expect(await exists(x.cache)).toBe(false);
  });

  it('report without --out into a results folder it may not write', async () => {
    // Owned by this process's user, mode 0555: readable, not writable, by nobody.
    const results = await writeMiniResults(join(x.dir, 'locked-results'));
    await chmod(results, 0o555);
    try {
      const r = await aiplabStopped(['report', results]);
      expect(r.stderr).toMatch(/cannot write there \(permission denied\): choose a folder you can write to/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.code).toBe(2);
    } finally {
      await chmod(results, 0o755);
    }
  });

  it('an OS error that reaches the top level is one line naming the path and what to do', async () => {
    // --cache is not checked up front (only synthetic datasets are made there): a file there fails in mkdir.
    const r = await aiplab(['backtest', x.backtest, '--cache', x.file, '--out', join(x.dir, 'ok')]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^aiplab: error: ${literal(x.file)}/\\S+: a part of this path is a file, not a folder: choose another path\\n$`,
      ),
    );
    expect(r.code).toBe(1);
    expect(await readdir(x.dir)).not.toContain('ok');
  });
});

describe('checkOutputFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tmp.make();
    await chmod(dir, 0o755); // mkdtemp makes it 0700: nobody must get in
    await put(join(dir, 'f'), 'x');
    await mkdir(join(dir, 'existing'));
  });

  it('accepts a new path (however deep), an existing folder, and creates nothing', async () => {
    for (const path of ['new', 'a/b/c', 'existing']) await checkOutputFolder(join(dir, path));
    await checkOutputFolder(join(dir, 'existing'), { viaSibling: true });
    expect((await readdir(dir)).sort()).toEqual(['existing', 'f']);
  });

  it.each([
    {
      path: 'f',
      options: { flag: 'out' },
      message: 'out DIR/f: is a file, not a folder: choose a folder path',
    },
    {
      path: 'f/x/y',
      options: { purpose: 'the results' },
      message: '--out DIR/f/x/y: DIR/f is a file, not a folder: choose a folder path for the results',
    },
    { path: '', options: {}, message: '--out must name a folder' },
  ])('$message', async ({ path, options, message }) => {
    const error = await checkOutputFolder(path === '' ? '' : join(dir, path), options).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message.replaceAll('DIR', dir));
  });

  it('refuses a folder it may not write into, or whose parent it may not', async () => {
    const locked = join(dir, 'locked');
    await mkdir(join(locked, 'inside'), { recursive: true });
    // Writable by anyone (nobody included), in a folder of this process's user that no one else may write.
    await chmod(join(locked, 'inside'), 0o777);
    await chmod(locked, 0o555);
    try {
      await expect(checkOutputFolderStopped(join(locked, 'new'))).rejects.toThrow(
        `--out ${locked}/new: cannot write in ${locked} (permission denied): choose a folder you can write to`,
      );
      await checkOutputFolderStopped(join(locked, 'inside'));
      await expect(checkOutputFolderStopped(join(locked, 'inside'), { viaSibling: true })).rejects.toThrow(
        `cannot write in ${locked} (permission denied)`,
      );
    } finally {
      await chmod(locked, 0o755);
    }
  });
});

describe('osErrorMessage', () => {
  const osError = (code: string, path?: string, dest?: string) =>
    Object.assign(new Error(`${code}: some words, open '${path}'`), { code, path, dest });
  it.each([
    [
      'EACCES',
      '/x/y',
      undefined,
      '/x/y: permission denied: choose a path you may use, or change its permissions',
    ],
    [
      'EPERM',
      '/x/y',
      undefined,
      '/x/y: operation not permitted: choose a path you may use, or change its permissions',
    ],
    ['ENOTDIR', '/f/x', undefined, '/f/x: a part of this path is a file, not a folder: choose another path'],
    ['EISDIR', '/d', undefined, '/d: is a folder, not a file: give the path of a file'],
    ['ENOSPC', undefined, undefined, 'no space left on the device: free some space or write elsewhere'],
    ['EROFS', '/ro/x', undefined, '/ro/x: read-only file system: choose a folder you can write to'],
    ['ENOENT', '/nope', undefined, '/nope: no such file or folder: check the path'],
    ['EEXIST', '/a', '/b', '/a → /b: already exists: remove it or choose another path'],
  ])('%s %s', (code, path, dest, message) => {
    expect(osErrorMessage(osError(code, path, dest))).toBe(message);
  });

  it('reads the code and path from the message of an error re-thrown from a worker thread', () => {
    expect(osErrorMessage(new Error("EACCES: permission denied, open '/x/y.csv.gz'"))).toBe(
      '/x/y.csv.gz: permission denied: choose a path you may use, or change its permissions',
    );
  });

  it('leaves other errors alone', () => {
    expect(osErrorMessage(new Error('boom'))).toBeUndefined();
    expect(osErrorMessage(Object.assign(new Error('x'), { code: 'ERR_SOMETHING' }))).toBeUndefined();
    expect(osErrorMessage('text')).toBeUndefined();
  });
});
