import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const recallReturning = defineMetric({
  name: 'recall_returning',
  description: "recall among the target day's attackers seen before D",
  formula: 'TP_R / P_R',
  higherIsBetter: true,
  compute: (f) => ratio(f.returningTp, f.returningPositives),
});
