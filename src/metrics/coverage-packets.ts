import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coveragePackets = defineMetric({
  name: 'coverage_packets',
  description:
    'share of the target day\'s attack packets sent by listed IPs (AIP\'s "percent stopped", as a fraction)',
  formula: 'C_packets / V_packets',
  higherIsBetter: true,
  compute: (f) => ratio(f.coveredPackets, f.totalPackets),
});
