/**
 * What a whole tuning run (runTuneExperiment) and the merge of a sharded one (mergeTunePartials, and each shard:
 * runTuneShard) do alike at their two ends: open the dataset, and write the results folder.
 */
import { type DatasetSourceOptions, openExperimentDataset } from '../backtest/dataset-source.js';
import type { Dataset } from '../days/dataset.js';
import type { TuneRun } from './run-tune.js';
import type { TuneExperimentResult } from './run-tune-experiment.js';
import { type TuneExperiment, testWindowExperiment } from './tune-experiment.js';
import { writeTuneResults } from './tune-results.js';

/** The dataset of a tuning experiment: the one its test windows name, opened as a backtest would open it. */
export function openTuneDataset(experiment: TuneExperiment, options: DatasetSourceOptions): Promise<Dataset> {
  return openExperimentDataset(testWindowExperiment(experiment, experiment.model.params), options);
}

/**
 * A finished tuning run as a result, its folder written to `<out>/<id>/<UTC timestamp>/` when `out` is given
 * (`merged`: the manifest's record of the shards it was merged from).
 */
export async function tuneExperimentResult(
  run: TuneRun,
  dataset: Dataset,
  options: { out?: string; command?: string[] },
  made: { startedAt: Date; merged?: unknown },
): Promise<TuneExperimentResult> {
  const result: TuneExperimentResult = { run, dataset };
  if (options.out !== undefined)
    result.written = await writeTuneResults(options.out, run, dataset, {
      startedAt: made.startedAt,
      ...(options.command ? { command: options.command } : {}),
      ...(made.merged !== undefined ? { merged: made.merged } : {}),
    });
  return result;
}
