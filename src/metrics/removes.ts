import { defineMetric } from './metric.js';

export const removes = defineMetric({
  name: 'removes',
  description: "churn: entries of the same model's list of the day before that were dropped",
  formula: 'size_prev − S',
  higherIsBetter: false,
  horizons: false,
  compute: (f) => f.previousSize - f.sharedWithPrevious,
});
