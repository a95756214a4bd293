import { defineMetric } from './metric.js';

export const adds = defineMetric({
  name: 'adds',
  description: "churn: entries not in the same model's list of the day before",
  formula: 'size − S',
  higherIsBetter: false,
  horizons: false,
  compute: (f) => f.size - f.sharedWithPrevious,
});
