import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const aipNdcg = defineMetric({
  name: 'aip_ndcg',
  description:
    "AIP's evaluation nDCG, for parity: gains 2^rel of the listed attackers sorted by rel (the list's own order is ignored), over the same for every attacker of the day",
  higherIsBetter: true,
  caveat: 'ignores the order of the list; prefer ndcg',
  compute: (f) => ratio(f.aipDcg, f.aipIdealDcg),
});
