import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const recallAtK = defineMetric({
  name: 'recall_at_k',
  description: 'TP / min(K, attackers): the share of what a list of K entries could catch at best',
  higherIsBetter: true,
  compute: (f) => ratio(f.tp, Math.min(f.k, f.positives)),
});
