import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const f1 = defineMetric({
  name: 'f1',
  description: '2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall',
  formula: '2·TP / (size + P)  (= 2·TP / (2·TP + FP + FN))',
  higherIsBetter: true,
  compute: (f) => ratio(2 * f.tp, f.size + f.positives),
});
