import { z } from 'zod';
import { type Experiment, type ExperimentModel, resolveExperiment } from '../backtest/experiment.js';
import {
  type Budget,
  daySchema,
  type ExperimentCommon,
  evaluationShape,
  experimentHeadShape,
  experimentModules,
  formatSchemaIssues,
  modelEntrySchema,
  parseOrFail,
  readExperimentFile,
  withCommonKeys,
} from '../backtest/experiment-common.js';
import { getMetric, type Metric } from '../metrics/index.js';
import { undefinedForNaturalLists } from '../metrics/natural-lists.js';
import { getDecay } from '../models/decay/registry.js';
import { getModel } from '../models/registry.js';
import type { TunableParam } from '../models/tunable.js';
import { addDays } from '../util/dates.js';
import { UsageError } from '../util/errors.js';
import { objectiveFacts } from './objective-facts.js';

/**
 * One searched number: a fixed number, a list of values (grid: each; random: one drawn uniformly), or a range
 * `{min, max, steps, scale}` (grid: `steps` values from min to max, evenly spaced on `scale`; random: drawn
 * uniformly on `scale`). `log` needs min > 0.
 */
export type SearchDimension =
  | number
  | number[]
  | { min: number; max: number; steps?: number; scale?: 'linear' | 'log' };

const rangeSchema = z
  .object({
    min: z.number().finite(),
    max: z.number().finite(),
    steps: z.number().int().min(1).max(10_000).optional(),
    scale: z.enum(['linear', 'log']).optional(),
  })
  .strict()
  .refine((r) => r.min <= r.max, { message: 'min must be at most max' })
  .refine((r) => r.scale !== 'log' || r.min > 0, { message: "a 'log' range needs min > 0" });

function dimensionSchema(value: z.ZodNumber) {
  return z.union([value, z.array(value).min(1), rangeSchema]);
}

const numberDimension = dimensionSchema(z.number().finite());
const weightDimension = dimensionSchema(z.number().finite().min(0));
const enumValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const decayEntrySchema = z.object({ name: z.string() }).catchall(numberDimension);

const windowSchema = z.object({ from: daySchema, to: daySchema }).strict();
const foldSchema = z.object({ tune: windowSchema, test: windowSchema }).strict();
const rollingSchema = z
  .object({
    from: daySchema,
    tuneDays: z.number().int().min(1).max(3660),
    testDays: z.number().int().min(1).max(3660),
    folds: z.number().int().min(1).max(1000),
    step: z.number().int().min(1).max(3660).optional(),
    window: z.enum(['sliding', 'expanding']).optional(),
  })
  .strict();

const tuneSchema = z
  .object({
    ...experimentHeadShape,
    model: modelEntrySchema,
    split: z.union([
      foldSchema,
      z.object({ folds: z.array(foldSchema).min(1).max(1000) }).strict(),
      z.object({ rolling: rollingSchema }).strict(),
    ]),
    search: z
      .object({
        method: z.enum(['grid', 'random']),
        samples: z.number().int().min(1).max(1_000_000).optional(),
        space: z.record(z.unknown()),
        halving: z
          .object({ eta: z.number().min(2).max(100).optional(), minDays: z.number().int().min(1) })
          .strict()
          .optional(),
      })
      .strict(),
    objective: z
      .object({
        metric: z.string(),
        budget: z.union([z.number().int().min(1), z.literal('natural')]).optional(),
      })
      .strict(),
    baselines: z.array(modelEntrySchema).optional(),
    ...evaluationShape,
  })
  .strict();

export type TuneExperimentInput = z.input<typeof tuneSchema>;

/** A searched number, validated: a list of values or a range. */
export type ResolvedDimension =
  | { values: number[] }
  | { min: number; max: number; steps?: number; scale: 'linear' | 'log' };

/** One searched parameter of the model, validated against its tunable declaration. */
export type SpaceEntry =
  | { kind: 'number'; dimension: ResolvedDimension; integer: boolean }
  | { kind: 'enum'; values: (string | number | boolean | null)[] }
  /** One dimension per name; each drawn vector is normalised to sum 1. */
  | { kind: 'weights'; names: string[]; dimensions: ResolvedDimension[] }
  /** Decay functions, each with its searched parameters (names checked against the decay's schema). */
  | { kind: 'decay'; functions: { name: string; params: Record<string, ResolvedDimension> }[] };

/** The search space: the searched parameters in the model's declaration order (the order configs are drawn in). */
export type SearchSpace = Record<string, SpaceEntry>;

export interface TuneSearch {
  method: 'grid' | 'random';
  /** Configs drawn by a random search (before duplicates are removed). */
  samples?: number;
  space: SearchSpace;
  /**
   * Successive halving: after the first `minDays` tuning days of a fold, only the best 1/eta of the configs go on;
   * after minDays·eta days the best 1/eta of those, and so on to the end of the window.
   */
  halving?: { eta: number; minDays: number };
}

/** One tuning window and the strictly later test window its best config is reported on. */
export interface TuneFold {
  tune: { from: string; to: string };
  test: { from: string; to: string };
}

/**
 * A tuning experiment with every default filled and every name checked (what manifest.json records). Its budgets,
 * metrics, horizons, seed, bootstrap and allowlist are those of the test-window backtests (budgets always including
 * the objective's).
 */
export interface TuneExperiment extends ExperimentCommon {
  /** The tuned model; its params (defaults filled) are the base every config starts from. */
  model: { name: string; params: Record<string, unknown> };
  /** The split as given (one fold, a list of folds, or a rolling origin). */
  split: TuneExperimentInput['split'];
  /**
   * The folds, walking forward: each tuning window picks a best config, which is backtested on that fold's test
   * window (strictly later); the test windows follow each other without overlap, so they can be pooled.
   */
  folds: TuneFold[];
  search: TuneSearch;
  /**
   * The mean of `metric` over a fold's tuning days picks its best config (largest, or smallest for a metric where lower
   * is better), at `budget`: a top-K cut of every config's ranking, or `natural`: each config's own list (its
   * budget, else its list rule).
   */
  objective: { metric: string; budget: ObjectiveBudget; higherIsBetter: boolean };
  /** Other models of the test-window backtests, with their default params unless given. */
  baselines: ExperimentModel[];
}

/** The objective's cut: the top K of every config's ranking, or each config's own (natural) list. */
export type ObjectiveBudget = number | 'natural';

/** Labels of the tuned and the default config in the test-window result files. */
export const BEST_LABEL = 'Best';
export const DEFAULT_LABEL = 'Default';

/** Grids larger than this are refused: they are a typo more often than a plan. */
export const MAX_GRID_CONFIGS = 1_000_000;

/** Steps of a whole-domain (`true`) number range in a grid search. */
export const WHOLE_DOMAIN_GRID_STEPS = 5;

function resolveDimension(d: SearchDimension): ResolvedDimension {
  if (typeof d === 'number') return { values: [d] };
  if (Array.isArray(d)) return { values: [...d] };
  const out: ResolvedDimension = { min: d.min, max: d.max, scale: d.scale ?? 'linear' };
  if (d.steps !== undefined) out.steps = d.steps;
  return out;
}

/** The folds of a split, checked: each test window after its tuning window, test windows walking forward. */
export function resolveFolds(split: TuneExperimentInput['split'], fail: (m: string) => never): TuneFold[] {
  let folds: TuneFold[];
  let where: (i: number) => string;
  if ('rolling' in split) {
    const r = split.rolling;
    const step = r.step ?? r.testDays;
    folds = Array.from({ length: r.folds }, (_, i) => {
      const tuneTo = addDays(r.from, i * step + r.tuneDays - 1);
      const tuneFrom = r.window === 'expanding' ? r.from : addDays(r.from, i * step);
      const testFrom = addDays(tuneTo, 1);
      return {
        tune: { from: tuneFrom, to: tuneTo },
        test: { from: testFrom, to: addDays(testFrom, r.testDays - 1) },
      };
    });
    if (step < r.testDays)
      fail(
        `split.rolling.step: ${step} is shorter than testDays (${r.testDays}): the test windows would overlap`,
      );
    where = (i) => `split.rolling (fold ${i + 1})`;
  } else if ('folds' in split) {
    folds = split.folds.map((f) => ({ tune: { ...f.tune }, test: { ...f.test } }));
    where = (i) => `split.folds[${i}]`;
  } else {
    folds = [{ tune: { ...split.tune }, test: { ...split.test } }];
    where = () => 'split';
  }
  folds.forEach((f, i) => {
    const at = where(i);
    if (f.tune.from > f.tune.to) fail(`${at}.tune: from (${f.tune.from}) is after to (${f.tune.to})`);
    if (f.test.from > f.test.to) fail(`${at}.test: from (${f.test.from}) is after to (${f.test.to})`);
    if (f.test.from <= f.tune.to)
      fail(
        `${at}.test: the test window must start after the tuning window ends (test.from ${f.test.from} <= tune.to ${f.tune.to})`,
      );
    const prev = folds[i - 1];
    if (prev && f.test.from <= prev.test.to)
      fail(
        `${at}.test: folds walk forward and their test windows do not overlap (test.from ${f.test.from} <= the previous fold's test.to ${prev.test.to})`,
      );
    if (prev && f.tune.from < prev.tune.from)
      fail(
        `${at}.tune: folds walk forward (tune.from ${f.tune.from} is before the previous fold's ${prev.tune.from})`,
      );
  });
  return folds;
}

/** A space entry validated against the model's declaration of that param. */
function resolveEntry(
  key: string,
  raw: unknown,
  declared: TunableParam,
  method: 'grid' | 'random',
  fail: (m: string) => never,
): SpaceEntry {
  const at = `search.space.${key}`;
  const parse = <T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, value: unknown): T => {
    const r = schema.safeParse(value);
    if (!r.success) fail(formatSchemaIssues(at, r.error));
    return (r as { data: T }).data;
  };
  const needSteps = (d: ResolvedDimension, where: string) => {
    if (method === 'grid' && 'min' in d && d.steps === undefined && d.min !== d.max)
      fail(`search.space.${where}: a range in a grid search needs 'steps'`);
  };
  switch (declared.kind) {
    case 'number': {
      let dimension: ResolvedDimension;
      if (raw === true) {
        if (declared.values) dimension = { values: [...declared.values] };
        else {
          dimension = { min: declared.min, max: declared.max, scale: declared.scale ?? 'linear' };
          if (method === 'grid') dimension.steps = WHOLE_DOMAIN_GRID_STEPS;
        }
      } else dimension = resolveDimension(parse(numberDimension, raw));
      needSteps(dimension, key);
      return { kind: 'number', dimension, integer: declared.integer ?? false };
    }
    case 'enum': {
      if (raw === true) return { kind: 'enum', values: [...declared.values] };
      const values = parse(z.array(enumValue).min(1), raw);
      for (const v of values)
        if (!declared.values.includes(v))
          fail(
            `${at}: ${JSON.stringify(v)} is not one of ${declared.values.map((x) => JSON.stringify(x)).join(', ')}`,
          );
      return { kind: 'enum', values: [...new Set(values)] };
    }
    case 'weights': {
      const names = [...declared.names];
      let dims: SearchDimension[];
      if (raw === true)
        dims = names.map(() => ({ min: 0, max: 1, ...(method === 'grid' ? { steps: 3 } : {}) }));
      else if (Array.isArray(raw))
        dims = parse(
          z
            .array(weightDimension)
            .length(names.length, { message: `expected ${names.length} entries (${names.join(', ')})` }),
          raw,
        );
      else {
        const byName = parse(
          z.object(Object.fromEntries(names.map((f) => [f, weightDimension.optional()]))).strict(),
          raw,
        ) as Record<string, SearchDimension | undefined>;
        dims = names.map((f) => byName[f] ?? 0);
      }
      const dimensions = dims.map(resolveDimension);
      dimensions.forEach((d, i) => {
        needSteps(d, `${key}[${i}]`);
      });
      return { kind: 'weights', names, dimensions };
    }
    case 'decay': {
      if (raw === true)
        fail(
          `${at}: name the decay functions to search, e.g. [{"name": "exponential", "halfLife": {"min": 0.5, "max": 30}}]`,
        );
      const entries = parse(z.array(decayEntrySchema).min(1), raw);
      const functions = entries.map(({ name, ...rest }, i) => {
        try {
          getDecay(name);
        } catch (error) {
          fail(`${at}[${i}].name: ${(error as Error).message}`);
        }
        const params = Object.fromEntries(
          Object.entries(rest).map(([k, v]) => [k, resolveDimension(v as SearchDimension)]),
        );
        for (const [k, d] of Object.entries(params)) needSteps(d, `${key}[${i}].${k}`);
        return { name, params };
      });
      return { kind: 'decay', functions };
    }
  }
}

/**
 * Validates a tuning experiment and fills its defaults (DESIGN §6: the split is part of the config). The model may be
 * any registered model (a module's too, once loaded); the search space names its tunable params, each validated
 * against the model's declaration. Errors name the key, as resolveExperiment's do; `baseDir` resolves a relative
 * dataset or allowlist path (the file's folder).
 */
export function resolveTuneExperiment(
  input: unknown,
  source = 'tune experiment',
  baseDir = '.',
): TuneExperiment {
  const e = parseOrFail(tuneSchema, input, source);
  const fail = (message: string): never => {
    throw new UsageError(`${source}: ${message}`);
  };
  // First: a model of a module not loaded would otherwise be reported as an unknown name.
  experimentModules(e.module, source, baseDir);
  let factory: ReturnType<typeof getModel>;
  try {
    factory = getModel(e.model.name);
  } catch (error) {
    return fail(`model.name: ${(error as Error).message}`);
  }
  const folds = resolveFolds(e.split, fail);

  let metric: Metric;
  try {
    metric = getMetric(e.objective.metric);
    objectiveFacts(metric);
  } catch (error) {
    return fail(`objective.metric: ${(error as Error).message}`);
  }
  const metricHigher = metric.higherIsBetter;
  const objectiveBudget: ObjectiveBudget = e.objective.budget ?? 'natural';
  if (objectiveBudget === 'natural' && undefinedForNaturalLists(metric))
    fail(
      `objective.metric: '${e.objective.metric}' is undefined for a natural list (it has no budget K); set objective.budget to a number of entries, or tune on recall`,
    );

  const s = e.search;
  if (s.method === 'random' && s.samples === undefined) fail(`search.samples: required by a random search`);
  if (s.method === 'grid' && s.samples !== undefined) fail(`search.samples: only for a random search`);
  const tunable = factory.tunable;
  for (const key of Object.keys(s.space))
    if (!(key in tunable)) {
      const why =
        key in factory.defaults
          ? `'${key}' is a parameter of ${factory.name} but not tunable (seeds, dates and engine choices are fixed)`
          : `${factory.name} has no parameter '${key}'`;
      fail(`search.space.${key}: ${why}; tunable: ${Object.keys(tunable).join(', ')}`);
    }
  const space: SearchSpace = {};
  // Declaration order, not the file's: it fixes the order configs are drawn in.
  for (const [key, declared] of Object.entries(tunable))
    if (key in s.space) space[key] = resolveEntry(key, s.space[key], declared, s.method, fail);
  const ruleKeys = Object.keys(space).filter((k) => {
    const d = tunable[k]!;
    return (d.kind === 'number' || d.kind === 'enum') && d.listRule === true;
  });
  if (space.budget !== undefined) {
    const other = ruleKeys.find((k) => k !== 'budget');
    if (other !== undefined)
      fail(`search.space: search either ${other} (the list rule) or budget (a top-K cut), not both`);
  }
  if (objectiveBudget !== 'natural')
    for (const key of ruleKeys)
      fail(
        `search.space.${key}: has no effect when objective.budget is ${objectiveBudget} (every list is cut to the top ${objectiveBudget}); set objective.budget to "natural" or drop it`,
      );
  let halving: TuneSearch['halving'];
  if (s.halving !== undefined) halving = { eta: s.halving.eta ?? 3, minDays: s.halving.minDays };

  let baseParams: Record<string, unknown>;
  try {
    baseParams = factory.parseParams(e.model.params ?? {}) as unknown as Record<string, unknown>;
  } catch (error) {
    return fail(`model.params: ${(error as Error).message}`);
  }

  // The test-window backtests are ordinary experiments: validate their keys with their own resolver.
  const budgets = e.budgets ?? [objectiveBudget];
  if (!budgets.includes(objectiveBudget)) budgets.push(objectiveBudget);
  const backtest = resolveExperiment(
    testWindowInput(e, folds[0]!, budgets, [
      { name: e.model.name, label: BEST_LABEL, params: baseParams },
      { name: e.model.name, label: DEFAULT_LABEL },
      ...(e.baselines ?? [{ name: 'Alpha' }]),
    ]),
    source,
    baseDir,
  );
  return withCommonKeys(backtest, {
    model: { name: e.model.name, params: structuredClone(baseParams) },
    split: structuredClone(e.split),
    folds,
    search: {
      method: s.method,
      ...(s.samples !== undefined ? { samples: s.samples } : {}),
      space,
      ...(halving ? { halving } : {}),
    },
    objective: { metric: e.objective.metric, budget: objectiveBudget, higherIsBetter: metricHigher },
    baselines: backtest.models.slice(2),
  });
}

function testWindowInput(
  e: z.infer<typeof tuneSchema>,
  fold: TuneFold,
  budgets: Budget[],
  models: { name: string; label?: string; params?: Record<string, unknown> }[],
): Record<string, unknown> {
  const input: Record<string, unknown> = {
    id: e.id,
    version: e.version,
    dataset: e.dataset,
    from: fold.test.from,
    to: fold.test.to,
    models,
    budgets,
  };
  for (const key of [
    'description',
    'metrics',
    'horizons',
    'seed',
    'bootstrap',
    'allowlist',
    'module',
  ] as const)
    if (e[key] !== undefined) input[key] = e[key];
  return input;
}

/**
 * The backtest of a fold's test window: the tuned config (`Best`), the model's defaults (`Default`) and the baselines,
 * as an ordinary experiment (runBacktest and analyzeRun run it). Without `fold`: the first fold's.
 */
export function testWindowExperiment(
  experiment: TuneExperiment,
  bestParams: Record<string, unknown>,
  fold: TuneFold = experiment.folds[0]!,
): Experiment {
  const e = experiment;
  return withCommonKeys(e, {
    from: fold.test.from,
    to: fold.test.to,
    models: [
      { name: e.model.name, label: BEST_LABEL, params: structuredClone(bestParams) },
      {
        name: e.model.name,
        label: DEFAULT_LABEL,
        params: structuredClone(getModel(e.model.name).defaults) as unknown as Record<string, unknown>,
      },
      ...e.baselines.map((b) => structuredClone(b)),
    ],
  });
}

/** Reads a tuning experiment file (JSON or YAML); relative paths inside are from its folder. */
export async function readTuneExperiment(path: string): Promise<TuneExperiment> {
  return readExperimentFile(path, resolveTuneExperiment);
}
