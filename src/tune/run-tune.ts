import { performance } from 'node:perf_hooks';
import { analyzeRun } from '../backtest/analyze.js';
import { type BacktestRun, runBacktest } from '../backtest/backtest.js';
import type { Experiment } from '../backtest/experiment.js';
import { TableCache } from '../backtest/table-cache.js';
import { WarningCounts } from '../backtest/warning-counts.js';
import { readAllowlist } from '../blocklist/read-allowlist.js';
import type { Dataset } from '../days/dataset.js';
import { foldDaysBefore } from '../knowledge/fold-days.js';
import { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { evaluateList } from '../metrics/evaluate-list.js';
import { getMetric } from '../metrics/index.js';
import { buildTruth, TruthScratch } from '../metrics/truth.js';
import type { FastScorer, FastScorerDay } from '../models/fast-scorer.js';
import { knowledgeOptionsFor } from '../models/knowledge-options.js';
import { selectList } from '../models/list-rule.js';
import type { Model } from '../models/model.js';
import { modelContext } from '../models/model-context.js';
import type { RankedList } from '../models/ranked-list.js';
import { getModel } from '../models/registry.js';
import type { Analysis, SkippedTarget } from '../results/rows.js';
import { dayRange } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { expandSearch, type SearchPoint } from './expand-search.js';
import { objectiveFacts } from './objective-facts.js';
import { type TuneExperiment, type TuneFold, testWindowExperiment } from './tune-experiment.js';

/** One config of a search: its id in configs.csv and the model's full params (base params + searched values). */
export interface TuneConfig {
  /** `c0001`, … in search order. */
  id: string;
  /** The searched values only. */
  point: SearchPoint;
  /** Every param of the model, as an experiment would give them. */
  params: Record<string, unknown>;
}

/** A config's objective on one fold's tuning window. */
export interface TuneScore {
  /** Mean of the objective over the fold's tuning days where it was scored and has a value (NaN if none). */
  mean: number;
  /** Days with a value. */
  n: number;
  /** The objective per tuning day of the fold (TuneFoldResult.tuneDays), NaN where not scored or undefined. */
  values: Float64Array;
  /**
   * Successive halving: the number of the fold's tuning days after which the config was dropped (its mean is over
   * those days only), or null if it went on to the end of the window.
   */
  droppedAfter: number | null;
}

export interface TuneTimings {
  totalMs: number;
  /** Folding the knowledge base over the tuning windows (once for every config and fold). */
  foldMs: number;
  /** Truths and the fast scorers' per-day preparation. */
  prepareMs: number;
  /** Ranking (or fast-scoring), cutting and scoring every config on every tuning day. */
  configMs: number;
  /** The test-window backtests and their statistics. */
  testMs: number;
  /** Of testMs: the statistics (analyzeRun), per fold and pooled. */
  analysisMs: number;
}

/** A fold: its tuning scores, its best config, and the backtest of its test window. */
export interface TuneFoldResult {
  fold: TuneFold;
  /** Days of the tuning window (lists made for each). */
  tuneDays: string[];
  /** Tuning days scored (those with data). */
  scoredTuneDays: string[];
  /** Tuning days not scored, with why. */
  skippedTuneDays: SkippedTarget[];
  /** Aligned with TuneRun.configs. */
  scores: TuneScore[];
  /** The config with the best tuning score among those that reached the end of the window (first in search order
   * on a tie). */
  best: { index: number; config: TuneConfig; score: TuneScore };
  /** The model's defaults, scored on the tuning window the same way (never dropped). */
  default: { score: TuneScore };
  /** Best, Default and the baselines on the test window, and its statistics. */
  test: { experiment: Experiment; run: BacktestRun; analysis: Analysis };
}

export interface TuneRun {
  experiment: TuneExperiment;
  configs: TuneConfig[];
  /** Configs the search dropped: all-zero weight vectors and duplicates. */
  skippedConfigs: { zeroWeights: number; duplicates: number };
  /** Per fold, walking forward. */
  folds: TuneFoldResult[];
  /** The last fold's (the config to deploy next: tuned on the most recent window). */
  best: TuneFoldResult['best'];
  /** The last fold's tuning scores, aligned with configs. */
  scores: TuneScore[];
  /** The model's defaults. */
  default: { params: Record<string, unknown>; score: TuneScore };
  /**
   * The test windows pooled (one fold: that fold's): per day, each fold's Best, Default and the baselines, with the
   * paired statistics over every test day of every fold.
   */
  test: { run: BacktestRun; analysis: Analysis };
  /** Configs (the default included) ranked by the model itself: all of them without a fast scorer, else those it refused. */
  generalPathConfigs: number;
  /** Whether the model's fast scorer was used for the configs it accepts. */
  fastPath: boolean;
  /** Distinct warnings of the models on the tuning days, with how often each came. */
  warnings: { message: string; count: number }[];
  timings: TuneTimings;
  /** Tuning-window days and their ids: the union of the folds' tuning windows, in order. */
  tuneDays: string[];
  /** Of tuneDays, those scored (with data). */
  scoredTuneDays: string[];
  /** Of tuneDays, those not scored and why. */
  skippedTuneDays: SkippedTarget[];
  /** The objective of every config (and, last, the default) on every day of tuneDays: NaN where not scored. */
  values: Float64Array[];
}

export interface RunTuneOptions {
  /** After each tuning day (phase 'tune') and each day of a fold's test window (phase 'test'). */
  onProgress?: (done: number, total: number, date: string, phase: 'tune' | 'test') => void;
  /** Never listed; default: the experiment's allowlist. */
  exclude?: (ip: string) => boolean;
  /**
   * Use the model's exact fast scorer for the configs it accepts; false ranks every config with the model itself
   * (the general path: what the tests compare the fast path with). @default true
   */
  fastPath?: boolean;
  /**
   * Scores config `config` on fold `fold`'s tuning window only if it accepts (indices into TuneRun.configs and
   * experiment.folds): a shard's units. Not with successive halving, whose rungs need every config's scores. The
   * model's defaults are scored on every tuning day whatever it says. @default every pair
   */
  units?: (config: number, fold: number) => boolean;
  /** Also gets each model warning of the tuning days with the config (configs.length: the default) and day index. */
  onConfigWarning?: (config: number, day: number, message: string) => void;
}

/**
 * The tuning windows scored (the first half of runTune): every config's objective on every tuning day, and the
 * configs successive halving dropped. finishTune picks each fold's best from it and backtests the test windows.
 */
export interface TuneScoring {
  experiment: TuneExperiment;
  configs: TuneConfig[];
  skippedConfigs: { zeroWeights: number; duplicates: number };
  /** The model's defaults (scored last: values[configs.length]). */
  defaultParams: Record<string, unknown>;
  tuneDays: string[];
  scoredTuneDays: string[];
  skippedTuneDays: SkippedTarget[];
  /** Per config (and, last, the default), the objective on every tuning day: NaN where not scored. */
  values: Float64Array[];
  /** Per fold and config: the fold's day after which halving dropped it, or null. */
  droppedAfter: (number | null)[][];
  generalPathConfigs: number;
  fastPath: boolean;
  warnings: { message: string; count: number }[];
  /** foldMs, prepareMs and configMs; totalMs so far. */
  timings: TuneTimings;
}

function meanOf(values: Float64Array, upTo = values.length): { mean: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < upTo; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    sum += v;
    n++;
  }
  return { mean: n === 0 ? Number.NaN : sum / n, n };
}

/** Days of a fold's tuning window after which successive halving cuts: minDays, minDays·eta, … (before the end). */
export function halvingRungs(days: number, halving: { eta: number; minDays: number } | undefined): number[] {
  if (!halving) return [];
  const out: number[] = [];
  for (let r = halving.minDays; r < days; r = Math.ceil(r * halving.eta)) out.push(r);
  return out;
}

/** One config as the tuner scores it. */
interface Candidate {
  model: Model;
  /** Accepted by the fast scorer. */
  fast: boolean;
}

/**
 * Tunes any registered model (issues 5 and 10, DESIGN §6): scores every config of the search on each fold's tuning
 * window, picks each fold's best by the objective, and backtests it beside the model's defaults and the baselines on
 * the fold's later test window; the test windows are also pooled for the paired statistics.
 *
 * The knowledge base is folded once, walking forward over the union of the tuning windows; each day's view (never D
 * or later) and D's truth are shared by every config. The general path ranks each config with the model itself
 * (model.rank, the allowlist, the objective's cut: exactly what the backtest does, so the per-day objective equals
 * the backtest's); a model with an exact fast scorer (FastScorer) lists the configs it accepts without ranking every
 * IP, with the same result bit for bit (tested). With successive halving, a fold stops scoring the configs that fall
 * out at each rung; a day is scored for the configs still alive in some fold whose window holds it.
 */
export async function runTune(
  experiment: TuneExperiment,
  dataset: Dataset,
  options: RunTuneOptions = {},
): Promise<TuneRun> {
  const exclude = await resolveExclude(experiment, options);
  const scoring = await scoreTuneWindows(experiment, dataset, { ...options, exclude });
  return finishTune(scoring, dataset, { ...options, exclude });
}

/**
 * The configs of a tuning experiment's search in search order (ids `c0001`, …, each with the model's full params),
 * what the search dropped, and the model's defaults.
 */
export function searchConfigs(experiment: TuneExperiment): {
  configs: TuneConfig[];
  skippedConfigs: { zeroWeights: number; duplicates: number };
  defaultParams: Record<string, unknown>;
} {
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
  return { configs, skippedConfigs: { ...points.skipped }, defaultParams };
}

/** The tuning days: the union of the folds' tuning windows, first to last day. */
export function tuneWindowDays(experiment: TuneExperiment): string[] {
  const folds = experiment.folds;
  const first = folds[0]!;
  const tuneFrom = folds.reduce((d, f) => (f.tune.from < d ? f.tune.from : d), first.tune.from);
  const tuneTo = folds.reduce((d, f) => (f.tune.to > d ? f.tune.to : d), first.tune.to);
  return dayRange(tuneFrom, tuneTo);
}

/** The configs' exclusion: the caller's, else the experiment's allowlist, else none. */
async function resolveExclude(
  experiment: TuneExperiment,
  options: RunTuneOptions,
): Promise<((ip: string) => boolean) | undefined> {
  if (options.exclude !== undefined || experiment.allowlist === undefined) return options.exclude;
  const allowlist = await readAllowlist(experiment.allowlist);
  return (ip) => allowlist.contains(ip);
}

/**
 * The first half of runTune: folds the knowledge base once over the union of the tuning windows and scores every
 * config (or, with `units`, a shard's configs × folds) and the defaults on each tuning day, with successive halving.
 */
export async function scoreTuneWindows(
  experiment: TuneExperiment,
  dataset: Dataset,
  options: RunTuneOptions = {},
): Promise<TuneScoring> {
  const t0 = performance.now();
  const folds = experiment.folds;
  const first = folds[0]!;
  const last = folds[folds.length - 1]!;
  if (dataset.firstDay === undefined || dataset.lastDay === undefined)
    throw new UsageError(`the dataset ${dataset.dir} has no day`);
  const tuneFrom = folds.reduce((d, f) => (f.tune.from < d ? f.tune.from : d), first.tune.from);
  const tuneTo = folds.reduce((d, f) => (f.tune.to > d ? f.tune.to : d), first.tune.to);
  if (tuneFrom <= dataset.firstDay)
    throw new UsageError(
      `the tuning window starts ${tuneFrom}, which must be after the dataset's first day (${dataset.firstDay}): a list for a day needs data from the days before it`,
    );
  if (last.test.to > dataset.lastDay)
    throw new UsageError(
      `the last test window ends ${last.test.to}, after the dataset's last day (${dataset.lastDay}): there are no attackers to score against`,
    );
  if (options.units && experiment.search.halving)
    throw new UsageError(
      'successive halving cannot be sharded: its rungs need every config’s scores; remove search.halving to shard the search, or run it in one process',
    );
  const exclude = await resolveExclude(experiment, options);

  const factory = getModel(experiment.model.name);
  const { configs, skippedConfigs, defaultParams } = searchConfigs(experiment);
  // The default is scored beside the configs: one more entry, last.
  const allParams = [...configs.map((c) => c.params), defaultParams];
  const useFast = options.fastPath !== false && factory.fastScorer !== undefined;
  const scorer: FastScorer<unknown> | undefined = useFast
    ? (factory.fastScorer!() as FastScorer<unknown>)
    : undefined;
  const candidates: Candidate[] = allParams.map((params) => {
    const model = factory.create(params);
    return { model, fast: scorer !== undefined && scorer.refuses?.(model.params) === undefined };
  });
  const generalPathConfigs = candidates.filter((c) => !c.fast).length;

  const metric = getMetric(experiment.objective.metric);
  const ordered = objectiveFacts(metric).needsOrder;
  const budget = experiment.objective.budget;
  const tuneDays = dayRange(tuneFrom, tuneTo);
  const dayIndex = new Map(tuneDays.map((d, i) => [d, i]));
  const values = allParams.map(() => new Float64Array(tuneDays.length).fill(Number.NaN));
  const scoredTuneDays: string[] = [];
  const skippedTuneDays: SkippedTarget[] = [];
  const timings: TuneTimings = { totalMs: 0, foldMs: 0, prepareMs: 0, configMs: 0, testMs: 0, analysisMs: 0 };
  const warnings = new WarningCounts();

  // Per fold: its days (indices into tuneDays), the configs still alive, its halving rungs.
  const defaultIndex = configs.length;
  const foldState = folds.map((fold, fi) => {
    const days = dayRange(fold.tune.from, fold.tune.to).map((d) => dayIndex.get(d)!);
    return {
      fold,
      days,
      start: days[0]!,
      end: days[days.length - 1]!,
      alive: Uint8Array.from(configs, (_, i) => ((options.units?.(i, fi) ?? true) ? 1 : 0)),
      droppedAfter: new Array<number | null>(configs.length).fill(null),
      rungs: halvingRungs(days.length, experiment.search.halving),
    };
  });

  const tables = new TableCache(dataset);
  const source = tables.asDataset();
  const kb = new KnowledgeBase(knowledgeOptionsFor(candidates.map((c) => c.model)));
  const truthScratch = new TruthScratch();
  let excludedById: Uint8Array | undefined = exclude ? new Uint8Array(0) : undefined;
  let checked = 0;
  const limit = budget !== 'natural' && !exclude ? budget : undefined;
  // The config being scored and the day, for onConfigWarning.
  let current = -1;
  let today = 0;
  const onConfigWarning = options.onConfigWarning;
  const warn = onConfigWarning
    ? (message: string) => {
        warnings.add(message);
        onConfigWarning(current, today, message);
      }
    : warnings.add;

  for (let di = 0; di < tuneDays.length; di++) {
    const date = tuneDays[di]!;
    today = di;
    let t = performance.now();
    await foldDaysBefore(kb, source, date);
    tables.evictBefore(date);
    timings.foldMs += performance.now() - t;
    const active = foldState.filter((f) => di >= f.start && di <= f.end);
    if (!source.has(date)) {
      skippedTuneDays.push({ date, horizon: 0, reason: `${date} is a missing day (no data)` });
    } else {
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
      const fastDay: FastScorerDay<unknown> | undefined = scorer?.day(view, excludedById);
      const ctx = modelContext(view, { seed: experiment.seed, limit, warn });
      timings.prepareMs += performance.now() - t;
      t = performance.now();
      for (let i = 0; i < candidates.length; i++) {
        if (i !== defaultIndex && !active.some((f) => f.alive[i])) continue;
        const c = candidates[i]!;
        current = i;
        let list: RankedList;
        if (c.fast && fastDay) {
          const ids = fastDay.list(c.model.params, budget, ordered);
          list = { ids, scores: EMPTY_SCORES, ips: EMPTY_IPS };
        } else {
          let ranked = c.model.rank(ctx);
          if (exclude) ranked = selectList(ranked, { exclude });
          list = budget === 'natural' ? c.model.naturalList(ranked) : selectList(ranked, { budget });
        }
        values[i]![di] = metric.compute(evaluateList(list, truth, budget));
      }
      timings.configMs += performance.now() - t;
      truthScratch.release(truth);
      scoredTuneDays.push(date);
    }
    // Successive halving: a fold whose rung ends today keeps its best 1/eta (ties by search order).
    for (const f of active) {
      const done = di - f.start + 1;
      if (!f.rungs.includes(done)) continue;
      const alive: { i: number; mean: number }[] = [];
      for (let i = 0; i < configs.length; i++)
        if (f.alive[i]) alive.push({ i, mean: meanOf(values[i]!.subarray(f.start, di + 1)).mean });
      const sign = experiment.objective.higherIsBetter ? 1 : -1;
      alive.sort((a, b) => {
        const an = Number.isNaN(a.mean);
        const bn = Number.isNaN(b.mean);
        if (an !== bn) return an ? 1 : -1;
        return (an ? 0 : sign * (b.mean - a.mean)) || a.i - b.i;
      });
      const keep = Math.max(1, Math.ceil(alive.length / experiment.search.halving!.eta));
      for (const { i } of alive.slice(keep)) {
        f.alive[i] = 0;
        f.droppedAfter[i] = done;
      }
    }
    options.onProgress?.(di + 1, tuneDays.length, date, 'tune');
  }

  timings.totalMs = performance.now() - t0;
  return {
    experiment,
    configs,
    skippedConfigs,
    defaultParams,
    tuneDays,
    scoredTuneDays,
    skippedTuneDays,
    values,
    droppedAfter: foldState.map((f) => f.droppedAfter),
    generalPathConfigs,
    fastPath: useFast,
    warnings: warnings.list(),
    timings,
  };
}

/**
 * The second half of runTune: each fold's best config among those that reached the end of its tuning window, its
 * backtest beside the defaults and the baselines on the fold's test window, and the test windows pooled. A merge of
 * tune shards calls it with the shards' scores put together.
 */
export async function finishTune(
  scoring: TuneScoring,
  dataset: Dataset,
  options: RunTuneOptions = {},
): Promise<TuneRun> {
  const t0 = performance.now();
  const { experiment, configs, defaultParams, tuneDays, scoredTuneDays, skippedTuneDays, values } = scoring;
  const exclude = await resolveExclude(experiment, options);
  const metric = getMetric(experiment.objective.metric);
  const folds = experiment.folds;
  const timings: TuneTimings = { ...scoring.timings };
  const defaultIndex = configs.length;
  const dayIndex = new Map(tuneDays.map((d, i) => [d, i]));
  const foldState = folds.map((fold, fi) => {
    const days = dayRange(fold.tune.from, fold.tune.to).map((d) => dayIndex.get(d)!);
    return { fold, start: days[0]!, end: days[days.length - 1]!, droppedAfter: scoring.droppedAfter[fi]! };
  });
  const scoreOf = (i: number, f: (typeof foldState)[number]): TuneScore => {
    const v = values[i]!.slice(f.start, f.end + 1);
    const dropped = i === defaultIndex ? null : f.droppedAfter[i]!;
    return { ...meanOf(v, dropped ?? v.length), values: v, droppedAfter: dropped };
  };
  const sign = experiment.objective.higherIsBetter ? 1 : -1;
  const results: TuneFoldResult[] = [];
  const onProgress = options.onProgress;
  let testDone = 0;
  const testTotal = folds.reduce((n, f) => n + dayRange(f.test.from, f.test.to).length, 0);
  for (const f of foldState) {
    const scores = configs.map((_, i) => scoreOf(i, f));
    let bestIndex = -1;
    for (let i = 0; i < scores.length; i++) {
      const m = scores[i]!.mean;
      if (Number.isNaN(m) || scores[i]!.droppedAfter !== null) continue;
      if (bestIndex < 0 || sign * m > sign * scores[bestIndex]!.mean) bestIndex = i;
    }
    if (bestIndex < 0)
      throw new UsageError(
        `no config has a value of ${metric.name} on the tuning window ${f.fold.tune.from} .. ${f.fold.tune.to} (no day with data, or the metric is undefined on every day)`,
      );
    const foldDays = tuneDays.slice(f.start, f.end + 1);
    const t = performance.now();
    const testExperiment = testWindowExperiment(experiment, configs[bestIndex]!.params, f.fold);
    const run = await runBacktest(testExperiment, dataset, {
      ...(onProgress
        ? { onProgress: (_done, _total, date) => onProgress(++testDone, testTotal, date, 'test') }
        : {}),
      ...(exclude ? { exclude } : {}),
    });
    const ta = performance.now();
    const analysis = analyzeRun(run);
    timings.analysisMs += performance.now() - ta;
    timings.testMs += performance.now() - t;
    results.push({
      fold: f.fold,
      tuneDays: foldDays,
      scoredTuneDays: scoredTuneDays.filter((d) => d >= f.fold.tune.from && d <= f.fold.tune.to),
      skippedTuneDays: skippedTuneDays.filter((s) => s.date >= f.fold.tune.from && s.date <= f.fold.tune.to),
      scores,
      best: { index: bestIndex, config: configs[bestIndex]!, score: scores[bestIndex]! },
      default: { score: scoreOf(defaultIndex, f) },
      test: { experiment: testExperiment, run, analysis },
    });
  }
  const t = performance.now();
  const pooled = results.length === 1 ? results[0]!.test.run : poolRuns(results.map((r) => r.test.run));
  const pooledAnalysis = results.length === 1 ? results[0]!.test.analysis : analyzeRun(pooled);
  timings.analysisMs += performance.now() - t;
  timings.testMs += performance.now() - t;
  const lastFold = results[results.length - 1]!;
  timings.totalMs = scoring.timings.totalMs + performance.now() - t0;
  return {
    experiment,
    configs,
    skippedConfigs: scoring.skippedConfigs,
    folds: results,
    best: lastFold.best,
    scores: lastFold.scores,
    default: { params: defaultParams, score: lastFold.default.score },
    test: { run: pooled, analysis: pooledAnalysis },
    generalPathConfigs: scoring.generalPathConfigs,
    fastPath: scoring.fastPath,
    warnings: scoring.warnings,
    timings,
    tuneDays,
    scoredTuneDays,
    skippedTuneDays,
    values,
  };
}

const EMPTY_SCORES = new Float64Array(0);
const EMPTY_IPS: readonly string[] = [];

/**
 * The test windows of several folds as one run: the days, rows and skipped targets one after the other (the windows
 * do not overlap), the same models, budgets and metrics; the experiment is the first fold's with `from`/`to` spanning
 * all of them. Churn on a fold's first day compares with nothing (NaN), as on any run's first day.
 */
export function poolRuns(runs: BacktestRun[]): BacktestRun {
  const head = runs[0]!;
  const tail = runs[runs.length - 1]!;
  const warnings = new Map<string, number>();
  for (const r of runs)
    for (const w of r.warnings) warnings.set(w.message, (warnings.get(w.message) ?? 0) + w.count);
  const rankMs: Record<string, number> = {};
  for (const r of runs)
    for (const [k, v] of Object.entries(r.timings.rankMs)) rankMs[k] = (rankMs[k] ?? 0) + v;
  const sum = (pick: (r: BacktestRun) => number) => runs.reduce((s, r) => s + pick(r), 0);
  return {
    ...head,
    experiment: { ...head.experiment, from: head.experiment.from, to: tail.experiment.to },
    days: runs.flatMap((r) => r.days),
    scoredDays: runs.flatMap((r) => r.scoredDays),
    skipped: runs.flatMap((r) => r.skipped),
    rows: runs.flatMap((r) => r.rows),
    warnings: [...warnings].map(([message, count]) => ({ message, count })),
    timings: {
      totalMs: sum((r) => r.timings.totalMs),
      foldMs: sum((r) => r.timings.foldMs),
      truthMs: sum((r) => r.timings.truthMs),
      scoreMs: sum((r) => r.timings.scoreMs),
      rankMs,
    },
    knownIps: tail.knownIps,
  };
}
