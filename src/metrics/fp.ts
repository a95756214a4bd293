import { defineMetric } from './metric.js';

export const fp = defineMetric({
  name: 'fp',
  description: 'false positives: listed IPs that did not attack on the target day',
  formula: 'FP = size − TP',
  higherIsBetter: false,
  compute: (f) => f.size - f.tp,
});
