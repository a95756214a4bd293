import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openExperimentDataset } from '../../src/backtest/dataset-source.js';
import { readTuneExperiment } from '../../src/index.js';
import { testWindowExperiment } from '../../src/tune/tune-experiment.js';
import { BENCH_DIR, ROOT } from './common.js';

/** What tune-child.ts reports of one tuning run. */
export interface TuneChildResult {
  ms: number;
  maxRssKb: number;
  configs: number;
  tuneDays: number;
  scoredDays: number;
  knownIps: number;
  timings: { foldMs: number; prepareMs: number; configMs: number; testMs: number };
  best: number;
  default: number;
}

/**
 * Writes a tuning experiment to .bench/<name>.json, makes (or reuses) its synthetic dataset in .bench/synth-cache (not
 * timed), then runs it in its own process (tune-child.ts) so that its wall time and peak RSS are its own.
 */
export async function runTuneChild(
  experiment: Record<string, unknown>,
  name: string,
): Promise<{ result: TuneChildResult; datasetDays: number; makeS: number }> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const file = join(BENCH_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(experiment, null, 2)}\n`);
  const cacheDir = join(BENCH_DIR, 'synth-cache');
  const t0 = performance.now();
  process.stderr.write(`${name}: making (or reusing) the synthetic dataset ...\n`);
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
  return {
    result: JSON.parse(r.stdout.trim().split('\n').pop()!) as TuneChildResult,
    datasetDays: dataset.days.length,
    makeS,
  };
}
