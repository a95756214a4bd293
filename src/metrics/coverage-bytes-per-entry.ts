import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coverageBytesPerEntry = defineMetric({
  name: 'coverage_bytes_per_entry',
  description: 'coverage_bytes / size: the share of bytes each list entry buys (AIP: coverage_bytes_ip)',
  formula: '(C_bytes / V_bytes) / size',
  higherIsBetter: true,
  compute: (f) => ratio(ratio(f.coveredBytes, f.totalBytes), f.size),
});
