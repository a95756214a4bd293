import { join, resolve } from 'node:path';
import { readAllowlist } from '../blocklist/read-allowlist.js';
import { provenance, type ResultsDataset } from '../results/manifest.js';
import type { SkippedTarget } from '../results/rows.js';
import { type BacktestTimings, runBacktest } from './backtest.js';
import { type DatasetSourceOptions, openExperimentDataset } from './dataset-source.js';
import { budgetLabel, type Experiment, isMatchedBudget } from './experiment.js';
import {
  encodeValue,
  type PartialHeader,
  partialFileName,
  partialHeader,
  type ShardSpec,
  shardUnits,
  type WarningEntry,
  WarningLog,
  writePartial,
} from './shard.js';
import { resultsDataset } from './write-results.js';

/**
 * A backtest shard's result file (`aiplab backtest --shard i/N`): its units' rows of per_day.csv and everything else
 * a merge needs to write the folder one run would have made, with the identity of the run it is part of.
 */
export interface BacktestPartial extends PartialHeader {
  kind: 'backtest';
  experiment: Experiment;
  dataset: ResultsDataset;
  /** This shard's units, `[model label, budget label]` in unit order. */
  unitLabels: [string, string][];
  /** Models this shard ranked: those of its units and those its matched budgets size by. */
  rankedModels: string[];
  days: number;
  scoredDays: string[];
  skipped: SkippedTarget[];
  metricColumns: string[];
  knownIps: number;
  unrankedModels: string[];
  /** BacktestRun.sensors: each side's sensors, when the experiment names some. */
  sensors?: { train: string[]; truth: string[] };
  /** Warnings of the models whose first unit is here (each model's are kept by one shard only). */
  warnings: WarningEntry[];
  timings: BacktestTimings;
  /** Its units' rows of per_day.csv in run order: `[date, model, budget, metric, value]`. */
  rows: [string, string, string, string, number | string][];
}

/**
 * The units a backtest is split into: every (model, budget) pair, models in the experiment's order and each model's
 * budgets in order (unit u = model · budgets + budget).
 */
export function backtestUnitCount(experiment: Experiment): number {
  return experiment.models.length * experiment.budgets.length;
}

/**
 * Where in a day a model ranks in a whole run: the models a matched budget sizes by first (in order), then the rest
 * (runBacktest's order): the position its warnings take when shards' warnings are merged.
 */
export function rankPosition(experiment: Experiment): (model: number) => number {
  const labels = experiment.models.map((m) => m.label);
  const referenced = [
    ...new Set(experiment.budgets.filter(isMatchedBudget).map((b) => labels.indexOf(b.sizeOf))),
  ].sort((a, b) => a - b);
  return (mi) => {
    const r = referenced.indexOf(mi);
    return r >= 0 ? r : referenced.length + mi;
  };
}

export interface BacktestShardOptions extends DatasetSourceOptions {
  /** The partial goes to `<out>/<id>/shard-<i>-of-<N>.json`. */
  out: string;
  onProgress?: (done: number, total: number, date: string) => void;
  /** Recorded in the partial. */
  command?: string[];
}

/**
 * Runs shard i of N of a backtest (DESIGN §5): the walk-forward for its contiguous block of (model, budget) units
 * only, and writes the partial a merge (mergeBacktestPartials) turns into the results folder of the whole run. Every
 * shard folds the whole knowledge base (that cost is not split); a model is ranked only in the shards that hold one of
 * its units, or that score a matched budget sized by it.
 */
export async function runBacktestShard(
  experiment: Experiment,
  shard: ShardSpec,
  options: BacktestShardOptions,
): Promise<{ path: string; partial: BacktestPartial }> {
  const startedAt = new Date();
  const nb = experiment.budgets.length;
  const { start, end } = shardUnits(backtestUnitCount(experiment), shard, 'model × budget units');
  const dataset = await openExperimentDataset(experiment, options);
  const allowlist = experiment.allowlist ? await readAllowlist(experiment.allowlist) : undefined;
  const mine = (mi: number, bi: number) => mi * nb + bi >= start && mi * nb + bi < end;
  const position = rankPosition(experiment);
  const log = new WarningLog();
  let day = 0;
  const rankedModels = new Set<string>();
  const run = await runBacktest(experiment, dataset, {
    onProgress: (done, total, date) => {
      day = done;
      options.onProgress?.(done, total, date);
    },
    ...(allowlist ? { exclude: (ip: string) => allowlist.contains(ip) } : {}),
    units: mine,
    // A model's warnings are kept by the shard of its first unit, which always ranks it.
    onWarning: (mi, message) => {
      if (mine(mi, 0)) log.add(day, position(mi), message);
    },
  });
  const unitLabels: [string, string][] = [];
  for (let u = start; u < end; u++) {
    const budget = experiment.budgets[u % nb]!;
    unitLabels.push([experiment.models[Math.floor(u / nb)]!.label, budgetLabel(budget)]);
    rankedModels.add(experiment.models[Math.floor(u / nb)]!.label);
    if (isMatchedBudget(budget)) rankedModels.add(budget.sizeOf);
  }
  const partial: BacktestPartial = {
    ...partialHeader(
      'backtest',
      shard,
      experiment,
      { total: backtestUnitCount(experiment), start, end },
      {
        ...provenance(),
        startedAt,
        ...(options.command ? { command: options.command } : {}),
      },
    ),
    kind: 'backtest',
    experiment,
    dataset: await resultsDataset(dataset),
    unitLabels,
    rankedModels: experiment.models.map((m) => m.label).filter((l) => rankedModels.has(l)),
    days: run.days.length,
    scoredDays: run.scoredDays,
    skipped: run.skipped,
    metricColumns: run.metricColumns,
    knownIps: run.knownIps,
    unrankedModels: run.unrankedModels,
    ...(run.sensors ? { sensors: run.sensors } : {}),
    warnings: log.entries(),
    timings: run.timings,
    rows: run.rows.map((r) => [r.date, r.model, r.budget, r.metric, encodeValue(r.value)]),
  };
  const path = join(resolve(options.out, experiment.id), partialFileName(shard));
  await writePartial(path, partial);
  return { path, partial };
}
