import { type SpawnOptions, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** Project root and the shared real data beside it (../shared/data, read-only). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SHARED_DATA = join(ROOT, '..', 'shared', 'data');

/** The real `aiplab` command as a user runs it (npm's link to src/cli/aiplab.mjs). */
export const AIPLAB_BIN = join(ROOT, 'node_modules', '.bin', 'aiplab');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the child wrote ('' for a stream the `spawn.stdio` option does not pipe). */
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to close. */
  ms: number;
}

export interface CliOptions {
  /** Variables set on top of process.env. */
  env?: NodeJS.ProcessEnv;
  /** Keep FORCE_COLOR as this process has it (by default it is removed, so that output is plain text). */
  inheritColor?: boolean;
  /** Default: the project root. */
  cwd?: string;
  /** The program; default AIPLAB_BIN. */
  bin?: string;
  /** More spawn options (uid/gid, stdio, …); they override cwd, env and the default stdio (stdout and stderr piped). */
  spawn?: SpawnOptions;
}

/** Runs `bin args` (by default the real aiplab command, from the project root) and collects its exit and output. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...options.env };
    if (!options.inheritColor) delete env.FORCE_COLOR;
    const started = performance.now();
    const child = spawn(options.bin ?? AIPLAB_BIN, args, {
      cwd: options.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options.spawn,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started }),
    );
  });
}

/** The error `promise` rejects with (and a failed expectation when it resolves, or rejects with a non-Error). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  const e = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e, 'expected the call to fail').toBeInstanceOf(Error);
  return e as Error;
}

export async function tempDir(prefix = 'aiplab-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface ExpectedRow {
  flows: number;
  duration: number;
  packets: number;
  bytes: number;
}

/**
 * Reads a folder of reference `attacks.YYYY-MM-DD.csv` files (plain CSV, parsed here independently of the code under
 * test) into date → ip → row.
 */
export async function readReferenceDays(dir: string): Promise<Map<string, Map<string, ExpectedRow>>> {
  const out = new Map<string, Map<string, ExpectedRow>>();
  for (const name of (await readdir(dir)).sort()) {
    const m = /^attacks\.(\d{4}-\d{2}-\d{2})\.csv$/.exec(name);
    if (!m) continue;
    const lines = (await readFile(join(dir, name), 'utf8')).trim().split(/\r?\n/);
    const header = lines[0]!.split(',');
    const rows = new Map<string, ExpectedRow>();
    for (const line of lines.slice(1)) {
      const cells = line.split(',');
      const get = (c: string) => Number(cells[header.indexOf(c)]);
      rows.set(cells[header.indexOf('orig')]!, {
        flows: get('flows'),
        duration: get('duration'),
        packets: get('packets'),
        bytes: get('bytes'),
      });
    }
    out.set(m[1]!, rows);
  }
  return out;
}

/**
 * Runs of a property-based test: `FUZZ_RUNS` when set (a longer search, e.g. `FUZZ_RUNS=20000 npm run test:unit`),
 * else the given default that keeps `npm test` bounded. Every property also fixes its seed, so a run is repeatable.
 */
export function fuzzRuns(defaultRuns: number): number {
  const env = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(env) && env > 0 ? env : defaultRuns;
}
