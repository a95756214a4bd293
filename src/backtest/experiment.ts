import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { type ZodError, z } from 'zod';
import { getMetric, metricNames } from '../metrics/index.js';
import { getModel, loadedModelModule, loadModelModules } from '../models/index.js';
import { isDay } from '../util/dates.js';
import { unknownNameMessage } from '../util/did-you-mean.js';
import { UsageError } from '../util/errors.js';

/**
 * A budget matched to another model's list (issue 10): each day, K = Math.round(share × the size of the natural list
 * of the model labelled `sizeOf` that day, after the allowlist). K = 0 gives an empty list.
 */
export interface MatchedBudget {
  /** The label of a model of the same experiment. */
  sizeOf: string;
  /** A multiple of that size, > 0. @default 1 */
  share: number;
}

/** A budget that needs no other model: keep the top K, or `natural`: the model's own list rule. */
export type CutBudget = number | 'natural';

/**
 * A budget: keep the top K, `natural`: the model's own list rule (AIP's threshold and minimum), or a matched budget:
 * the top K where K is a share of another model's natural list size that day.
 */
export type Budget = CutBudget | MatchedBudget;

/** Whether a budget is matched to another model's list. */
export function isMatchedBudget(budget: Budget): budget is MatchedBudget {
  return typeof budget === 'object' && budget !== null;
}

export const DEFAULT_BUDGETS: readonly Budget[] = [100, 1000, 5000, 10000, 'natural'];

/** A `YYYY-MM-DD` date (shared with the tuning experiment's schema). */
export const daySchema = z.string().refine(isDay, { message: 'expected a date YYYY-MM-DD' });
const day = daySchema;

const synthSchema = z
  .object({
    days: z.number().int().min(2).max(3660),
    attackersPerDay: z.number().int().min(1).max(10_000_000),
    honeypots: z.number().int().min(2).max(200).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    startDate: day.optional(),
    meanFlowsPerAttacker: z.number().positive().optional(),
    /** Share of attackers that hit more than their home honeypot (sensor): a dataset with sensors (docs/sensors.md). */
    sensorOverlap: z.number().min(0).max(1).optional(),
  })
  .strict();

export type SynthDatasetSpec = z.infer<typeof synthSchema>;

/** `dataset`: a folder, or `{synth: {...}}` (shared with the tuning experiment's schema). */
export const datasetSchema = z.union([z.string().min(1), z.object({ synth: synthSchema }).strict()]);

/** `id`: names the results folder. */
export const experimentIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only (it names a folder)');

/** One entry of `models`: a registered model, its params and its label in the result files. */
export const modelEntrySchema = z
  .object({
    name: z.string(),
    label: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._+=-]*$/, 'letters, digits and . _ + = - only')
      .optional(),
    params: z.record(z.unknown()).optional(),
  })
  .strict();

/** `bootstrap`: resamples and level of the confidence intervals. */
export const bootstrapSchema = z
  .object({
    resamples: z.number().int().min(100).max(100_000).optional(),
    level: z.number().gt(0).lt(1).optional(),
  })
  .strict();

/** The keys that name an experiment and its data, shared by a backtest and a tuning experiment. */
export const experimentHeadShape = {
  id: experimentIdSchema,
  version: z.number().int().min(1),
  description: z.string().optional(),
  dataset: datasetSchema,
  /** Modules (paths from the experiment file's folder) that register models: loaded before the models are named. */
  module: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
};

/** A module an experiment loaded: the code it ran, recorded in the manifest. */
export interface ExperimentModule {
  /** Absolute path. */
  path: string;
  sha256: string;
  /** The models it registered. */
  models: string[];
}

function modulePaths(module: string | string[] | undefined): string[] {
  return module === undefined ? [] : typeof module === 'string' ? [module] : module;
}

/**
 * Loads the modules an experiment's data names (`module`: a path or a list, from `baseDir`), so that its models can be
 * resolved: what readExperiment and readTuneExperiment do before validating. Each module is loaded once per process.
 */
export async function loadExperimentModules(data: unknown, source: string, baseDir: string): Promise<void> {
  if (typeof data !== 'object' || data === null || !('module' in data)) return;
  const module = (data as { module: unknown }).module;
  const parsed = experimentHeadShape.module.safeParse(module);
  if (!parsed.success) throw new UsageError(formatSchemaIssues(`${source}: module`, parsed.error));
  await loadModelModules(modulePaths(parsed.data), baseDir, `${source}: module`);
}

/** The loaded modules of an experiment's `module` key; a module not loaded yet is a UsageError that says how. */
export function experimentModules(
  module: string | string[] | undefined,
  source: string,
  baseDir: string,
): ExperimentModule[] {
  return modulePaths(module).map((p, i, all) => {
    const path = isAbsolute(p) ? p : resolve(baseDir, p);
    const loaded = loadedModelModule(path);
    if (loaded === undefined)
      throw new UsageError(
        `${source}: module${all.length > 1 ? `[${i}]` : ''}: ${path} is not loaded (readExperiment and readTuneExperiment load it; from the API, await loadModelModules first)`,
      );
    return { path, sha256: loaded.sha256, models: [...loaded.models] };
  });
}

/** The keys a backtest and a tuning experiment share: how lists are cut, scored and summarised. */
export const evaluationShape = {
  budgets: z
    .array(
      z.union([
        z.number().int().min(1),
        z.literal('natural'),
        z
          .object({
            sizeOf: z.string().min(1),
            share: z.number().positive().finite().default(1),
          })
          .strict(),
      ]),
    )
    .min(1)
    .optional(),
  metrics: z.array(z.string()).min(1).optional(),
  horizons: z.array(z.number().int().min(0).max(365)).min(1).optional(),
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  bootstrap: bootstrapSchema.optional(),
  allowlist: z.string().optional(),
};

/** A list of sensor names (the dataset's `sensors`): at least one, none twice. */
const sensorListSchema = z
  .array(z.string().min(1, 'a sensor name'))
  .min(1)
  .superRefine((names, ctx) => {
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i)
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i], message: `'${name}' is listed twice` });
    });
  });

/** `truth`: the sensors lists are scored against, or each sensor in turn (leave-one-sensor-out). */
const truthSchema = z
  .object({ sensors: sensorListSchema.optional(), leaveOneSensorOut: z.boolean().optional() })
  .strict();

const experimentSchema = z
  .object({
    ...experimentHeadShape,
    from: day,
    to: day,
    models: z.array(modelEntrySchema).min(1),
    ...evaluationShape,
    sensors: sensorListSchema.optional(),
    truth: truthSchema.optional(),
  })
  .strict();

export type ExperimentInput = z.input<typeof experimentSchema>;

export interface ExperimentModel {
  name: string;
  /** Its name in the result files: `label` if given, else the model's name. */
  label: string;
  /** Validated, every default filled. */
  params: Record<string, unknown>;
}

/** An experiment with every default filled and every name checked (what manifest.json records). */
export interface Experiment {
  id: string;
  version: number;
  description?: string;
  /** A dataset folder (resolved to an absolute path), or a synthetic dataset made on first use. */
  dataset: string | { synth: SynthDatasetSpec };
  from: string;
  to: string;
  models: ExperimentModel[];
  budgets: Budget[];
  metrics: string[];
  /** Target-day offsets: 0 scores D's list against D's attackers; h > 0 against D+h's. Always includes 0. */
  horizons: number[];
  seed: number;
  bootstrap: { resamples: number; level: number };
  allowlist?: string;
  /** Modules that registered models for it (their code runs: the sha256 of each is recorded). */
  modules?: ExperimentModule[];
  /** The sensors whose day tables build the lists, ascending (docs/sensors.md). @default the dataset's own tables */
  sensors?: string[];
  /**
   * What the lists are scored against: `sensors`, those sensors' attackers (ascending; default the dataset's own
   * tables); `leaveOneSensorOut`, each sensor in turn (those of `sensors`, every other one building the lists),
   * `sensors` then naming the sensors held out.
   */
  truth?: { sensors?: string[]; leaveOneSensorOut?: true };
}

/** A schema's issues as one line that names each bad key: `exp.json: models[0].name: Required; from: …`. */
export function formatSchemaIssues(source: string, error: ZodError): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    const where = path === '' ? '' : `${path.replace(/^\./, '')}: `;
    if (issue.code === 'unrecognized_keys')
      return `${where}unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    if (issue.code === 'invalid_union') {
      const inner = issue.unionErrors.flatMap((e) => e.issues.map((i) => i.message));
      return `${where}${[...new Set(inner)].join(' or ')}`;
    }
    return `${where}${issue.message}`;
  });
  return `${source}: ${lines.join('; ')}`;
}

/**
 * Validates an experiment and fills its defaults: params by each model's schema, metric names by the registry.
 * `baseDir` resolves a relative dataset or allowlist path (the experiment file's folder).
 */
export function resolveExperiment(input: unknown, source = 'experiment', baseDir = '.'): Experiment {
  const parsed = experimentSchema.safeParse(input);
  if (!parsed.success) throw new UsageError(formatSchemaIssues(source, parsed.error));
  const e = parsed.data;
  if (e.from > e.to) throw new UsageError(`${source}: from (${e.from}) is after to (${e.to})`);
  const modules = experimentModules(e.module, source, baseDir);
  const labels = new Set<string>();
  const models = e.models.map((m, i) => {
    let factory: ReturnType<typeof getModel>;
    try {
      factory = getModel(m.name);
    } catch (error) {
      throw new UsageError(`${source}: models[${i}].name: ${(error as Error).message}`);
    }
    let params: Record<string, unknown>;
    try {
      params = factory.parseParams(m.params ?? {}) as unknown as Record<string, unknown>;
    } catch (error) {
      throw new UsageError(`${source}: models[${i}].params: ${(error as Error).message}`);
    }
    const label = m.label ?? m.name;
    if (labels.has(label))
      throw new UsageError(
        `${source}: models[${i}]: the label '${label}' is taken; give each model a distinct "label"`,
      );
    labels.add(label);
    return { name: m.name, label, params: structuredClone(params) };
  });
  const budgets: Budget[] = (e.budgets ?? [...DEFAULT_BUDGETS]).map((b) =>
    typeof b === 'object' ? { sizeOf: b.sizeOf, share: b.share } : b,
  );
  const budgetLabels = budgets.map(budgetLabel);
  budgetLabels.forEach((label, i) => {
    if (budgetLabels.indexOf(label) !== i)
      throw new UsageError(`${source}: budgets[${i}]: ${label} is listed twice`);
  });
  budgets.forEach((b, i) => {
    if (isMatchedBudget(b) && !labels.has(b.sizeOf))
      throw new UsageError(
        `${source}: budgets[${i}].sizeOf: ${unknownNameMessage('model label', b.sizeOf, [...labels])}`,
      );
  });
  // Cross-sensor metrics are fixed where no sensor is named: in the defaults only of experiments that name some.
  const namesSensors =
    e.sensors !== undefined || e.truth?.sensors !== undefined || e.truth?.leaveOneSensorOut === true;
  // Metrics that need data loaded (Metric.needs: the ASN metrics) are computed only when named.
  const metrics =
    e.metrics ??
    metricNames().filter((name) => (namesSensors || !getMetric(name).crossSensor) && !getMetric(name).needs);
  metrics.forEach((name, i) => {
    try {
      getMetric(name);
    } catch (error) {
      throw new UsageError(`${source}: metrics[${i}]: ${(error as Error).message}`);
    }
  });
  const horizons = [...new Set([0, ...(e.horizons ?? [0])])].sort((a, b) => a - b);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const out: Experiment = {
    id: e.id,
    version: e.version,
    dataset: typeof e.dataset === 'string' ? abs(e.dataset) : e.dataset,
    from: e.from,
    to: e.to,
    models,
    budgets,
    metrics,
    horizons,
    seed: e.seed ?? 0,
    bootstrap: { resamples: e.bootstrap?.resamples ?? 2000, level: e.bootstrap?.level ?? 0.95 },
  };
  if (e.description !== undefined) out.description = e.description;
  if (e.allowlist !== undefined) out.allowlist = abs(e.allowlist);
  if (modules.length > 0) out.modules = modules;
  if (e.sensors !== undefined) out.sensors = [...e.sensors].sort();
  const truth: NonNullable<Experiment['truth']> = {};
  if (e.truth?.sensors !== undefined) truth.sensors = [...e.truth.sensors].sort();
  if (e.truth?.leaveOneSensorOut) truth.leaveOneSensorOut = true;
  if (Object.keys(truth).length > 0) out.truth = truth;
  return out;
}

/** The data of a JSON (`.json`) or YAML (`.yaml`, `.yml`) experiment file, not yet validated. */
export async function readExperimentData(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read experiment ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  let data: unknown;
  try {
    data = /\.ya?ml$/i.test(path) ? strictYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message}`,
    );
  }
  return data;
}

/**
 * YAML text as data, with the parser's warnings (an unknown directive or tag, which YAML reads past) as errors: an
 * experiment file that YAML only half understands is a mistake, not something to print and go on with.
 */
function strictYaml(text: string): unknown {
  const doc = parseDocument(text, { logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) throw new Error(problem.message.split('\n')[0]);
  return doc.toJS();
}

/** Reads an experiment file: JSON (`.json`) or YAML (`.yaml`, `.yml`); relative paths inside are from its folder. */
export async function readExperiment(path: string): Promise<Experiment> {
  const data = await readExperimentData(path);
  const baseDir = dirname(resolve(path));
  await loadExperimentModules(data, path, baseDir);
  return resolveExperiment(data, path, baseDir);
}

/**
 * The name of a budget in the result files: `100`, `natural`, `size(Alpha)` (a matched budget of share 1) or
 * `0.25*size(Alpha7)`.
 */
export function budgetLabel(budget: Budget): string {
  if (!isMatchedBudget(budget)) return String(budget);
  const size = `size(${budget.sizeOf})`;
  return budget.share === 1 ? size : `${budget.share}*${size}`;
}
