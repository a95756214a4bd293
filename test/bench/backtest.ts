import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openExperimentDataset, readExperiment } from '../../src/index.js';
import { BENCH_DIR, type BenchLine, ROOT } from './common.js';

/**
 * Backtest benchmark (issue "Backtest"): experiments/synthetic-year.json, a synthetic year (365 days, ~100 k attackers
 * a day), every model but Random_Forest, budgets 1000 and 10000, in its own process for wall time and peak RSS. The
 * synthetic dataset is made once into .bench/ (not timed) and reused.
 */
export async function benchBacktest(): Promise<BenchLine[]> {
  const file = join(ROOT, 'experiments', 'synthetic-year.json');
  const cacheDir = join(BENCH_DIR, 'synth-cache');
  const experiment = await readExperiment(file);
  const t0 = performance.now();
  process.stderr.write('making (or reusing) the synthetic year ...\n');
  const dataset = await openExperimentDataset(experiment, { cacheDir });
  const makeS = (performance.now() - t0) / 1000;
  const out = join(BENCH_DIR, 'backtest-out');
  // The run stops at this wall-clock cap (seconds) and reports how far it got: AIPLAB_BENCH_BACKTEST_CAP_S.
  const capS = Number(process.env.AIPLAB_BENCH_BACKTEST_CAP_S ?? 600);
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'bench', 'backtest-child.ts'), file, cacheDir, out, String(capS)],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`backtest-child failed (exit ${r.status}, signal ${r.signal})`);
  const f = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    ms: number;
    maxRssKb: number;
    days: number;
    daysDone: number;
    capped: boolean;
    lastDate?: string;
    rows?: number;
    knownIps?: number;
    timings?: { foldMs: number; truthMs: number; scoreMs: number; rankMs: Record<string, number> };
  };
  const s = f.ms / 1000;
  const shape = `${f.days} days × ${experiment.models.length} models × ${experiment.budgets.length} budgets`;
  const lines: BenchLine[] = [
    { name: 'dataset', value: `${dataset.days.length} days (${makeS.toFixed(1)} s to make or open)` },
  ];
  if (f.capped) {
    lines.push({
      name: 'backtest',
      value: `stopped at the ${capS} s cap after ${f.daysDone} of ${f.days} days (through ${f.lastDate}); ${shape} (target < 180 s)`,
      ok: false,
    });
  } else {
    lines.push({ name: 'backtest', value: `${s.toFixed(1)} s for ${shape} (target < 180 s)`, ok: s < 180 });
  }
  lines.push({
    name: 'peak RSS',
    value: `${(f.maxRssKb / 1024).toFixed(0)} MB${f.capped ? ' when stopped' : ''} (target < 4096)`,
    ok: !f.capped && f.maxRssKb < 4096 * 1024,
  });
  if (f.timings) {
    const rank = Object.entries(f.timings.rankMs)
      .map(([m, ms]) => `${m} ${(ms / 1000).toFixed(1)}`)
      .join(', ');
    lines.push(
      {
        name: 'time split (s)',
        value: `fold ${(f.timings.foldMs / 1000).toFixed(1)}, truth ${(f.timings.truthMs / 1000).toFixed(1)}, score ${(f.timings.scoreMs / 1000).toFixed(1)}`,
      },
      { name: 'ranking (s)', value: rank },
      { name: 'known IPs at the end', value: String(f.knownIps) },
      { name: 'per_day rows', value: String(f.rows) },
    );
  }
  return lines;
}
