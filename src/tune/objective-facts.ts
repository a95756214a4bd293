import type { Metric } from '../metrics/index.js';
import type { ListEvaluation } from '../metrics/list-evaluation.js';
import { UsageError } from '../util/errors.js';

/** Facts that describe the list's history (the previous day's list, first listings): one tracker per config. */
const HISTORY_FACTS: readonly (keyof ListEvaluation)[] = [
  'previousSize',
  'sharedWithPrevious',
  'firstListings',
  'latencyDays',
];

/**
 * Facts whose value depends on the order of the list, not only on its set of IPs: the DCG, recall AUC's cumulative
 * hits, and the covered duration
 * (a sum of fractional seconds, which rounds differently in another order; flows, packets and bytes are whole
 * numbers, summed exactly in any order).
 */
const ORDER_FACTS: readonly (keyof ListEvaluation)[] = ['dcg', 'coveredDuration', 'cumulativeTp'];

export interface ObjectiveFacts {
  /** The facts the metric reads. */
  reads: (keyof ListEvaluation)[];
  /** Whether it needs the list in ranked order (else the set of listed IPs is enough). */
  needsOrder: boolean;
}

/**
 * Which facts a metric reads, found by computing it once on a probe that records every read (metrics are formulas
 * over their facts). Tuning scores thousands of configs a day without a list history per config, so a metric that
 * reads the previous day's list (churn, latency) is refused, and so is one that needs data tuning does not load
 * (Metric.needs: the ASN of each IP).
 */
export function objectiveFacts(metric: Metric): ObjectiveFacts {
  if (metric.needs !== undefined && metric.needs.length > 0)
    throw new UsageError(
      `metric '${metric.name}' needs data beyond the day tables (${metric.needs.join(', ')}), which tuning does not load; a tuning objective must be a metric of the list and the day's attackers`,
    );
  const reads = new Set<keyof ListEvaluation>();
  const probe = new Proxy({} as ListEvaluation, {
    get(_target, key) {
      reads.add(key as keyof ListEvaluation);
      return 1;
    },
  });
  metric.compute(probe);
  const history = HISTORY_FACTS.filter((f) => reads.has(f));
  if (history.length > 0)
    throw new UsageError(
      `metric '${metric.name}' reads the previous day's list (${history.join(', ')}); a tuning objective must be a metric of one day's list`,
    );
  return { reads: [...reads], needsOrder: ORDER_FACTS.some((f) => reads.has(f)) };
}
