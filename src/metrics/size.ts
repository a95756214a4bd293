import { defineMetric } from './metric.js';

export const size = defineMetric({
  name: 'size',
  description: 'entries in the list',
  formula: 'size = |L|',
  higherIsBetter: false,
  horizons: false,
  compare: false,
  compute: (f) => f.size,
});
