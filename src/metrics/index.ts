import { BUILTIN_METRICS } from './builtin.js';
import { registerMetric } from './metric.js';

for (const m of BUILTIN_METRICS) registerMetric(m);

export * from './aip-contingency.js';
export { BUILTIN_METRICS, HEADLINE_METRICS } from './builtin.js';
export * from './metric.js';
