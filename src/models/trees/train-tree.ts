import { type BinnedFeatures, binFeatures } from './bin-features.js';
import type { DecisionTree } from './decision-tree.js';
import { growTree, type TreeOptions } from './grow-tree.js';

export interface TrainTreeOptions extends Omit<TreeOptions, 'maxFeatures'> {
  /** Bins per feature (2 .. 256). @default 256 */
  maxBins?: number;
}

/**
 * One CART classification tree (gini) on every row and every feature, with the histogram learner: no randomness, so
 * the same data gives the same tree. `columns[f][i]` is feature f of row i; labels are 0/1.
 */
export function trainTree(
  columns: readonly ArrayLike<number>[] | BinnedFeatures,
  labels: Uint8Array,
  options: TrainTreeOptions = {},
): DecisionTree {
  const binned = 'codes' in columns ? columns : binFeatures(columns, { maxBins: options.maxBins ?? 256 });
  if (binned.rows === 0) throw new RangeError('trainTree: no training rows');
  return growTree(binned, labels, {
    maxDepth: options.maxDepth,
    minSamplesLeaf: options.minSamplesLeaf,
  });
}
