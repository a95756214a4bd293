import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const coverageFlows = defineMetric({
  name: 'coverage_flows',
  description:
    'share of the target day\'s attack flows sent by listed IPs (AIP\'s "percent stopped", as a fraction)',
  formula: 'C_flows / V_flows',
  higherIsBetter: true,
  compute: (f) => ratio(f.coveredFlows, f.totalFlows),
});
