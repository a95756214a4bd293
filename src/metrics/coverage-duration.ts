import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coverageDuration = defineMetric({
  name: 'coverage_duration',
  description:
    'share of the target day\'s attack duration sent by listed IPs (AIP\'s "percent stopped", as a fraction)',
  formula: 'C_duration / V_duration',
  higherIsBetter: true,
  compute: (f) => ratio(f.coveredDuration, f.totalDuration),
});
