import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const oracleCeiling = defineMetric({
  name: 'oracle_ceiling',
  description:
    "share of the target day's attackers seen on any day before D: the best recall any list built from history can reach",
  formula: 'P_R / P',
  higherIsBetter: true,
  compare: false,
  compute: (f) => ratio(f.returningPositives, f.positives),
});
