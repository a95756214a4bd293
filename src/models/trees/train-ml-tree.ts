import type { ProbabilityClassifier } from './decision-tree.js';
import { type MlDecisionTreeClassifier, mlCart, toRows } from './ml-modules.js';
import type { TrainTreeOptions } from './train-tree.js';

export type MlTreeOptions = Omit<TrainTreeOptions, 'maxBins'>;

/**
 * The reference CART engine: mljs's `ml-cart` DecisionTreeClassifier (gini; rows with value < threshold go left).
 * Options mapped as in trainMlForest: a node of ≤ 2·minSamplesLeaf − 1 rows is a leaf, and a split must gain some
 * gini (gainThreshold 0). The probability is the leaf's share of label 1. Its split search is O(rows²) per node and
 * feature: small data only.
 */
export function trainMlTree(
  columns: readonly ArrayLike<number>[],
  labels: Uint8Array,
  options: MlTreeOptions = {},
): ProbabilityClassifier & { readonly tree: MlDecisionTreeClassifier } {
  const { maxDepth = null, minSamplesLeaf = 1 } = options;
  if (labels.length === 0) throw new RangeError('trainMlTree: no training rows');
  const tree = new (mlCart().DecisionTreeClassifier)({
    maxDepth: maxDepth ?? Number.POSITIVE_INFINITY,
    minNumSamples: Math.max(1, Math.ceil(2 * minSamplesLeaf) - 1),
    gainThreshold: 0,
  });
  tree.train(toRows(columns), Array.from(labels));
  return {
    tree,
    predictProbability(x) {
      const rows = toRows(x);
      const out = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const d = tree.root.classify(rows[i]!);
        out[i] = d.columns > 1 ? d.get(0, 1) : 0;
      }
      return out;
    },
  };
}
