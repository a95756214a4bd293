import { defineMetric } from './metric.js';

/**
 * What a network pays for a list built from other sensors (collaborative blacklisting, Melis et al. 2018: sharing
 * raises false positives): the entries listed only because other sensors saw them.
 */
export const fpElsewhere = defineMetric({
  name: 'fp_elsewhere',
  description:
    'false positives seen only elsewhere: listed IPs that did not attack the truth sensors on the target day and that the truth sensors never saw before D (0 when the lists come from the truth sensors themselves)',
  formula: 'FP_E',
  higherIsBetter: false,
  crossSensor: true,
  compute: (f) => f.fpElsewhere,
});
