import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coverageDurationPerEntry = defineMetric({
  name: 'coverage_duration_per_entry',
  description:
    'coverage_duration / size: the share of duration each list entry buys (AIP: coverage_duration_ip)',
  formula: '(C_duration / V_duration) / size',
  higherIsBetter: true,
  compute: (f) => ratio(ratio(f.coveredDuration, f.totalDuration), f.size),
});
