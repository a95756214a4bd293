import { performance } from 'node:perf_hooks';
import { type Analysis, analyzeRun } from '../backtest/analyze.js';
import { type BacktestRun, runBacktest, type SkippedTarget } from '../backtest/backtest.js';
import type { Experiment } from '../backtest/experiment.js';
import { getMetric } from '../backtest/metrics/index.js';
import { TableCache } from '../backtest/table-cache.js';
import { buildTruth, TruthScratch } from '../backtest/truth.js';
import { readAllowlist } from '../blocklist/read-allowlist.js';
import type { Dataset } from '../days/dataset.js';
import { foldDaysBefore } from '../knowledge/fold-days.js';
import { KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { DecayJSON } from '../models/decay/decay-function.js';
import { createDecay } from '../models/decay/registry.js';
import type { PrioritizeParams } from '../models/prioritize.js';
import { getModel } from '../models/registry.js';
import { dayRange } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { expandSearch, type SearchPoint } from './expand-search.js';
import { objectiveFacts } from './objective-facts.js';
import { type TuneExperiment, testWindowExperiment } from './tune-experiment.js';
import { type FastConfig, TuningDay, TuningScratch } from './tuning-day.js';

/** One config of a search: its id in configs.csv and the model's full params (base params + searched values). */
export interface TuneConfig {
  /** `c0001`, … in search order. */
  id: string;
  /** The searched values only. */
  point: SearchPoint;
  /** Every param of the model, as an experiment would give them. */
  params: Record<string, unknown>;
}

/** A config's objective on the tuning window. */
export interface TuneScore {
  /** Mean of the objective over the tuning days with a value (NaN if none). */
  mean: number;
  /** Days with a value. */
  n: number;
  /** The objective per tuning day (TuneRun.tuneDays), NaN where the day has no value. */
  values: Float64Array;
}

export interface TuneTimings {
  totalMs: number;
  /** Folding the knowledge base over the tuning window (once for every config). */
  foldMs: number;
  /** Truths, features, aging and candidate orders of the tuning days. */
  prepareMs: number;
  /** Weighing, cutting and scoring every config on every tuning day. */
  configMs: number;
  /** The test-window backtest and its statistics. */
  testMs: number;
  /** Of testMs: the statistics (analyzeRun). */
  analysisMs: number;
}

export interface TuneRun {
  experiment: TuneExperiment;
  configs: TuneConfig[];
  /** Aligned with configs. */
  scores: TuneScore[];
  /** Configs the search dropped: all-zero weight vectors and duplicates. */
  skippedConfigs: { zeroWeights: number; duplicates: number };
  /** Days of the tuning window (lists made for each). */
  tuneDays: string[];
  /** Tuning days scored (those with data). */
  scoredTuneDays: string[];
  /** Tuning days not scored, with why. */
  skippedTuneDays: SkippedTarget[];
  /** The config with the best tuning score (first in search order on a tie). */
  best: { index: number; config: TuneConfig; score: TuneScore };
  /** The model's defaults (AIP's), scored on the tuning window the same way. */
  default: { params: Record<string, unknown>; score: TuneScore };
  /** The backtest of Best, Default and the baselines on the test window, and its statistics. */
  test: { experiment: Experiment; run: BacktestRun; analysis: Analysis };
  timings: TuneTimings;
}

export interface RunTuneOptions {
  /** After each day of the tuning window (phase 'tune') and of the test window (phase 'test'). */
  onProgress?: (done: number, total: number, date: string, phase: 'tune' | 'test') => void;
  /** Never listed; default: the experiment's allowlist. */
  exclude?: (ip: string) => boolean;
}

function fastConfig(params: Record<string, unknown>): FastConfig {
  const p = params as unknown as PrioritizeParams;
  for (const w of p.weights)
    if (!(w >= 0)) throw new UsageError(`tuning needs weights >= 0, got [${p.weights.join(', ')}]`);
  return {
    weights: p.weights,
    threshold: p.threshold,
    minimum: p.minimum,
    budget: p.budget,
    decay: createDecay(p.decay),
    normalization: p.normalization,
  };
}

function meanOf(values: Float64Array): { mean: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return { mean: n === 0 ? Number.NaN : sum / n, n };
}

/**
 * Tunes a model (issue 5, DESIGN §6): scores every config of the search on the tuning window, picks the best by the
 * objective, and backtests it beside the model's defaults and the baselines on the later test window.
 *
 * The knowledge base is folded once, walking forward; for each tuning day D its view (never D or later), D's truth,
 * the normalised features (once per normalization) and the aging (once per decay) are shared by every config, which
 * then only weighs, cuts and scores (TuningDay): the per-day objective equals the value the backtest gives the model
 * with those params (tested). The test window runs through runBacktest and analyzeRun.
 */
export async function runTune(
  experiment: TuneExperiment,
  dataset: Dataset,
  options: RunTuneOptions = {},
): Promise<TuneRun> {
  const t0 = performance.now();
  const { tune, test } = experiment.split;
  if (dataset.firstDay === undefined || dataset.lastDay === undefined)
    throw new UsageError(`the dataset ${dataset.dir} has no day`);
  if (tune.from <= dataset.firstDay)
    throw new UsageError(
      `split.tune.from (${tune.from}) must be after the dataset's first day (${dataset.firstDay}): a list for a day needs data from the days before it`,
    );
  if (test.to > dataset.lastDay)
    throw new UsageError(
      `split.test.to (${test.to}) is after the dataset's last day (${dataset.lastDay}): there are no attackers to score against`,
    );
  let exclude = options.exclude;
  if (exclude === undefined && experiment.allowlist !== undefined) {
    const allowlist = await readAllowlist(experiment.allowlist);
    exclude = (ip) => allowlist.contains(ip);
  }

  const factory = getModel(experiment.model.name);
  const points = expandSearch(experiment.search, experiment.seed);
  if (points.length === 0)
    throw new UsageError('search: no config to try (every weight vector was all zero)');
  const width = String(points.length).length;
  const configs: TuneConfig[] = points.map((point, i) => ({
    id: `c${String(i + 1).padStart(Math.max(4, width), '0')}`,
    point,
    params: factory.parseParams({ ...experiment.model.params, ...point }) as unknown as Record<
      string,
      unknown
    >,
  }));
  const defaultParams = structuredClone(factory.defaults) as unknown as Record<string, unknown>;
  // The default is scored beside the configs: one more entry, last.
  const all = [...configs.map((c) => c.params), defaultParams];
  const fast = all.map(fastConfig);
  const decayKeys = all.map((p) => JSON.stringify((p as unknown as PrioritizeParams).decay as DecayJSON));
  // Group by (normalization, decay): each group shares one candidate order per day.
  const groups = new Map<string, number[]>();
  fast.forEach((f, i) => {
    const key = `${f.normalization}\u0000${decayKeys[i]}`;
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });

  const metric = getMetric(experiment.objective.metric);
  const ordered = objectiveFacts(metric).needsOrder;
  const budget = experiment.objective.budget;
  const tuneDays = dayRange(tune.from, tune.to);
  const values = all.map(() => new Float64Array(tuneDays.length).fill(Number.NaN));
  const scoredTuneDays: string[] = [];
  const skippedTuneDays: SkippedTarget[] = [];
  const timings: TuneTimings = { totalMs: 0, foldMs: 0, prepareMs: 0, configMs: 0, testMs: 0, analysisMs: 0 };

  const tables = new TableCache(dataset);
  const source = tables.asDataset();
  const kb = new KnowledgeBase({ retainDays: 1 });
  const truthScratch = new TruthScratch();
  const scratch = new TuningScratch();
  let excludedById: Uint8Array | undefined = exclude ? new Uint8Array(0) : undefined;
  let checked = 0;

  for (let di = 0; di < tuneDays.length; di++) {
    const date = tuneDays[di]!;
    let t = performance.now();
    await foldDaysBefore(kb, source, date);
    tables.evictBefore(date);
    timings.foldMs += performance.now() - t;
    if (!source.has(date)) {
      skippedTuneDays.push({ date, horizon: 0, reason: `${date} is a missing day (no data)` });
      options.onProgress?.(di + 1, tuneDays.length, date, 'tune');
      continue;
    }
    t = performance.now();
    const view = kb.asOf(date);
    if (exclude && excludedById) {
      // Ids are stable as the knowledge base grows: test only the IPs new since the last day.
      if (excludedById.length < view.size) {
        const grown = new Uint8Array(Math.max(view.size, Math.ceil(excludedById.length * 1.5)));
        grown.set(excludedById);
        excludedById = grown;
      }
      for (let id = checked; id < view.size; id++) if (exclude(view.ip(id))) excludedById[id] = 1;
      checked = view.size;
    }
    const truth = buildTruth(view, await source.readDayTable(date), truthScratch);
    const day = new TuningDay(view, truth, scratch, excludedById);
    timings.prepareMs += performance.now() - t;
    t = performance.now();
    for (const members of groups.values())
      for (const i of members)
        values[i]![di] = metric.compute(day.facts(fast[i]!, decayKeys[i]!, budget, ordered));
    timings.configMs += performance.now() - t;
    truthScratch.release(truth);
    scoredTuneDays.push(date);
    options.onProgress?.(di + 1, tuneDays.length, date, 'tune');
  }
  const scores: TuneScore[] = values.map((v) => ({ ...meanOf(v), values: v }));
  const defaultScore = scores.pop()!;
  const sign = experiment.objective.higherIsBetter ? 1 : -1;
  let bestIndex = -1;
  for (let i = 0; i < scores.length; i++) {
    const m = scores[i]!.mean;
    if (Number.isNaN(m)) continue;
    if (bestIndex < 0 || sign * m > sign * scores[bestIndex]!.mean) bestIndex = i;
  }
  if (bestIndex < 0)
    throw new UsageError(
      `no config has a value of ${metric.name} on the tuning window ${tune.from} .. ${tune.to} (no day with data, or the metric is undefined on every day)`,
    );

  let t = performance.now();
  const testExperiment = testWindowExperiment(experiment, configs[bestIndex]!.params);
  const onProgress = options.onProgress;
  const run = await runBacktest(testExperiment, dataset, {
    ...(onProgress ? { onProgress: (done, total, date) => onProgress(done, total, date, 'test') } : {}),
    ...(exclude ? { exclude } : {}),
  });
  const ta = performance.now();
  const analysis = analyzeRun(run);
  timings.analysisMs = performance.now() - ta;
  timings.testMs = performance.now() - t;
  t = performance.now();
  timings.totalMs = t - t0;
  return {
    experiment,
    configs,
    scores,
    skippedConfigs: { ...points.skipped },
    tuneDays,
    scoredTuneDays,
    skippedTuneDays,
    best: { index: bestIndex, config: configs[bestIndex]!, score: scores[bestIndex]! },
    default: { params: defaultParams, score: defaultScore },
    test: { experiment: testExperiment, run, analysis },
    timings,
  };
}
