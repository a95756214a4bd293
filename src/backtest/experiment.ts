import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { getMetric, metricNames } from '../metrics/index.js';
import { getModel } from '../models/index.js';
import { unknownNameMessage } from '../util/did-you-mean.js';
import { UsageError } from '../util/errors.js';
import {
  type Budget,
  budgetLabel,
  daySchema,
  type ExperimentCommon,
  evaluationShape,
  experimentHeadShape,
  experimentModules,
  isMatchedBudget,
  modelEntrySchema,
  parseOrFail,
  readExperimentFile,
  withCommonKeys,
} from './experiment-common.js';

// The shared keys are defined once, in experiment-common.ts; these are the public API's part of them.
export {
  type Budget,
  bootstrapSchema,
  budgetLabel,
  type CutBudget,
  datasetSchema,
  daySchema,
  type ExperimentCommon,
  type ExperimentModule,
  evaluationShape,
  experimentHeadShape,
  experimentIdSchema,
  experimentModules,
  formatSchemaIssues,
  isMatchedBudget,
  loadExperimentModules,
  type MatchedBudget,
  modelEntrySchema,
  readExperimentData,
  type SynthDatasetSpec,
} from './experiment-common.js';

export const DEFAULT_BUDGETS: readonly Budget[] = [100, 1000, 5000, 10000, 'natural'];

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
    from: daySchema,
    to: daySchema,
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
export interface Experiment extends ExperimentCommon {
  from: string;
  to: string;
  models: ExperimentModel[];
  /** The sensors whose day tables build the lists, ascending (docs/sensors.md). @default the dataset's own tables */
  sensors?: string[];
  /**
   * What the lists are scored against: `sensors`, those sensors' attackers (ascending; default the dataset's own
   * tables); `leaveOneSensorOut`, each sensor in turn (those of `sensors`, every other one building the lists),
   * `sensors` then naming the sensors held out.
   */
  truth?: { sensors?: string[]; leaveOneSensorOut?: true };
}

/**
 * Validates an experiment and fills its defaults: params by each model's schema, metric names by the registry.
 * `baseDir` resolves a relative dataset or allowlist path (the experiment file's folder).
 */
export function resolveExperiment(input: unknown, source = 'experiment', baseDir = '.'): Experiment {
  const e = parseOrFail(experimentSchema, input, source);
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
  const common: ExperimentCommon = {
    id: e.id,
    version: e.version,
    description: e.description,
    dataset: typeof e.dataset === 'string' ? abs(e.dataset) : e.dataset,
    budgets,
    metrics,
    horizons,
    seed: e.seed ?? 0,
    bootstrap: { resamples: e.bootstrap?.resamples ?? 2000, level: e.bootstrap?.level ?? 0.95 },
    allowlist: e.allowlist === undefined ? undefined : abs(e.allowlist),
    modules: modules.length > 0 ? modules : undefined,
  };
  const out: Experiment = withCommonKeys(common, { from: e.from, to: e.to, models });
  if (e.sensors !== undefined) out.sensors = [...e.sensors].sort();
  const truth: NonNullable<Experiment['truth']> = {};
  if (e.truth?.sensors !== undefined) truth.sensors = [...e.truth.sensors].sort();
  if (e.truth?.leaveOneSensorOut) truth.leaveOneSensorOut = true;
  if (Object.keys(truth).length > 0) out.truth = truth;
  return out;
}

/** Reads an experiment file: JSON (`.json`) or YAML (`.yaml`, `.yml`); relative paths inside are from its folder. */
export async function readExperiment(path: string): Promise<Experiment> {
  return readExperimentFile(path, resolveExperiment);
}
