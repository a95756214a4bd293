import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coveragePacketsPerEntry = defineMetric({
  name: 'coverage_packets_per_entry',
  description:
    'coverage_packets / size: the share of packets each list entry buys (AIP: coverage_packets_ip)',
  formula: '(C_packets / V_packets) / size',
  higherIsBetter: true,
  compute: (f) => ratio(ratio(f.coveredPackets, f.totalPackets), f.size),
});
