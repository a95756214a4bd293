import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { type BenchLine, ROOT } from './common.js';

/** Issue 11, item 4: the installed command answers `--help` in under 0.3 s. */
const TARGET_S = 0.3;
const BIN = join(ROOT, 'node_modules', '.bin', 'aiplab');
const SRC = join(ROOT, 'src');
const RUNS = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Timing {
  /** Median wall seconds. */
  wall: number;
  /** Median CPU seconds (user + system) of the process, which a busy machine inflates far less than its wall time. */
  cpu: number;
}

/** Seconds in bash's `times` output (`0m0.123s`). */
function seconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
}

/** `command args` run `runs` times one after another, each under bash, whose `times` gives the child's CPU time. */
function timed(command: string, args: string[], runs: number, env: NodeJS.ProcessEnv = process.env): Timing {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync('bash', ['-c', '"$@" >/dev/null || exit; times', 'bash', command, ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    walls.push((performance.now() - t0) / 1000);
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    const [user, system] = r.stdout.trim().split('\n').at(-1)!.split(' ');
    cpus.push(seconds(user!) + seconds(system!));
  }
  return { wall: median(walls), cpu: median(cpus) };
}

const show = (t: Timing) => `${t.wall.toFixed(3)} s wall, ${t.cpu.toFixed(3)} s CPU`;

/** In a fresh process (as the command does it): whether src/dist is current, and the check's milliseconds. */
function stampCheck(): { current: boolean; ms: number } {
  const url = new URL('../../src/cli/build-stamp.mjs', import.meta.url).href;
  const code = `import { buildIsCurrent } from '${url}';
const t0 = performance.now();
const current = buildIsCurrent(${JSON.stringify(SRC)}, ${JSON.stringify(join(SRC, 'dist'))});
process.stdout.write(JSON.stringify({ current, ms: performance.now() - t0 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  return JSON.parse(r.stdout) as { current: boolean; ms: number };
}

/**
 * Start-up benchmark (issue 11, item 4): the median wall time of RUNS runs of the installed command
 * (node_modules/.bin/aiplab, as `npx aiplab` runs it, without npx's own half second) for `--help` and `--version`,
 * which run the JavaScript compiled into src/dist/; beside it the same through tsx (AIPLAB_TSX=1, what runs while
 * the build is stale), bare node's own start, and the cost of the staleness check. A stale build is rebuilt first.
 * CPU time is printed beside wall time: on a machine shared with other work, wall time mostly measures the others.
 */
export async function benchStartup(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  if (!stampCheck().current) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(SRC, 'cli', 'build.mjs')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
    lines.push({ name: 'build (was stale)', value: `${((performance.now() - t0) / 1000).toFixed(1)} s` });
  }
  const node = timed(process.execPath, ['-e', '0'], RUNS);
  for (const flag of ['--help', '--version']) {
    const t = timed(BIN, [flag], RUNS);
    lines.push({
      name: `aiplab ${flag}`,
      value: `${show(t)}, medians of ${RUNS} (target < ${TARGET_S} s wall: ${(t.wall / TARGET_S).toFixed(2)}× the target)`,
      ok: t.wall < TARGET_S,
    });
  }
  const tsx = timed(BIN, ['--help'], 5, { ...process.env, AIPLAB_TSX: '1' });
  lines.push(
    { name: 'aiplab --help via tsx', value: `${show(tsx)}, medians of 5 (the fallback while stale)` },
    { name: 'node -e 0', value: `${show(node)}, medians of ${RUNS} (node's own start)` },
  );
  const checks = Array.from({ length: RUNS }, () => stampCheck());
  if (!checks.every((c) => c.current))
    lines.push({
      name: 'warning',
      value: 'a source changed during the runs: some of them ran the tsx fallback',
    });
  lines.push({
    name: 'staleness check',
    value: `${median(checks.map((c) => c.ms)).toFixed(1)} ms median of ${RUNS} (stat of every source file in a fresh process)`,
  });
  return lines;
}
