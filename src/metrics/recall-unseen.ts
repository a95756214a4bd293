import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

/** What sharing buys a network (HPB, Zhang et al. 2008): its attackers it had never seen, caught by others' history. */
export const recallUnseen = defineMetric({
  name: 'recall_unseen',
  description:
    "recall among the target day's attackers the truth sensors never saw before D: the benefit of lists from other sensors (equal to recall_new, 0, when the lists come from the truth sensors themselves; NaN without such attackers)",
  formula: 'TP_U / P_U',
  higherIsBetter: true,
  crossSensor: true,
  compute: (f) => ratio(f.unseenTp, f.unseenPositives),
});
