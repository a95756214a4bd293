import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coverageFlowsPerEntry = defineMetric({
  name: 'coverage_flows_per_entry',
  description: 'coverage_flows / size: the share of flows each list entry buys (AIP: coverage_flows_ip)',
  formula: '(C_flows / V_flows) / size',
  higherIsBetter: true,
  compute: (f) => ratio(ratio(f.coveredFlows, f.totalFlows), f.size),
});
