import { join } from 'node:path';
import type { DatasetSourceOptions } from '../backtest/dataset-source.js';
import type { Dataset } from '../days/dataset.js';
import type { WrittenResults } from '../results/run-folder.js';
import { checkOutputFolder } from '../util/output-path.js';
import { type RunTuneOptions, runTune, type TuneRun } from './run-tune.js';
import type { TuneExperiment } from './tune-experiment.js';
import { openTuneDataset, tuneExperimentResult } from './tune-io.js';

export interface RunTuneExperimentOptions extends DatasetSourceOptions {
  /** Results root: the run is written to `<out>/<id>/<UTC timestamp>/`. Without it nothing is written. */
  out?: string;
  onProgress?: RunTuneOptions['onProgress'];
  /** Recorded in manifest.json. */
  command?: string[];
}

export interface TuneExperimentResult {
  run: TuneRun;
  dataset: Dataset;
  /** Where the results went, when `out` was given. */
  written?: WrittenResults;
}

/** The whole tuning experiment: dataset (a folder, or synthetic, made once into the cache) → runTune → result files. */
export async function runTuneExperiment(
  experiment: TuneExperiment,
  options: RunTuneExperimentOptions = {},
): Promise<TuneExperimentResult> {
  const startedAt = new Date();
  // Before the run, not after it: a results folder that cannot be written fails in a moment (issue 12).
  if (options.out !== undefined)
    await checkOutputFolder(join(options.out, experiment.id), { flag: 'out', purpose: 'the results' });
  const dataset = await openTuneDataset(experiment, options);
  const run = await runTune(
    experiment,
    dataset,
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  return tuneExperimentResult(run, dataset, options, { startedAt });
}
