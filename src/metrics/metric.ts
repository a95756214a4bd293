import { Registry } from '../util/registry.js';
import type { ListEvaluation } from './list-evaluation.js';

/** One metric of the backtest (DESIGN §5): a formula over a list's facts. One file each, in a registry. */
export interface Metric {
  /** Registry name, the `metric` column of per_day.csv (snake_case). */
  readonly name: string;
  /** One line: what it measures. */
  readonly description: string;
  /**
   * The formula over the list's evaluation (ListEvaluation), in plain text: `TP / (TP + FP)`. docs/metrics.md is
   * generated from it and the description.
   */
  readonly formula?: string;
  /** Whether a larger value is better (a paired comparison reads "beats" accordingly). */
  readonly higherIsBetter: boolean;
  /**
   * Whether it is computed for the later horizons D+1 .. D+h too. Churn and latency describe the list itself, not
   * the attackers it meets, so they are not. @default true
   */
  readonly horizons: boolean;
  /**
   * Whether models are compared on it. Not for figures every model shares (the oracle ceiling, the number of
   * attackers) nor for counts whose size only reflects the budget. @default true
   */
  readonly compare: boolean;
  /** Set for metrics kept for parity with AIP's evaluation that readers should not take as headline figures. */
  readonly caveat?: string;
  /**
   * A cross-sensor metric (fp_elsewhere, recall_unseen): in the default metrics only of experiments that name sensors
   * (`sensors` or `truth`); elsewhere its value is fixed (the lists' sensors are the truth's), so it is computed only
   * when named in `metrics`. @default false
   */
  readonly crossSensor: boolean;
  /**
   * Data it reads beyond the lists and the days' tables: `asn`, the AS of each listed IP (ListEvaluation.asnGroups, from
   * the enrichment data, docs/enrichment.md). The backtest loads it only when such a metric is computed, and such a
   * metric is in no experiment's default metrics: it is computed only when named in `metrics`.
   */
  readonly needs?: readonly MetricData[];
  compute(facts: ListEvaluation): number;
}

/** Data a metric may need loaded (Metric.needs). */
export type MetricData = 'asn';

export interface MetricSpec {
  name: string;
  description: string;
  formula?: string;
  higherIsBetter: boolean;
  horizons?: boolean;
  compare?: boolean;
  caveat?: string;
  crossSensor?: boolean;
  needs?: readonly MetricData[];
  compute(facts: ListEvaluation): number;
}

/** A metric name is a value of the `metric` column of per_day.csv: snake_case. */
const metrics = new Registry<Metric>('metric', {
  pattern: /^[a-z][a-z0-9_]*$/,
  patternText: 'snake_case (a-z, 0-9, _)',
});

export function defineMetric(spec: MetricSpec): Metric {
  metrics.checkName(spec.name);
  return Object.freeze({ horizons: true, compare: true, crossSensor: false, ...spec });
}

/**
 * `registerMetric(metric, {override})` refuses a taken name unless told to override; `metricNames()` lists them in
 * registration order (the order of the result files); `getMetric(name)`'s error suggests a known name.
 */
export const { add: registerMetric, names: metricNames, get: getMetric } = metrics;
