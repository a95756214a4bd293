import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const recallNew = defineMetric({
  name: 'recall_new',
  description:
    "recall among the target day's attackers never seen before D (0 for any list built from history)",
  formula: '(TP − TP_R) / (P − P_R)',
  higherIsBetter: true,
  compute: (f) => ratio(f.tp - f.returningTp, f.positives - f.returningPositives),
});
