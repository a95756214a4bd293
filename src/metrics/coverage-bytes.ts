import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coverageBytes = defineMetric({
  name: 'coverage_bytes',
  description:
    'share of the target day\'s attack bytes sent by listed IPs (AIP\'s "percent stopped", as a fraction)',
  formula: 'C_bytes / V_bytes',
  higherIsBetter: true,
  compute: (f) => ratio(f.coveredBytes, f.totalBytes),
});
