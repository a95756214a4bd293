import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import {
  type Budget,
  daySchema,
  type Experiment,
  type ExperimentModel,
  evaluationShape,
  experimentHeadShape,
  formatSchemaIssues,
  modelEntrySchema,
  readExperimentData,
  resolveExperiment,
} from '../backtest/experiment.js';
import { getMetric } from '../backtest/metrics/index.js';
import { AIP_FEATURES } from '../knowledge/aip-features.js';
import { getDecay } from '../models/decay/registry.js';
import { getModel } from '../models/registry.js';
import { UsageError } from '../util/errors.js';
import { objectiveFacts } from './objective-facts.js';

/** Models the fast tuning path scores exactly as the model does (their scores are prioritizeScores). */
export const TUNABLE_MODELS = ['Prioritize_Consistent', 'Prioritize_New'] as const;

/**
 * One searched dimension: a fixed number, a list of values (grid: each; random: one drawn uniformly), or a range
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

const weightValue = z.number().finite().min(0);
const weightDimension = dimensionSchema(weightValue);

const decayEntrySchema = z.object({ name: z.string() }).catchall(dimensionSchema(z.number().finite()));

const spaceSchema = z
  .object({
    weights: z
      .union([
        z.array(weightDimension).length(8, {
          message: `expected 8 entries (${AIP_FEATURES.join(', ')})`,
        }),
        z.object(Object.fromEntries(AIP_FEATURES.map((f) => [f, weightDimension.optional()]))).strict(),
      ])
      .optional(),
    threshold: dimensionSchema(z.number().finite()).optional(),
    minimum: dimensionSchema(z.number().finite().min(0)).optional(),
    budget: dimensionSchema(z.number().finite().min(1)).optional(),
    decay: z.array(decayEntrySchema).min(1).optional(),
    normalization: z
      .array(z.enum(['min-max', 'max', 'log-min-max', 'none']))
      .min(1)
      .optional(),
  })
  .strict();

const windowSchema = z.object({ from: daySchema, to: daySchema }).strict();

const tuneSchema = z
  .object({
    ...experimentHeadShape,
    model: modelEntrySchema,
    split: z.object({ tune: windowSchema, test: windowSchema }).strict(),
    search: z
      .object({
        method: z.enum(['grid', 'random']),
        samples: z.number().int().min(1).max(1_000_000).optional(),
        space: spaceSchema,
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

/** A searched dimension, validated: a list of values or a range. */
export type ResolvedDimension =
  | { values: number[] }
  | { min: number; max: number; steps?: number; scale: 'linear' | 'log' };

/** The search space, validated: each searched parameter's dimension (weights per feature, in AIP_FEATURES order). */
export interface SearchSpace {
  /** One dimension per feature; absent: the base model's weights. Normalised to sum 1 after drawing. */
  weights?: ResolvedDimension[];
  threshold?: ResolvedDimension;
  minimum?: ResolvedDimension;
  budget?: ResolvedDimension;
  /** Decay functions, each with its searched parameters (names checked against the decay's schema). */
  decay?: { name: string; params: Record<string, ResolvedDimension> }[];
  normalization?: ('min-max' | 'max' | 'log-min-max' | 'none')[];
}

export interface TuneSearch {
  method: 'grid' | 'random';
  /** Configs drawn by a random search (before duplicates are removed). */
  samples?: number;
  space: SearchSpace;
}

/** A tuning experiment with every default filled and every name checked (what manifest.json records). */
export interface TuneExperiment {
  id: string;
  version: number;
  description?: string;
  /** A dataset folder (absolute), or a synthetic dataset made on first use. */
  dataset: Experiment['dataset'];
  /** The tuned model; its params (defaults filled) are the base every config starts from. */
  model: { name: string; params: Record<string, unknown> };
  /** Configs are scored on `tune`; the best one and AIP's defaults are backtested on `test`, strictly later. */
  split: { tune: { from: string; to: string }; test: { from: string; to: string } };
  search: TuneSearch;
  /**
   * The mean of `metric` over the tuning days picks the best config (largest, or smallest for a metric where lower
   * is better), at `budget`: a top-K cut of every config's ranking, or `natural`: each config's own list (its
   * budget, else its threshold and minimum).
   */
  objective: { metric: string; budget: Budget; higherIsBetter: boolean };
  /** Other models of the test-window backtest, with their default params unless given. */
  baselines: ExperimentModel[];
  /** Budgets of the test-window backtest (always including the objective's). */
  budgets: Budget[];
  metrics: string[];
  horizons: number[];
  seed: number;
  bootstrap: { resamples: number; level: number };
  allowlist?: string;
}

/** Labels of the tuned and the default config in the test-window result files. */
export const BEST_LABEL = 'Best';
export const DEFAULT_LABEL = 'Default';

/** Grids larger than this are refused: they are a typo more often than a plan. */
export const MAX_GRID_CONFIGS = 1_000_000;

function resolveDimension(d: SearchDimension): ResolvedDimension {
  if (typeof d === 'number') return { values: [d] };
  if (Array.isArray(d)) return { values: [...d] };
  const out: ResolvedDimension = { min: d.min, max: d.max, scale: d.scale ?? 'linear' };
  if (d.steps !== undefined) out.steps = d.steps;
  return out;
}

/**
 * Validates a tuning experiment and fills its defaults (DESIGN §6: the split is part of the config). Errors name the
 * key, as resolveExperiment's do; `baseDir` resolves a relative dataset or allowlist path (the file's folder).
 */
export function resolveTuneExperiment(
  input: unknown,
  source = 'tune experiment',
  baseDir = '.',
): TuneExperiment {
  const parsed = tuneSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(formatSchemaIssues(source, parsed.error));
  const e = parsed.data;
  const fail = (message: string): never => {
    throw new UsageError(`${source}: ${message}`);
  };
  if (!(TUNABLE_MODELS as readonly string[]).includes(e.model.name)) {
    try {
      getModel(e.model.name);
    } catch (error) {
      fail(`model.name: ${(error as Error).message}`);
    }
    fail(`model.name: '${e.model.name}' cannot be tuned; tunable models: ${TUNABLE_MODELS.join(', ')}`);
  }
  const { tune, test } = e.split;
  if (tune.from > tune.to) fail(`split.tune: from (${tune.from}) is after to (${tune.to})`);
  if (test.from > test.to) fail(`split.test: from (${test.from}) is after to (${test.to})`);
  if (test.from <= tune.to)
    fail(
      `split.test: the test window must start after the tuning window ends (test.from ${test.from} <= tune.to ${tune.to})`,
    );

  let metricHigher = true;
  try {
    const metric = getMetric(e.objective.metric);
    metricHigher = metric.higherIsBetter;
    objectiveFacts(metric);
  } catch (error) {
    fail(`objective.metric: ${(error as Error).message}`);
  }
  const objectiveBudget: Budget = e.objective.budget ?? 'natural';

  const s = e.search;
  if (s.method === 'random' && s.samples === undefined) fail(`search.samples: required by a random search`);
  if (s.method === 'grid' && s.samples !== undefined) fail(`search.samples: only for a random search`);
  const space: SearchSpace = {};
  const sp = s.space;
  if (sp.weights !== undefined)
    space.weights = Array.isArray(sp.weights)
      ? sp.weights.map(resolveDimension)
      : AIP_FEATURES.map((f) =>
          resolveDimension((sp.weights as Record<string, SearchDimension | undefined>)[f] ?? 0),
        );
  if (sp.threshold !== undefined) space.threshold = resolveDimension(sp.threshold);
  if (sp.minimum !== undefined) space.minimum = resolveDimension(sp.minimum);
  if (sp.budget !== undefined) space.budget = resolveDimension(sp.budget);
  if (sp.minimum !== undefined && sp.budget !== undefined)
    fail('search.space: search either minimum (with the threshold rule) or budget (a top-K cut), not both');
  if (objectiveBudget !== 'natural')
    for (const key of ['threshold', 'minimum', 'budget'] as const)
      if (sp[key] !== undefined)
        fail(
          `search.space.${key}: has no effect when objective.budget is ${objectiveBudget} (every list is cut to the top ${objectiveBudget}); set objective.budget to "natural" or drop it`,
        );
  if (sp.decay !== undefined)
    space.decay = sp.decay.map(({ name, ...rest }, i) => {
      try {
        getDecay(name);
      } catch (error) {
        fail(`search.space.decay[${i}].name: ${(error as Error).message}`);
      }
      return {
        name,
        params: Object.fromEntries(
          Object.entries(rest).map(([k, v]) => [k, resolveDimension(v as SearchDimension)]),
        ),
      };
    });
  if (sp.normalization !== undefined) space.normalization = [...new Set(sp.normalization)];
  for (const [key, dim] of [
    ['threshold', space.threshold],
    ['minimum', space.minimum],
    ['budget', space.budget],
    ...(space.weights ?? []).map((d, i) => [`weights[${i}]`, d] as const),
    ...(space.decay ?? []).flatMap((entry, i) =>
      Object.entries(entry.params).map(([k, d]) => [`decay[${i}].${k}`, d] as const),
    ),
  ] as const)
    if (
      dim !== undefined &&
      s.method === 'grid' &&
      'min' in dim &&
      dim.steps === undefined &&
      dim.min !== dim.max
    )
      fail(`search.space.${key}: a range in a grid search needs 'steps'`);

  let baseParams: Record<string, unknown>;
  try {
    baseParams = getModel(e.model.name).parseParams(e.model.params ?? {}) as unknown as Record<
      string,
      unknown
    >;
  } catch (error) {
    fail(`model.params: ${(error as Error).message}`);
  }

  // The test-window backtest is an ordinary experiment: validate its keys with its own resolver.
  const budgets = e.budgets ?? [objectiveBudget];
  if (!budgets.includes(objectiveBudget)) budgets.push(objectiveBudget);
  const backtest = resolveExperiment(
    testWindowInput(e, budgets, [
      { name: e.model.name, label: BEST_LABEL, params: baseParams! },
      { name: e.model.name, label: DEFAULT_LABEL },
      ...(e.baselines ?? [{ name: 'Alpha' }]),
    ]),
    source,
    baseDir,
  );
  const out: TuneExperiment = {
    id: e.id,
    version: e.version,
    dataset: backtest.dataset,
    model: { name: e.model.name, params: structuredClone(baseParams!) },
    split: { tune: { ...tune }, test: { ...test } },
    search: { method: s.method, ...(s.samples !== undefined ? { samples: s.samples } : {}), space },
    objective: { metric: e.objective.metric, budget: objectiveBudget, higherIsBetter: metricHigher },
    baselines: backtest.models.slice(2),
    budgets: backtest.budgets,
    metrics: backtest.metrics,
    horizons: backtest.horizons,
    seed: backtest.seed,
    bootstrap: backtest.bootstrap,
  };
  if (e.description !== undefined) out.description = e.description;
  if (backtest.allowlist !== undefined) out.allowlist = backtest.allowlist;
  return out;
}

function testWindowInput(
  e: z.infer<typeof tuneSchema>,
  budgets: Budget[],
  models: { name: string; label?: string; params?: Record<string, unknown> }[],
): Record<string, unknown> {
  const input: Record<string, unknown> = {
    id: e.id,
    version: e.version,
    dataset: e.dataset,
    from: e.split.test.from,
    to: e.split.test.to,
    models,
    budgets,
  };
  for (const key of ['metrics', 'horizons', 'seed', 'bootstrap', 'allowlist'] as const)
    if (e[key] !== undefined) input[key] = e[key];
  return input;
}

/**
 * The backtest of the test window: the tuned config (`Best`), the model's defaults (`Default`) and the baselines,
 * over split.test, as an ordinary experiment (runBacktest and analyzeRun run it).
 */
export function testWindowExperiment(
  experiment: TuneExperiment,
  bestParams: Record<string, unknown>,
): Experiment {
  const e = experiment;
  const backtest: Experiment = {
    id: e.id,
    version: e.version,
    dataset: e.dataset,
    from: e.split.test.from,
    to: e.split.test.to,
    models: [
      { name: e.model.name, label: BEST_LABEL, params: structuredClone(bestParams) },
      {
        name: e.model.name,
        label: DEFAULT_LABEL,
        params: structuredClone(getModel(e.model.name).defaults) as unknown as Record<string, unknown>,
      },
      ...e.baselines.map((b) => structuredClone(b)),
    ],
    budgets: [...e.budgets],
    metrics: [...e.metrics],
    horizons: [...e.horizons],
    seed: e.seed,
    bootstrap: { ...e.bootstrap },
  };
  if (e.description !== undefined) backtest.description = e.description;
  if (e.allowlist !== undefined) backtest.allowlist = e.allowlist;
  return backtest;
}

/** Reads a tuning experiment file (JSON or YAML); relative paths inside are from its folder. */
export async function readTuneExperiment(path: string): Promise<TuneExperiment> {
  return resolveTuneExperiment(await readExperimentData(path), path, dirname(resolve(path)));
}
