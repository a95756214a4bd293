import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

/**
 * GreedyBear's "recall AUC" (intelowlproject/GreedyBear, greedybear/cronjobs/scoring/ml_model.py `recall_auc`), as
 * issue 10 defines it: the mean over k = 1 .. K of the plain recall of the list's first k entries (TP among the top k
 * / the day's attackers): the area under the recall curve of the ranking, which rewards catching attackers early in
 * the list. Unlike recall_at_k (TP / min(K, P) at K only) it depends on the order. GreedyBear samples k at 100 points
 * up to a quarter of its candidates; here every k up to the budget K counts. A list shorter than K keeps its recall
 * for the remaining k. NaN without attackers or with K = 0.
 */
export const recallAuc = defineMetric({
  name: 'recall_auc',
  description: 'mean over k = 1..K of recall of the top k (GreedyBear recall AUC): rewards early hits',
  formula: 'Σ_{k=1..K} TP@k / (K · P)',
  higherIsBetter: true,
  compute: (f) => ratio(f.cumulativeTp, f.k * f.positives),
});
