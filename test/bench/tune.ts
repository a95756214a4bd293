import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openExperimentDataset, readTuneExperiment, testWindowExperiment } from '../../src/index.js';
import { BENCH_DIR, type BenchLine, ROOT } from './common.js';

/** The figure: 1000 configs × 60 days "finish in minutes"; the target here is 5 minutes. */
const TARGET_S = 300;

/**
 * Tuning benchmark (issue 5, "Tuning"): 1000 random configs of Prioritize_Consistent (weights and four decay
 * families) × 60 tuning days of a synthetic dataset of 30 000 attackers a day, objective recall at budget 1000, then
 * a one-day test window. The dataset is made once into .bench/ (not timed); the run is timed in its own process.
 */
export async function benchTune(): Promise<BenchLine[]> {
  const attackersPerDay = Number(process.env.AIPLAB_BENCH_TUNE_ATTACKERS ?? 30_000);
  const experiment = {
    id: 'bench-tune',
    version: 1,
    dataset: { synth: { days: 62, attackersPerDay, seed: 1, startDate: '2024-01-01' } },
    model: { name: 'Prioritize_Consistent' },
    split: { tune: { from: '2024-01-02', to: '2024-03-01' }, test: { from: '2024-03-02', to: '2024-03-02' } },
    search: {
      method: 'random',
      samples: 1000,
      space: {
        weights: Array.from({ length: 8 }, () => ({ min: 0, max: 1 })),
        decay: [
          { name: 'aip-consistent' },
          { name: 'hyperbolic', k: { min: 0.5, max: 30, scale: 'log' } },
          { name: 'exponential', halfLife: { min: 0.5, max: 30, scale: 'log' } },
          { name: 'step', days: [1, 3, 7, 14] },
        ],
      },
    },
    objective: { metric: 'recall', budget: 1000 },
    baselines: [],
    bootstrap: { resamples: 200 },
    seed: 1,
  };
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, 'bench-tune.json');
  writeFileSync(file, `${JSON.stringify(experiment, null, 2)}\n`);
  const cacheDir = join(BENCH_DIR, 'synth-cache');
  const t0 = performance.now();
  process.stderr.write('making (or reusing) the synthetic dataset ...\n');
  const resolved = await readTuneExperiment(file);
  const dataset = await openExperimentDataset(testWindowExperiment(resolved, resolved.model.params), {
    cacheDir,
  });
  const makeS = (performance.now() - t0) / 1000;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'test', 'bench', 'tune-child.ts'), file, cacheDir],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`tune-child failed (exit ${r.status}, signal ${r.signal})`);
  const f = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    ms: number;
    maxRssKb: number;
    configs: number;
    tuneDays: number;
    scoredDays: number;
    knownIps: number;
    timings: { foldMs: number; prepareMs: number; configMs: number; testMs: number };
    best: number;
    default: number;
  };
  const s = f.ms / 1000;
  const configDays = f.configs * f.scoredDays;
  return [
    {
      name: 'dataset',
      value: `${dataset.days.length} days × ${attackersPerDay} attackers (${makeS.toFixed(1)} s to make or open)`,
    },
    { name: 'known IPs at the end', value: String(f.knownIps) },
    {
      name: 'tune',
      value: `${s.toFixed(1)} s for ${f.configs} configs × ${f.scoredDays} days (target < ${TARGET_S} s: ${((s / TARGET_S) * 100).toFixed(0)}% of it)`,
      ok: s < TARGET_S,
    },
    {
      name: 'configs × days per second',
      value: `${(configDays / (f.timings.configMs / 1000)).toFixed(0)} (config scoring only)`,
    },
    {
      name: 'time split (s)',
      value: `fold ${(f.timings.foldMs / 1000).toFixed(1)}, prepare ${(f.timings.prepareMs / 1000).toFixed(1)}, configs ${(f.timings.configMs / 1000).toFixed(1)}, test window ${(f.timings.testMs / 1000).toFixed(1)}`,
    },
    { name: 'peak RSS', value: `${(f.maxRssKb / 1024).toFixed(0)} MB` },
    {
      name: 'objective',
      value: `best ${f.best.toFixed(4)}, default ${f.default.toFixed(4)} (recall @ 1000)`,
    },
  ];
}
