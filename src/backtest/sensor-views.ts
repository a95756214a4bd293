import type { Dataset } from '../days/dataset.js';
import { UsageError } from '../util/errors.js';
import type { Experiment } from './experiment.js';

/** The train and truth sides of a backtest across sensors, resolved against the dataset. */
export interface SensorSides {
  /** The tables the lists (the knowledge) are built from: the dataset's own (AIP) tables or a sensor view. */
  train: Dataset;
  /** The tables lists are scored against; the same object as `train` when the experiment names no sensors. */
  truth: Dataset;
  /**
   * The sensors of each side, ascending (a side the experiment leaves to its default: every sensor of the dataset).
   * Absent when the experiment names no sensors.
   */
  sensors?: { train: string[]; truth: string[] };
}

/** Whether an experiment names sensors: `sensors`, `truth.sensors` or `truth.leaveOneSensorOut`. */
export function experimentHasSensors(experiment: Pick<Experiment, 'sensors' | 'truth'>): boolean {
  return (
    experiment.sensors !== undefined ||
    experiment.truth?.sensors !== undefined ||
    experiment.truth?.leaveOneSensorOut === true
  );
}

/**
 * The dataset's sensors, checked to hold every sensor the experiment names (`what`: the experiment key, for the
 * message). A dataset that keeps no per-sensor tables is a UsageError when the experiment names any, which says whether
 * it was ingested without --per-sensor or with it but no sensor saw an attack (its manifest's `sensors` empty).
 */
export function datasetSensors(dataset: Dataset, named: readonly string[], what: string): string[] {
  const known = dataset.sensors ?? [];
  if (known.length === 0 || dataset.sensorView === undefined) {
    if (dataset.manifest?.sensors?.length === 0)
      throw new UsageError(
        `${what}: the experiment names sensors, but the dataset ${dataset.dir} has no sensor: it was ingested per sensor (ingest --per-sensor), but no sensor saw an attack`,
      );
    throw new UsageError(
      `${what}: the experiment names sensors, but the dataset ${dataset.dir} keeps no per-sensor day tables (ingest --per-sensor writes them)`,
    );
  }
  const unknown = named.filter((s) => !known.includes(s));
  if (unknown.length > 0)
    throw new UsageError(
      `${what}: no sensor ${unknown.map((s) => `'${s}'`).join(', ')} in the dataset ${dataset.dir} (its sensors: ${known.join(', ')})`,
    );
  return [...known];
}

/**
 * The sides of one backtest: `sensors` (default: the dataset's own tables) builds the lists, `truth.sensors` (default:
 * the dataset's own tables) scores them. A leave-one-sensor-out experiment is several backtests, not one: a UsageError
 * here (runLeaveOneSensorOut runs it).
 */
export function sensorSides(experiment: Experiment, dataset: Dataset): SensorSides {
  if (experiment.truth?.leaveOneSensorOut)
    throw new UsageError(
      'truth.leaveOneSensorOut: the experiment is one backtest per held-out sensor; run it with runLeaveOneSensorOut (aiplab backtest, without --shard)',
    );
  if (!experimentHasSensors(experiment)) return { train: dataset, truth: dataset };
  const trainNamed = experiment.sensors;
  const truthNamed = experiment.truth?.sensors;
  // At least one side is named (not a leave-one-sensor-out run): each is checked against the dataset's sensors.
  if (trainNamed) datasetSensors(dataset, trainNamed, 'sensors');
  if (truthNamed) datasetSensors(dataset, truthNamed, 'truth.sensors');
  const all = [...(dataset.sensors ?? [])];
  const view = dataset.sensorView!.bind(dataset);
  return {
    train: trainNamed ? view(trainNamed) : dataset,
    truth: truthNamed ? view(truthNamed) : dataset,
    sensors: { train: [...(trainNamed ?? all)], truth: [...(truthNamed ?? all)] },
  };
}
