import type { ListEvaluation } from './list-evaluation.js';
import type { Metric } from './metric.js';

/**
 * Whether a metric is undefined for every natural list (recall_at_k: a natural list has no budget K): computed on a
 * probe whose facts are all 1, once as a natural list and once as a list cut to K, it is NaN only as the natural one.
 */
export function undefinedForNaturalLists(metric: Metric): boolean {
  const probe = (natural: boolean) =>
    new Proxy({} as ListEvaluation, { get: (_target, key) => (key === 'natural' ? natural : 1) });
  return Number.isNaN(metric.compute(probe(true))) && !Number.isNaN(metric.compute(probe(false)));
}
