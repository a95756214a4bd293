import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const fpElsewhereShare = defineMetric({
  name: 'fp_elsewhere_share',
  description:
    'fp_elsewhere / size: the share of the list that is false positives seen only elsewhere (NaN for an empty list)',
  formula: 'FP_E / size',
  higherIsBetter: false,
  crossSensor: true,
  compute: (f) => ratio(f.fpElsewhere, f.size),
});
