import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const recall = defineMetric({
  name: 'recall',
  description: 'TP / attackers of the target day (TPR; NaN on a day without attackers)',
  formula: 'TP / P',
  higherIsBetter: true,
  compute: (f) => ratio(f.tp, f.positives),
});
