import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const precision = defineMetric({
  name: 'precision',
  description: 'TP / size (NaN for an empty list)',
  formula: 'TP / size',
  higherIsBetter: true,
  compute: (f) => ratio(f.tp, f.size),
});
