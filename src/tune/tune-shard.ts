import { join, resolve } from 'node:path';
import type { DatasetSourceOptions } from '../backtest/dataset-source.js';
import { mergedRecord, sameEverywhere, summedTimings } from '../backtest/merge-backtest.js';
import {
  decodeValue,
  encodeValue,
  type PartialHeader,
  partialFileName,
  partialHeader,
  replayWarnings,
  type ShardSpec,
  shardUnits,
  type WarningEntry,
  WarningLog,
  writePartial,
} from '../backtest/shard.js';
import { resultsDataset } from '../backtest/write-results.js';
import { provenance, type ResultsDataset } from '../results/manifest.js';
import type { SkippedTarget } from '../results/rows.js';
import { dayRange } from '../util/dates.js';
import { DataError, UsageError } from '../util/errors.js';
import {
  finishTune,
  type RunTuneOptions,
  scoreTuneWindows,
  searchConfigs,
  type TuneScoring,
  type TuneTimings,
  tuneWindowDays,
} from './run-tune.js';
import type { TuneExperimentResult } from './run-tune-experiment.js';
import type { TuneExperiment } from './tune-experiment.js';
import { openTuneDataset, tuneExperimentResult } from './tune-io.js';

/**
 * A tune shard's result file (`aiplab tune --shard i/N`): the objective of its configs × folds on the tuning days it
 * owns, the defaults' on every tuning day, and the identity of the run it is part of.
 */
export interface TunePartial extends PartialHeader {
  kind: 'tune';
  experiment: TuneExperiment;
  dataset: ResultsDataset;
  /** Configs in the search (units = configs × folds). */
  configs: number;
  tuneDays: string[];
  scoredTuneDays: string[];
  skippedTuneDays: SkippedTarget[];
  /**
   * Per config index with a unit here, its objective on every tuning day ('NaN' where another shard owns the day: a
   * day belongs to the unit of the first fold whose tuning window holds it).
   */
  values: Record<string, (number | string)[]>;
  /** The defaults' objective on every tuning day (every shard scores them: a merge checks they agree). */
  defaultValues: (number | string)[];
  /** Warnings of the (config, day) pairs this shard owns; the defaults' in shard 1. */
  warnings: WarningEntry[];
  generalPathConfigs: number;
  fastPath: boolean;
  timings: TuneTimings;
}

/** For each tuning day, the first fold whose tuning window holds it (-1: in no fold's window). */
function firstFoldOfDay(experiment: TuneExperiment, tuneDays: string[]): Int32Array {
  const out = new Int32Array(tuneDays.length).fill(-1);
  const index = new Map(tuneDays.map((d, i) => [d, i]));
  experiment.folds.forEach((fold, fi) => {
    for (const d of dayRange(fold.tune.from, fold.tune.to)) {
      const i = index.get(d)!;
      if (out[i] === -1) out[i] = fi;
    }
  });
  return out;
}

const HALVING_REFUSED =
  'successive halving cannot be sharded: between rungs it needs every config’s scores. Remove search.halving and shard the whole search (each config is then scored on every tuning day), or run the halving search in one process';

export interface TuneShardOptions extends DatasetSourceOptions {
  /** The partial goes to `<out>/<id>/shard-<i>-of-<N>.json`. */
  out: string;
  onProgress?: RunTuneOptions['onProgress'];
  /** Recorded in the partial. */
  command?: string[];
}

/**
 * Runs shard i of N of a tuning experiment: scores its contiguous block of (config, fold) units (configs in search
 * order, each config's folds in order: unit = config · folds + fold) on the tuning windows, and writes the partial a
 * merge (mergeTunePartials) finishes: it puts the scores together, picks each fold's best and runs the test
 * windows. Successive halving is refused (a usage error): its rungs need every config's scores.
 */
export async function runTuneShard(
  experiment: TuneExperiment,
  shard: ShardSpec,
  options: TuneShardOptions,
): Promise<{ path: string; partial: TunePartial }> {
  const startedAt = new Date();
  if (experiment.search.halving) throw new UsageError(HALVING_REFUSED);
  const nf = experiment.folds.length;
  const nc = searchConfigs(experiment).configs.length;
  const { start, end } = shardUnits(nc * nf, shard, 'config × fold units');
  const mine = (c: number, f: number) => c * nf + f >= start && c * nf + f < end;
  const tuneDays = tuneWindowDays(experiment);
  const firstFold = firstFoldOfDay(experiment, tuneDays);
  // Config nc is the default: scored everywhere, its warnings kept by shard 1.
  const owns = (c: number, d: number) =>
    c === nc ? shard.index === 1 : firstFold[d]! >= 0 && mine(c, firstFold[d]!);
  const dataset = await openTuneDataset(experiment, options);
  const log = new WarningLog();
  const scoring = await scoreTuneWindows(experiment, dataset, {
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    units: mine,
    onConfigWarning: (c, d, message) => {
      if (owns(c, d)) log.add(d, c, message);
    },
  });
  const values: Record<string, (number | string)[]> = {};
  for (let c = Math.floor(start / nf); c <= Math.floor((end - 1) / nf); c++)
    values[c] = tuneDays.map((_, d) => (owns(c, d) ? encodeValue(scoring.values[c]![d]!) : 'NaN'));
  const partial: TunePartial = {
    ...partialHeader(
      'tune',
      shard,
      experiment,
      { total: nc * nf, start, end },
      { ...provenance(), startedAt, ...(options.command ? { command: options.command } : {}) },
    ),
    kind: 'tune',
    experiment,
    dataset: await resultsDataset(dataset),
    configs: nc,
    tuneDays: scoring.tuneDays,
    scoredTuneDays: scoring.scoredTuneDays,
    skippedTuneDays: scoring.skippedTuneDays,
    values,
    defaultValues: Array.from(scoring.values[nc]!, encodeValue),
    warnings: log.entries(),
    generalPathConfigs: scoring.generalPathConfigs,
    fastPath: scoring.fastPath,
    timings: scoring.timings,
  };
  const path = join(resolve(options.out, experiment.id), partialFileName(shard));
  await writePartial(path, partial);
  return { path, partial };
}

export interface MergeTuneOptions extends DatasetSourceOptions {
  /** Results root: written to `<out>/<id>/<UTC timestamp>/`. Without it nothing is written. */
  out?: string;
  onProgress?: RunTuneOptions['onProgress'];
  command?: string[];
}

/**
 * Merges the partials of a sharded tuning run (checked and in shard order: checkShards) and finishes it as one
 * process would: each fold's best among all configs, the test-window backtests (so the merge reads the dataset:
 * it must be reachable, and its fingerprint must be the shards'), the pooled statistics, and the results folder
 * written by the tuner's own writers (configs.csv, tuning_per_day.csv, folds.csv, per_day.csv, summary.csv,
 * comparisons.csv, summary.txt as a single run's, but for the configs' time in summary.txt, summed over the shards).
 */
export async function mergeTunePartials(
  partials: TunePartial[],
  options: MergeTuneOptions = {},
): Promise<TuneExperimentResult> {
  const startedAt = new Date();
  const head = partials[0]!;
  const experiment = head.experiment;
  const same = (what: string, pick: (p: TunePartial) => unknown) => sameEverywhere(partials, what, pick);
  same('the dataset fingerprint', (p) => p.dataset.fingerprint);
  same('the tuning days scored', (p) => [p.tuneDays, p.scoredTuneDays, p.skippedTuneDays]);
  same("the defaults' scores", (p) => p.defaultValues);
  same('the configs', (p) => [p.configs, p.generalPathConfigs, p.fastPath]);

  const dataset = await openTuneDataset(experiment, options);
  const fingerprint = (await resultsDataset(dataset)).fingerprint;
  if (fingerprint !== head.dataset.fingerprint)
    throw new DataError(
      `the dataset here (${dataset.dir}, fingerprint ${fingerprint.slice(0, 12)}) is not the one the shards scored (${head.dataset.dir}, ${head.dataset.fingerprint.slice(0, 12)})`,
    );
  const { configs, skippedConfigs, defaultParams } = searchConfigs(experiment);
  if (configs.length !== head.configs)
    throw new DataError(`the shards scored ${head.configs} configs; this search has ${configs.length}`);
  const nf = experiment.folds.length;
  const tuneDays = head.tuneDays;
  const firstFold = firstFoldOfDay(experiment, tuneDays);
  // Partials are in shard order, their unit ranges contiguous and ascending: a binary search finds a unit's shard.
  const shardOf = (u: number) => {
    let lo = 0;
    let hi = partials.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (partials[mid]!.units.start <= u) lo = mid;
      else hi = mid - 1;
    }
    return partials[lo]!;
  };
  const values = configs.map((_, c) => {
    const v = new Float64Array(tuneDays.length).fill(Number.NaN);
    for (let d = 0; d < tuneDays.length; d++) {
      const f = firstFold[d]!;
      if (f < 0) continue;
      const owner = shardOf(c * nf + f);
      const got = owner.values[c]?.[d];
      if (got === undefined)
        throw new DataError(
          `shard ${owner.shard.index}/${owner.shard.count} has no score of config ${c + 1} on ${tuneDays[d]}`,
        );
      v[d] = decodeValue(got);
    }
    return v;
  });
  values.push(Float64Array.from(head.defaultValues, decodeValue));
  const scoring: TuneScoring = {
    experiment,
    configs,
    skippedConfigs,
    defaultParams,
    tuneDays,
    scoredTuneDays: head.scoredTuneDays,
    skippedTuneDays: head.skippedTuneDays,
    values,
    droppedAfter: experiment.folds.map(() => configs.map(() => null)),
    generalPathConfigs: head.generalPathConfigs,
    fastPath: head.fastPath,
    warnings: replayWarnings(partials.flatMap((p) => p.warnings)),
    timings: {
      ...summedTimings(partials, ['totalMs', 'foldMs', 'prepareMs', 'configMs']),
      testMs: 0,
      analysisMs: 0,
    },
  };
  const run = await finishTune(
    scoring,
    dataset,
    options.onProgress ? { onProgress: options.onProgress } : {},
  );
  return tuneExperimentResult(run, dataset, options, {
    startedAt,
    merged: mergedRecord(
      partials,
      'tuning timings summed over the shards; the test windows run by the merge',
      (p) => ({
        units: { start: p.units.start, end: p.units.end, of: p.units.total, unitIs: 'config × fold' },
      }),
    ),
  });
}
