import { aipContingency, TN_CAVEAT } from './aip-contingency.js';
import { defineMetric } from './metric.js';

export const aipTn = defineMetric({
  name: 'aip_tn',
  description: "AIP's true negatives over the public IPv4 space: N − FP with N = 3 706 452 992 − P",
  formula: 'TN = N − FP, N = 3 706 452 992 − P',
  higherIsBetter: true,
  compare: false,
  caveat: TN_CAVEAT,
  compute: (f) => aipContingency(f).tn,
});
