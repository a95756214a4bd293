import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Generated benchmark inputs and outputs (git-ignored). */
export const BENCH_DIR = process.env.AIPLAB_BENCH_DIR ?? join(ROOT, '.bench');

export interface BenchLine {
  name: string;
  value: string;
  /** Whether a stated target was met, when the line has one. */
  ok?: boolean;
}

/** Wall and CPU time of `zcat input > /dev/null` (the CPU time from bash's `times`: its children's user + system). */
export function zcatTimes(input: string): { ms: number; cpuMs: number } {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', 'zcat -- "$1" > /dev/null || exit; times', 'bash', input], {
    encoding: 'utf8',
  });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`zcat failed: ${r.stderr}`);
  // `times` prints the shell's user/system, then its children's: `0m0.571s 0m0.020s`.
  const children = r.stdout
    .trim()
    .split('\n')
    .pop()!
    .split(/\s+/)
    .map((text) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(text);
      return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
    });
  return { ms, cpuMs: 1000 * (children[0]! + children[1]!) };
}

/** A seeded uniform draw in [0, 1) for generated benchmark inputs (pure-rand's xoroshiro128+; never Math.random). */
export function seeded(seed: number): () => number {
  const g = xoroshiro128plus(seed);
  return () => unsafeUniformIntDistribution(0, 0x7fffffff, g) / 0x80000000;
}

/**
 * Runs `test/bench/<script>` in a child process under tsx (so its memory and CPU are its own) and returns the JSON
 * figures its last line of output prints.
 */
export function benchChild<T>(script: string, args: string[]): T {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}
