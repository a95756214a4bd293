import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readAllowlist } from '../blocklist/read-allowlist.js';
import type { Dataset } from '../days/dataset.js';
import type { Analysis } from '../results/rows.js';
import type { WrittenResults } from '../results/run-folder.js';
import { UsageError } from '../util/errors.js';
import { checkOutputFolder } from '../util/output-path.js';
import { analyzeRun } from './analyze.js';
import { type BacktestOptions, type BacktestRun, runBacktest } from './backtest.js';
import { type DatasetSourceOptions, openExperimentDataset } from './dataset-source.js';
import type { Experiment } from './experiment.js';
import { writeResults } from './write-results.js';

export interface RunExperimentOptions extends DatasetSourceOptions {
  /** Results root: the run is written to `<out>/<id>/<UTC timestamp>/`. Without it nothing is written. */
  out?: string;
  onProgress?: (done: number, total: number, date: string) => void;
  /** After each day: IPs known before it and each model's ranking time (BacktestOptions.onDayTimings). */
  onDayTimings?: BacktestOptions['onDayTimings'];
  /** Recorded in manifest.json. */
  command?: string[];
}

export interface ExperimentResult {
  run: BacktestRun;
  analysis: Analysis;
  dataset: Dataset;
  /** Where the results went, when `out` was given. */
  written?: WrittenResults;
}

/**
 * The whole backtest of an experiment: dataset → walk-forward run → statistics → result files. A leave-one-sensor-out
 * experiment is several backtests: runLeaveOneSensorOut.
 */
export async function runExperiment(
  experiment: Experiment,
  options: RunExperimentOptions = {},
): Promise<ExperimentResult> {
  if (experiment.truth?.leaveOneSensorOut)
    throw new UsageError(
      'truth.leaveOneSensorOut: the experiment is one backtest per held-out sensor; run it with runLeaveOneSensorOut',
    );
  const startedAt = new Date();
  // Before the run, not after it: a results folder that cannot be written fails in a moment (issue 12).
  if (options.out !== undefined)
    await checkOutputFolder(join(options.out, experiment.id), { flag: 'out', purpose: 'the results' });
  const dataset = await openExperimentDataset(experiment, options);
  const allowlist = experiment.allowlist ? await readAllowlist(experiment.allowlist) : undefined;
  const run = await runBacktest(experiment, dataset, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.onDayTimings ? { onDayTimings: options.onDayTimings } : {}),
    ...(allowlist ? { exclude: (ip: string) => allowlist.contains(ip) } : {}),
  });
  const t = performance.now();
  const analysis = analyzeRun(run);
  const analysisMs = performance.now() - t;
  const result: ExperimentResult = { run, analysis, dataset };
  if (options.out !== undefined)
    result.written = await writeResults(options.out, run, analysis, dataset, {
      startedAt,
      analysisMs,
      ...(options.command ? { command: options.command } : {}),
    });
  return result;
}
