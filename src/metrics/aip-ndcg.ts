import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const aipNdcg = defineMetric({
  name: 'aip_ndcg',
  description:
    "AIP's evaluation nDCG, for parity: gains 2^rel of the listed attackers sorted by rel (the list's own order is ignored), over the same for every attacker of the day",
  formula:
    'G(L ∩ A) / G(A), G(X) = Σ_{j=1..|X|} 2^rel_j(X) / log2(j + 1), rel_1(X) ≥ rel_2(X) ≥ … the relevances of X in descending order',
  higherIsBetter: true,
  caveat: 'ignores the order of the list; prefer ndcg',
  compute: (f) => ratio(f.aipDcg, f.aipIdealDcg),
});
