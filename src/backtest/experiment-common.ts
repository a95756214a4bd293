/**
 * What a backtest experiment (experiment.ts) and a tuning experiment (tune/tune-experiment.ts) share, defined once:
 * the keys that name an experiment and its data, the keys that say how lists are cut, scored and summarised, the
 * modules that register models, a schema's issues as a UsageError line, and the reading of a JSON or YAML file.
 * experiment.ts re-exports what the public API has of it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { type ZodError, z } from 'zod';
import { loadedModelModule, loadModelModules } from '../models/index.js';
import { isDay } from '../util/dates.js';
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

/**
 * The name of a budget in the result files: `100`, `natural`, `size(Alpha)` (a matched budget of share 1) or
 * `0.25*size(Alpha7)`.
 */
export function budgetLabel(budget: Budget): string {
  if (!isMatchedBudget(budget)) return String(budget);
  const size = `size(${budget.sizeOf})`;
  return budget.share === 1 ? size : `${budget.share}*${size}`;
}

/** A `YYYY-MM-DD` date. */
export const daySchema = z.string().refine(isDay, { message: 'expected a date YYYY-MM-DD' });

const synthSchema = z
  .object({
    days: z.number().int().min(2).max(3660),
    attackersPerDay: z.number().int().min(1).max(10_000_000),
    honeypots: z.number().int().min(2).max(200).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
    startDate: daySchema.optional(),
    meanFlowsPerAttacker: z.number().positive().optional(),
    /** Share of attackers that hit more than their home honeypot (sensor): a dataset with sensors (docs/sensors.md). */
    sensorOverlap: z.number().min(0).max(1).optional(),
  })
  .strict();

export type SynthDatasetSpec = z.infer<typeof synthSchema>;

/** `dataset`: a folder, or `{synth: {...}}`. */
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

/** A module an experiment loaded: the code it ran, recorded in the manifest. */
export interface ExperimentModule {
  /** Absolute path. */
  path: string;
  sha256: string;
  /** The models it registered. */
  models: string[];
}

/**
 * The keys of a resolved experiment that a backtest (Experiment) and a tuning experiment (TuneExperiment) share, every
 * default filled (what manifest.json records). A tuning experiment's budgets, metrics, horizons, seed, bootstrap and
 * allowlist are those of its test-window backtests; its budgets always include the objective's.
 */
export interface ExperimentCommon {
  id: string;
  version: number;
  description?: string;
  /** A dataset folder (resolved to an absolute path), or a synthetic dataset made on first use. */
  dataset: string | { synth: SynthDatasetSpec };
  budgets: Budget[];
  metrics: string[];
  /** Target-day offsets: 0 scores D's list against D's attackers; h > 0 against D+h's. Always includes 0. */
  horizons: number[];
  seed: number;
  bootstrap: { resamples: number; level: number };
  allowlist?: string;
  /** Modules that registered models for it (their code runs: the sha256 of each is recorded). */
  modules?: ExperimentModule[];
}

/**
 * A resolved experiment of either kind, its keys in the order manifest.json has always had: id, version, dataset, the
 * kind's `own` keys, the evaluation keys, then description, allowlist and modules where given. Arrays are copied.
 */
export function withCommonKeys<T extends object>(common: ExperimentCommon, own: T): ExperimentCommon & T {
  const out: ExperimentCommon & T = {
    id: common.id,
    version: common.version,
    dataset: common.dataset,
    ...own,
    budgets: structuredClone(common.budgets),
    metrics: [...common.metrics],
    horizons: [...common.horizons],
    seed: common.seed,
    bootstrap: { ...common.bootstrap },
  };
  if (common.description !== undefined) out.description = common.description;
  if (common.allowlist !== undefined) out.allowlist = common.allowlist;
  if (common.modules !== undefined) out.modules = structuredClone(common.modules);
  return out;
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
  const module = parseOrFail(
    experimentHeadShape.module,
    (data as { module: unknown }).module,
    `${source}: module`,
  );
  await loadModelModules(modulePaths(module), baseDir, `${source}: module`);
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

/** `schema`'s parse of `input`: its data, or a UsageError naming each bad key (formatSchemaIssues). */
export function parseOrFail<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  input: unknown,
  source: string,
): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new UsageError(formatSchemaIssues(source, parsed.error));
  return parsed.data;
}

/** The data of a JSON (`.json`) or YAML (`.yaml`, `.yml`) experiment file, not yet validated. */
export async function readExperimentData(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read experiment ${path}: ${error.code ?? String(error)}`);
  });
  const yaml = /\.ya?ml$/i.test(path);
  try {
    return yaml ? strictYaml(text) : JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${path}: not valid ${yaml ? 'YAML' : 'JSON'}: ${(error as Error).message}`);
  }
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

/**
 * Reads an experiment file of either kind (JSON or YAML): its data, then the modules it names (loaded from its
 * folder), then `resolveData` with the file as the source of errors and its folder as the base of relative paths.
 */
export async function readExperimentFile<T>(
  path: string,
  resolveData: (data: unknown, source: string, baseDir: string) => T,
): Promise<T> {
  const data = await readExperimentData(path);
  const baseDir = dirname(resolve(path));
  await loadExperimentModules(data, path, baseDir);
  return resolveData(data, path, baseDir);
}
