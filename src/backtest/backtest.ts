import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Dataset } from '../days/dataset.js';
import { loadIpLookup } from '../enrich/ip-lookup.js';
import { foldDaysBefore } from '../knowledge/fold-days.js';
import { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { evaluateList, ListHistory, StampMarks } from '../metrics/evaluate-list.js';
import { getMetric, type Metric } from '../metrics/index.js';
import { ListAsns } from '../metrics/list-asns.js';
import type { ListEvaluation } from '../metrics/list-evaluation.js';
import { buildTruth, type Truth, TruthScratch } from '../metrics/truth.js';
import { createModel, knowledgeOptionsFor } from '../models/index.js';
import { selectList } from '../models/list-rule.js';
import { modelContext } from '../models/model-context.js';
import { headOf, type RankedList } from '../models/ranked-list.js';
import type { PerDayRow, SkippedTarget } from '../results/rows.js';
import { addDays, dayRange, parseDay } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { type Budget, budgetLabel, type Experiment, isMatchedBudget } from './experiment.js';
import { type ReadTable, SensorLastSeen, sensorFeatures, TruthHistory } from './sensor-history.js';
import { sensorSides } from './sensor-views.js';
import { TableCache } from './table-cache.js';
import { WarningCounts } from './warning-counts.js';

export interface BacktestTimings {
  totalMs: number;
  foldMs: number;
  truthMs: number;
  scoreMs: number;
  /** Ranking time per model label. */
  rankMs: Record<string, number>;
}

export interface BacktestRun {
  experiment: Experiment;
  /** Days a list was made for (from .. to). */
  days: string[];
  /** Days scored against their own attackers (horizon 0). */
  scoredDays: string[];
  /** Targets not scored, with why (a missing day is never scored as a day without attackers). */
  skipped: SkippedTarget[];
  /** Metric names of the result files, horizon suffixes included, in order. */
  metricColumns: string[];
  rows: PerDayRow[];
  /** Distinct warnings of the models (missing days in a window, …) with how often each came. */
  warnings: { message: string; count: number }[];
  timings: BacktestTimings;
  /** IPs the knowledge base knew at the end. */
  knownIps: number;
  /**
   * Labels of the models whose lists are sets, not rankings (`Model.unranked`: Alpha, Alpha7 and AllIPs with a flat
   * score, the forests with `rankBy: 'prediction'`), in the experiment's order. Their rows at a numeric or matched
   * budget are cuts of a set: the members in the tie order (DESIGN §4), not a ranking. Their natural rows are the set.
   */
  unrankedModels: string[];
  /**
   * The sensors of each side, ascending, when the experiment names sensors (`sensors`, `truth.sensors`; a side left
   * to its default has every sensor of the dataset): the lists were built from `train`'s tables, scored on `truth`'s.
   */
  sensors?: { train: string[]; truth: string[] };
}

export interface BacktestOptions {
  /** Called after each day. */
  onProgress?: (done: number, total: number, date: string) => void;
  /** Never listed (the allowlist): removed from every ranking before the budget cut. */
  exclude?: (ip: string) => boolean;
  /**
   * Scores only the (model, budget) pairs it accepts (indices into experiment.models and experiment.budgets): a
   * shard's units. A model is ranked only if one of its pairs is scored or a scored matched budget needs its natural
   * list size; the rows of the pairs scored are exactly those of a whole run. @default every pair
   */
  units?: (model: number, budget: number) => boolean;
  /** Also gets each model warning with the index of the model that gave it (shards keep warnings by model). */
  onWarning?: (model: number, message: string) => void;
  /** After each day: the IPs known before it and each model's ranking time that day (benchmarks). */
  onDayTimings?: (date: string, knownIps: number, rankMs: Record<string, number>) => void;
}

/**
 * The per_day.csv metric that records a matched budget's K of each day (one row per day and model, horizon 0 only).
 * Not a registry metric: it describes the cut, not the list (the `size` metric gives the list's own size, which is
 * smaller when the model lists fewer than K).
 */
export const BUDGET_K_METRIC = 'budget_k';

/** The metric name of horizon h in the result files: `recall` for D itself, `recall_h1` against D+1's attackers. */
export function horizonMetricName(metric: string, horizon: number): string {
  return horizon === 0 ? metric : `${metric}_h${horizon}`;
}

/**
 * Walks forward over `from .. to` (DESIGN §5): for each day D, folds the days before D into one knowledge base shared
 * by every model (folded once, in date order), ranks every model on the view as of D, cuts each ranking to every
 * budget, and scores each list against the attackers of D (and of D+h for each horizon h). The view is invalidated
 * as soon as D is folded, so no model can see D or later (LookaheadError). A target day without data is recorded in
 * `skipped` and never scored.
 *
 * A matched budget (`{sizeOf, share}`) takes its K each day from the natural list of the model it names: those models
 * are ranked first, in full; K = Math.round(share × their natural list size after the allowlist); the other models
 * are then ranked with `ctx.limit` = the day's largest K when every budget is a top-K or matched one and there is no
 * allowlist. Rows come out in the experiment's model order whatever the ranking order.
 *
 * Across sensors (`experiment.sensors`, `experiment.truth.sensors`; docs/sensors.md): the knowledge is folded from the
 * train sensors' tables only, the truth read from the truth sensors' tables only; the truth sensors' tables of the days
 * before D give the cross-sensor facts (TruthHistory), and each train sensor's own tables of the days before D the
 * models' sensor features (ModelContext.sensors). A leave-one-sensor-out experiment is refused: runLeaveOneSensorOut.
 */
export async function runBacktest(
  experiment: Experiment,
  dataset: Dataset,
  options: BacktestOptions = {},
): Promise<BacktestRun> {
  const t0 = performance.now();
  const sides = sensorSides(experiment, dataset);
  if (dataset.firstDay === undefined || dataset.lastDay === undefined)
    throw new UsageError(`the dataset ${dataset.dir} has no day`);
  if (experiment.from <= dataset.firstDay)
    throw new UsageError(
      `from (${experiment.from}) must be after the dataset's first day (${dataset.firstDay}): a list for a day needs data from the days before it`,
    );
  if (experiment.to > dataset.lastDay)
    throw new UsageError(
      `to (${experiment.to}) is after the dataset's last day (${dataset.lastDay}): there are no attackers to score against`,
    );
  const models = experiment.models.map((m) => ({ label: m.label, model: createModel(m.name, m.params) }));
  const metrics: Metric[] = experiment.metrics.map(getMetric);
  // The ASN data (tens of MB) is read only for a metric that needs it (Metric.needs).
  const listAsns = metrics.some((m) => m.needs?.includes('asn'))
    ? new ListAsns(await loadIpLookup({ country: false }))
    : undefined;
  const horizons = experiment.horizons;
  const budgets = experiment.budgets;
  const matched = budgets.some(isMatchedBudget);
  const metricColumns: string[] = [];
  for (const h of horizons)
    for (const m of metrics) if (h === 0 || m.horizons) metricColumns.push(horizonMetricName(m.name, h));
  if (matched) metricColumns.push(BUDGET_K_METRIC);
  // The longest history and every EWMA half-life any model reads: one knowledge base serves them all.
  const kb = new KnowledgeBase(knowledgeOptionsFor(models.map((m) => m.model)));
  // The next days' tables are read and parsed on a worker thread while this one ranks, where a second core exists.
  const readAhead = availableParallelism() > 1 ? 2 : 0;
  const cache = new TableCache(sides.train, { readAhead });
  const source = cache.asDataset();
  // Across sensors: the truth's own tables, the truth sensors' history and each train sensor's last sightings.
  const truthCache = sides.truth === sides.train ? cache : new TableCache(sides.truth, { readAhead });
  let truthHistory: TruthHistory | undefined;
  let lastSeen: SensorLastSeen | undefined;
  if (sides.sensors) {
    truthHistory = new TruthHistory(sides.truth, (date) => truthCache.get(date));
    const train = sides.sensors.train;
    // One train sensor: its tables are the knowledge's, read once through the cache.
    const readers: ReadTable[] =
      train.length === 1
        ? [(date) => cache.get(date)]
        : train.map((s) => {
            const view = dataset.sensorView!([s]);
            return (date) => view.readDayTable(date);
          });
    lastSeen = new SensorLastSeen(train, readers, dataset.dir);
  }
  const days = dayRange(experiment.from, experiment.to);
  const observableFrom = parseDay(experiment.from)! - 1;
  const marks = new StampMarks();
  const histories = models.map(() => budgets.map(() => new ListHistory(observableFrom, marks)));
  const rows: PerDayRow[] = [];
  const skipped: SkippedTarget[] = [];
  const scoredDays: string[] = [];
  const warnings = new WarningCounts();
  const timings: BacktestTimings = { totalMs: 0, foldMs: 0, truthMs: 0, scoreMs: 0, rankMs: {} };
  for (const m of models) timings.rankMs[m.label] = 0;
  const budgetLabels = budgets.map(budgetLabel);
  const scratches = horizons.map(() => new TruthScratch());
  // Models whose natural list sizes a matched budget: ranked first each day, in full (their natural list needs it).
  const labelIndex = new Map(models.map((m, i) => [m.label, i]));
  for (const b of budgets)
    if (isMatchedBudget(b) && !labelIndex.has(b.sizeOf))
      throw new UsageError(`budget ${budgetLabel(b)}: no model labelled '${b.sizeOf}' in this experiment`);
  const scored = models.map((_, mi) => budgets.map((_, bi) => options.units?.(mi, bi) ?? true));
  // A model is ranked when one of its pairs is scored, or when a scored matched budget needs its natural list.
  const rankHere = scored.map((row) => row.some(Boolean));
  budgets.forEach((b, bi) => {
    if (isMatchedBudget(b) && scored.some((row) => row[bi])) rankHere[labelIndex.get(b.sizeOf)!] = true;
  });
  const referenced = [...new Set(budgets.filter(isMatchedBudget).map((b) => labelIndex.get(b.sizeOf)!))]
    .filter((mi) => rankHere[mi])
    .sort((a, b) => a - b);
  // With top-K and matched budgets only (no natural list, no allowlist to remove first), the other models need rank
  // only the top K of the day's largest budget.
  const speedPath = !options.exclude && budgets.every((b) => b !== 'natural');
  const fixedMax = Math.max(0, ...budgets.filter((b): b is number => typeof b === 'number'));

  try {
    for (let di = 0; di < days.length; di++) {
      const date = days[di]!;
      const day = parseDay(date)!;
      let t = performance.now();
      const folded = await foldDaysBefore(kb, source, date);
      const view = kb.asOf(date);
      if (lastSeen) await lastSeen.addDays(folded.folded, view);
      if (truthHistory) await truthHistory.advanceTo(view);
      cache.evictBefore(date);
      if (truthCache !== cache) truthCache.evictBefore(date);
      timings.foldMs += performance.now() - t;
      const features =
        lastSeen && truthHistory ? sensorFeatures(view, sides.sensors!, lastSeen, truthHistory) : undefined;
      const columns = view.columns();

      t = performance.now();
      const truths: (Truth | null)[] = [];
      for (const [hi, h] of horizons.entries()) {
        const target = addDays(date, h);
        if (sides.truth.has(target)) {
          const table = await truthCache.get(target);
          const truth = buildTruth(view, table, scratches[hi]);
          if (truthHistory)
            truth.here = {
              firstSeenById: truthHistory.firstSeenById(),
              unseenPositives: truthHistory.unseenIn(table),
            };
          truths.push(truth);
        } else {
          truths.push(null);
          const reason =
            target > dataset.lastDay
              ? `${target} is after the dataset's last day`
              : `${target} is a missing day (no data)`;
          skipped.push({ date, horizon: h, reason });
        }
      }
      if (truths[0] !== null) scoredDays.push(date);
      timings.truthMs += performance.now() - t;

      const dayRankMs: Record<string, number> = {};
      const rank = (mi: number, limit: number | undefined): RankedList => {
        const { label, model } = models[mi]!;
        const tr = performance.now();
        const onWarning = options.onWarning;
        const warn = onWarning
          ? (message: string) => {
              warnings.add(message);
              onWarning(mi, message);
            }
          : warnings.add;
        let ranked = model.rank(
          modelContext(view, { seed: experiment.seed, limit, warn, sensors: features }),
        );
        if (options.exclude) ranked = selectList(ranked, { exclude: options.exclude });
        const ms = performance.now() - tr;
        timings.rankMs[label]! += ms;
        dayRankMs[label] = (dayRankMs[label] ?? 0) + ms;
        return ranked;
      };
      // The referenced models first: their natural list sizes give the day's K of every matched budget.
      const rankedFirst = new Map<number, RankedList>();
      const naturalSize = new Map<string, number>();
      for (const mi of referenced) {
        const ranked = rank(mi, undefined);
        rankedFirst.set(mi, ranked);
        naturalSize.set(models[mi]!.label, models[mi]!.model.naturalList(ranked).ids.length);
      }
      // A matched budget whose model is not ranked here (a shard that scores none of its pairs) has no K (-1). The
      // limit may then be smaller than a whole run's: the first `limit` entries are the same (ModelContext.limit).
      const ks = budgets.map((b) =>
        isMatchedBudget(b)
          ? naturalSize.has(b.sizeOf)
            ? Math.round(b.share * naturalSize.get(b.sizeOf)!)
            : -1
          : b === 'natural'
            ? -1
            : b,
      );
      const limit = speedPath ? Math.max(1, fixedMax, ...ks) : undefined;

      for (let mi = 0; mi < models.length; mi++) {
        if (!rankHere[mi]) continue;
        const { label, model } = models[mi]!;
        const ranked = rankedFirst.get(mi) ?? rank(mi, limit);
        rankedFirst.delete(mi);
        t = performance.now();
        budgets.forEach((budget: Budget, bi) => {
          if (!scored[mi]![bi]) return;
          const natural = budget === 'natural';
          // A matched K may be 0 (an empty list); headOf is the top-K cut of selectList without its K >= 1 check.
          const list = natural ? model.naturalList(ranked) : headOf(ranked, ks[bi]!);
          const k = natural ? list.ids.length : ks[bi]!;
          const history = histories[mi]![bi]!.add(list, day, columns);
          const asnGroups = listAsns?.groups(list, view);
          horizons.forEach((h, hi) => {
            const truth = truths[hi];
            if (!truth) return;
            const facts: ListEvaluation = evaluateList(list, truth, natural ? 'natural' : k);
            if (h === 0) Object.assign(facts, history);
            if (h === 0 && asnGroups) facts.asnGroups = asnGroups;
            for (const metric of metrics) {
              if (h > 0 && !metric.horizons) continue;
              rows.push({
                date,
                model: label,
                budget: budgetLabels[bi]!,
                metric: horizonMetricName(metric.name, h),
                value: metric.compute(facts),
              });
            }
            if (h === 0 && isMatchedBudget(budget))
              rows.push({ date, model: label, budget: budgetLabels[bi]!, metric: BUDGET_K_METRIC, value: k });
          });
        });
        timings.scoreMs += performance.now() - t;
      }
      truths.forEach((truth, hi) => {
        if (truth) scratches[hi]!.release(truth);
      });
      options.onDayTimings?.(date, view.size, dayRankMs);
      options.onProgress?.(di + 1, days.length, date);
    }
  } finally {
    await cache.close();
    if (truthCache !== cache) await truthCache.close();
  }
  timings.totalMs = performance.now() - t0;
  return {
    experiment,
    days,
    scoredDays,
    skipped,
    metricColumns,
    rows,
    warnings: warnings.list(),
    timings,
    knownIps: kb.size,
    unrankedModels: models.filter((m) => m.model.unranked).map((m) => m.label),
    ...(sides.sensors ? { sensors: sides.sensors } : {}),
  };
}
