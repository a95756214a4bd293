import { defineMetric } from './metric.js';

export const attackers = defineMetric({
  name: 'attackers',
  description: 'attackers of the target day (P); the same for every model',
  formula: 'P = |A|',
  higherIsBetter: true,
  compare: false,
  compute: (f) => f.positives,
});
