import { defineMetric } from './metric.js';

export const tp = defineMetric({
  name: 'tp',
  description: 'true positives: listed IPs that attacked on the target day',
  formula: 'TP = |L ∩ A|',
  higherIsBetter: true,
  compute: (f) => f.tp,
});
