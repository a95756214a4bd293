import type { ProbabilityClassifier } from './decision-tree.js';
import { type MlRandomForestClassifier, mlRandomForest, toRows } from './ml-modules.js';
import { type ForestOptions, featuresPerSplit } from './train-forest.js';

export type MlForestOptions = Omit<ForestOptions, 'maxBins'>;

/**
 * The reference engine: mljs's `ml-random-forest` (its trees are `ml-cart`'s), with the same options mapped as
 * closely as that library allows, for cross-checking the histogram learner on small data. Differences, all the
 * library's: features are drawn once per TREE (`maxFeatures` of them, without replacement), not per split; a tree
 * stops splitting a node of ≤ 2·minSamplesLeaf − 1 rows (ml-cart's minNumSamples) rather than checking leaf sizes;
 * a split must gain some gini (gainThreshold 0, where ml-cart's default is 0.01); and the probability is the share of
 * trees voting 1 (hard votes), not the mean leaf probability. Its split search sorts and re-splits a node for every
 * candidate threshold — O(rows²) per node and feature — so keep it to a few thousand rows (one tree on 10 000 rows
 * takes about 30 s).
 *
 * `predictProbability` of ml-random-forest 2.1.0 drops the first tree's vote (its `reduce` has no initial value, so
 * the first tree's class label becomes the starting sum and is then rounded away); the probability here counts the
 * votes from `predictionValues` instead.
 */
export function trainMlForest(
  columns: readonly ArrayLike<number>[],
  labels: Uint8Array,
  options: MlForestOptions = {},
): ProbabilityClassifier & { readonly forest: MlRandomForestClassifier } {
  const {
    trees = 30,
    maxFeatures = 'sqrt',
    bootstrap = true,
    maxDepth = null,
    minSamplesLeaf = 1,
    seed = 0,
  } = options;
  const featureCount = columns.length;
  if (labels.length === 0) throw new RangeError('trainMlForest: no training rows');
  const perTree = featuresPerSplit(maxFeatures, featureCount);
  const forest = new (mlRandomForest().RandomForestClassifier)({
    nEstimators: trees,
    // ml-random-forest reads a number in (0, 1] as a fraction of the features: a count of 1 is passed as a
    // fraction that floors to one feature.
    maxFeatures: perTree === 1 ? 1.5 / featureCount : perTree,
    replacement: false,
    seed: seed | 0,
    useSampleBagging: bootstrap,
    noOOB: true,
    treeOptions: {
      maxDepth: maxDepth ?? Number.POSITIVE_INFINITY,
      minNumSamples: Math.max(1, Math.ceil(2 * minSamplesLeaf) - 1),
      gainThreshold: 0,
    },
  });
  forest.train(toRows(columns), Array.from(labels));
  return {
    forest,
    predictProbability(x) {
      const votes = forest.predictionValues(toRows(x));
      const out = new Float64Array(votes.rows);
      for (let i = 0; i < votes.rows; i++) {
        let ones = 0;
        for (let t = 0; t < votes.columns; t++) if (votes.get(i, t) === 1) ones++;
        out[i] = ones / votes.columns;
      }
      return out;
    },
  };
}
