import { aipContingency, TN_CAVEAT } from './aip-contingency.js';
import { defineMetric } from './metric.js';

export const aipTnr = defineMetric({
  name: 'aip_tnr',
  description: "AIP's true negative rate (specificity) TN / N over the public IPv4 space",
  formula: 'TN / N',
  higherIsBetter: true,
  caveat: TN_CAVEAT,
  compute: (f) => {
    const c = aipContingency(f);
    return c.tn / c.n;
  },
});
