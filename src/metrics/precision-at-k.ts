import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const precisionAtK = defineMetric({
  name: 'precision_at_k',
  description: 'TP / K: precision charged for the whole budget K, even when the model listed fewer IPs',
  formula: 'TP / K',
  higherIsBetter: true,
  compute: (f) => ratio(f.tp, f.k),
});
