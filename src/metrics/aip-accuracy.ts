import { aipContingency, TN_CAVEAT } from './aip-contingency.js';
import { PUBLIC_IPV4 } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const aipAccuracy = defineMetric({
  name: 'aip_accuracy',
  description: "AIP's accuracy (TP + TN) / (P + N) over the public IPv4 space",
  formula: '(TP + TN) / (P + N) = (TP + TN) / 3 706 452 992',
  higherIsBetter: true,
  caveat: TN_CAVEAT,
  compute: (f) => {
    const c = aipContingency(f);
    return (c.tp + c.tn) / PUBLIC_IPV4;
  },
});
