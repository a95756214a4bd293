import { aipContingency, TN_CAVEAT } from './aip-contingency.js';
import { defineMetric } from './metric.js';

export const aipFpr = defineMetric({
  name: 'aip_fpr',
  description: "AIP's false positive rate FP / N over the public IPv4 space",
  formula: 'FP / N',
  higherIsBetter: false,
  caveat: TN_CAVEAT,
  compute: (f) => {
    const c = aipContingency(f);
    return c.fp / c.n;
  },
});
