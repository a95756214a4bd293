import { defineMetric } from './metric.js';

export const fn = defineMetric({
  name: 'fn',
  description: 'false negatives: attackers of the target day not listed',
  formula: 'FN = P − TP',
  higherIsBetter: false,
  compute: (f) => f.positives - f.tp,
});
