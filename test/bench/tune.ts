import type { BenchLine } from './common.js';
import { runTuneChild } from './run-tune-child.js';

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
  const { result: f, datasetDays, makeS } = await runTuneChild(experiment, 'bench-tune');
  const s = f.ms / 1000;
  const configDays = f.configs * f.scoredDays;
  return [
    {
      name: 'dataset',
      value: `${datasetDays} days × ${attackersPerDay} attackers (${makeS.toFixed(1)} s to make or open)`,
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
