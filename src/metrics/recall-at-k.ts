import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

/**
 * Recall against what a list of K entries could catch at best. Defined only for a list cut to a budget K: a natural
 * list has no K (its K would be its own size, and when it is shorter than the day's attackers TP / min(size, P) is its
 * precision, not a recall), so there it is undefined (NaN). Plain recall (TP / P) is the natural list's figure.
 */
export const recallAtK = defineMetric({
  name: 'recall_at_k',
  description:
    'TP / min(K, attackers): the share of what a list cut to K entries could catch at best; undefined for a natural list',
  formula: 'TP / min(K, P); undefined for a natural list',
  higherIsBetter: true,
  compute: (f) => {
    // Every fact is read, natural or not: tuning learns which facts a metric reads from one call (objective-facts.ts).
    const value = ratio(f.tp, Math.min(f.k, f.positives));
    return f.natural ? Number.NaN : value;
  },
});
