import { performance } from 'node:perf_hooks';
import type { Analysis, PerDayRow } from '../results/rows.js';
import type { WrittenResults } from '../results/run-folder.js';
import { dayRange } from '../util/dates.js';
import { DataError } from '../util/errors.js';
import { analyzeRun } from './analyze.js';
import type { BacktestRun } from './backtest.js';
import { budgetLabel } from './experiment.js';
import { decodeValue, type PartialHeader, replayWarnings } from './shard.js';
import type { BacktestPartial } from './shard-backtest.js';
import { writeResults } from './write-results.js';

export interface MergeOptions {
  /** Results root: the merged run is written to `<out>/<id>/<UTC timestamp>/`. Without it nothing is written. */
  out?: string;
  /** Recorded in manifest.json. */
  command?: string[];
}

/**
 * Facts every shard computes for the whole run (partials in shard order): shards that disagree on one were not run on
 * the same data.
 */
export function sameEverywhere<P extends PartialHeader>(
  partials: P[],
  what: string,
  pick: (p: P) => unknown,
): void {
  const want = JSON.stringify(pick(partials[0]!));
  for (const p of partials.slice(1))
    if (JSON.stringify(pick(p)) !== want)
      throw new DataError(
        `shards ${partials[0]!.shard.index}/${p.shard.count} and ${p.shard.index}/${p.shard.count} of ${p.experimentId} disagree on ${what}: were they run on the same dataset?`,
      );
}

/**
 * The manifest's `merged` of a run merged from shards (of a backtest or a tuning run): how many, what its timings are,
 * and for each shard its `units` (and whatever else `own` gives), provenance and timings.
 */
export function mergedRecord<P extends PartialHeader & { timings: unknown }>(
  partials: P[],
  timingsAre: string,
  own: (p: P) => Record<string, unknown>,
) {
  return {
    shards: partials.length,
    timingsAre,
    from: partials.map((p) => ({
      shard: `${p.shard.index}/${p.shard.count}`,
      ...own(p),
      git: p.git,
      startedAt: p.startedAt,
      command: p.command,
      timings: p.timings,
    })),
  };
}

/** The named timings of the shards, each summed over them (compute time, not wall time), in the order named. */
export function summedTimings<K extends string>(
  partials: { timings: Record<K, number> }[],
  keys: readonly K[],
): Record<K, number> {
  const sums = {} as Record<K, number>;
  for (const k of keys) sums[k] = partials.reduce((s: number, p) => s + p.timings[k], 0);
  return sums;
}

/**
 * Merges the partials of a sharded backtest (checked and in shard order: checkShards) into the run one process would
 * have made, and writes its results folder with the backtest's own writers: per_day.csv, summary.csv,
 * comparisons.csv and summary.txt byte for byte as a single run's; manifest.json records the merge (`merged`: each
 * shard's units, provenance and timings) and timings summed over the shards (compute, not wall time).
 */
export async function mergeBacktestPartials(
  partials: BacktestPartial[],
  options: MergeOptions = {},
): Promise<{ run: BacktestRun; analysis: Analysis; written?: WrittenResults }> {
  const startedAt = new Date();
  const head = partials[0]!;
  const experiment = head.experiment;
  sameEverywhere(partials, 'the dataset fingerprint', (p) => p.dataset.fingerprint);
  sameEverywhere(partials, 'the days scored', (p) => p.scoredDays);
  sameEverywhere(partials, 'the targets skipped', (p) => p.skipped);
  sameEverywhere(partials, 'the known IPs', (p) => p.knownIps);
  sameEverywhere(partials, 'the metric columns', (p) => p.metricColumns);
  sameEverywhere(partials, 'the set models', (p) => p.unrankedModels);

  // One run's row order: per day, models in experiment order, budgets in order; within a unit the shard's order
  // (horizons, metrics) is kept by a stable sort.
  const days = dayRange(experiment.from, experiment.to);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const modelIndex = new Map(experiment.models.map((m, i) => [m.label, i]));
  const budgetIndex = new Map(experiment.budgets.map((b, i) => [budgetLabel(b), i]));
  const nb = experiment.budgets.length;
  const keyed: { key: number; row: PerDayRow }[] = [];
  for (const p of partials)
    for (const [date, model, budget, metric, value] of p.rows) {
      const d = dayIndex.get(date);
      const m = modelIndex.get(model);
      const b = budgetIndex.get(budget);
      if (d === undefined || m === undefined || b === undefined)
        throw new DataError(
          `shard ${p.shard.index}/${p.shard.count}: a row of ${date} ${model} ${budget} is not of this experiment`,
        );
      const u = m * nb + b;
      if (u < p.units.start || u >= p.units.end)
        throw new DataError(
          `shard ${p.shard.index}/${p.shard.count}: a row of ${model} at ${budget} is not one of its units`,
        );
      keyed.push({
        key: d * experiment.models.length * nb + u,
        row: { date, model, budget, metric, value: decodeValue(value) },
      });
    }
  keyed.sort((a, b) => a.key - b.key);

  const rankMs: Record<string, number> = {};
  for (const m of experiment.models) rankMs[m.label] = 0;
  for (const p of partials) for (const [k, v] of Object.entries(p.timings.rankMs)) rankMs[k]! += v;
  const run: BacktestRun = {
    experiment,
    days,
    scoredDays: head.scoredDays,
    skipped: head.skipped,
    metricColumns: head.metricColumns,
    rows: keyed.map((k) => k.row),
    warnings: replayWarnings(partials.flatMap((p) => p.warnings)),
    timings: {
      ...summedTimings(partials, ['totalMs', 'foldMs', 'truthMs', 'scoreMs']),
      rankMs,
    },
    knownIps: head.knownIps,
    unrankedModels: head.unrankedModels,
    ...(head.sensors ? { sensors: head.sensors } : {}),
  };
  const t = performance.now();
  const analysis = analyzeRun(run);
  const analysisMs = performance.now() - t;
  const result: { run: BacktestRun; analysis: Analysis; written?: WrittenResults } = { run, analysis };
  if (options.out !== undefined)
    result.written = await writeResults(options.out, run, analysis, head.dataset, {
      startedAt,
      analysisMs,
      ...(options.command ? { command: options.command } : {}),
      merged: mergedRecord(partials, 'summed over the shards', (p) => ({
        units: p.unitLabels.map(([m, b]) => `${m} @ ${b}`),
        rankedModels: p.rankedModels,
      })),
    });
  return result;
}
