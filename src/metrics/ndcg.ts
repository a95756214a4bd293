import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const ndcg = defineMetric({
  name: 'ndcg',
  description:
    "nDCG@K: Σ rel/log2(rank+1) over the list in its order, over the best possible K entries; rel = AIP's relevance, the mean of the attacker's shares of the day's flows, packets, bytes and duration",
  formula: 'DCG / IDCG(min(K, P)), DCG = Σ_{i: L_i ∈ A} rel(L_i) / log2(i + 1)',
  higherIsBetter: true,
  compute: (f) => ratio(f.dcg, f.idealDcg),
});
