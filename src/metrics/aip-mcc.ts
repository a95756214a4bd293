import { aipContingency, TN_CAVEAT } from './aip-contingency.js';
import { defineMetric } from './metric.js';

export const aipMcc = defineMetric({
  name: 'aip_mcc',
  description:
    "AIP's Matthews correlation coefficient over the public IPv4 space (0 when a margin is empty, as AIP)",
  formula:
    '(TP·TN − FP·FN) / √((TP + FP)·(TP + FN)·(TN + FP)·(TN + FN)); 0 when the product under the root is 0',
  higherIsBetter: true,
  caveat: TN_CAVEAT,
  compute: (f) => {
    const { tp, fp, fn, tn } = aipContingency(f);
    const d = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
    return d === 0 ? 0 : (tp * tn - fp * fn) / Math.sqrt(d);
  },
});
