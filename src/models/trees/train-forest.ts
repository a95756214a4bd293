import { type RandomGenerator, unsafeUniformIntDistribution } from 'pure-rand';
import { type BinnedFeatures, binFeatures } from './bin-features.js';
import type { DecisionTree, ProbabilityClassifier } from './decision-tree.js';
import { TreeGrower, type TreeOptions } from './grow-tree.js';
import { seededGenerator } from './mix-seed.js';

/** How many features each split draws: `sqrt` ⌊√F⌋ (scikit-learn's forest default), `log2` ⌊log₂F⌋, `all`, or a count. */
export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

export interface ForestOptions extends Omit<TreeOptions, 'maxFeatures'> {
  /** Number of trees. @default 30 (AIP's RandomForestClassifier(n_estimators=30)) */
  trees?: number;
  /** Features drawn at each split. @default 'sqrt' */
  maxFeatures?: MaxFeatures;
  /** Each tree learns from a bootstrap sample (n rows drawn with replacement); false: every tree sees every row. @default true */
  bootstrap?: boolean;
  /** Bins per feature (2 .. 256). @default 256 */
  maxBins?: number;
  /** Seed of the bootstrap samples and feature draws (unsigned 32-bit); tree t draws from stream (seed, t). @default 0 */
  seed?: number;
}

/** The number of features a split draws, out of `features`. */
export function featuresPerSplit(maxFeatures: MaxFeatures, features: number): number {
  if (maxFeatures === 'all') return features;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(features)));
  if (maxFeatures === 'log2') return Math.max(1, Math.floor(Math.log2(features)));
  if (!Number.isInteger(maxFeatures) || maxFeatures < 1)
    throw new RangeError(
      `maxFeatures must be 'sqrt', 'log2', 'all' or a whole number >= 1, got ${maxFeatures}`,
    );
  return Math.min(maxFeatures, features);
}

/** A trained forest: P(label 1) is the mean of its trees' leaf probabilities (scikit-learn's soft vote). */
export class Forest implements ProbabilityClassifier {
  constructor(readonly trees: readonly DecisionTree[]) {}

  predictProbability(columns: readonly ArrayLike<number>[]): Float64Array {
    const out = new Float64Array(columns[0]?.length ?? 0);
    for (const tree of this.trees) tree.addProbabilities(columns, out);
    const k = this.trees.length;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! / k;
    return out;
  }
}

/**
 * Trains a random forest (Breiman; scikit-learn's RandomForestClassifier semantics: bootstrap rows, features drawn
 * per split, gini, fully grown trees by default) with the histogram learner: the features are binned once and shared
 * by every tree. Deterministic for a given seed. `columns[f][i]` is feature f of row i; labels are 0/1.
 */
export function trainForest(
  columns: readonly ArrayLike<number>[] | BinnedFeatures,
  labels: Uint8Array,
  options: ForestOptions = {},
): Forest {
  const { trees = 30, maxFeatures = 'sqrt', bootstrap = true, maxBins = 256, seed = 0 } = options;
  if (!Number.isInteger(trees) || trees < 1)
    throw new RangeError(`trees must be a whole number >= 1, got ${trees}`);
  const binned = 'codes' in columns ? columns : binFeatures(columns, { maxBins });
  const n = binned.rows;
  if (n === 0) throw new RangeError('trainForest: no training rows');
  const perSplit = featuresPerSplit(maxFeatures, binned.codes.length);
  const grown: DecisionTree[] = [];
  const counts = new Float64Array(n);
  const grower = new TreeGrower(binned, labels);
  for (let t = 0; t < trees; t++) {
    const rng = seededGenerator(seed, t);
    let rows: Int32Array | undefined;
    let weights: Float64Array | undefined;
    if (bootstrap) {
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        const r = drawBelow(n, rng);
        counts[r] = counts[r]! + 1;
      }
      let k = 0;
      for (let i = 0; i < n; i++) if (counts[i]! > 0) k++;
      rows = new Int32Array(k);
      k = 0;
      for (let i = 0; i < n; i++) if (counts[i]! > 0) rows[k++] = i;
      weights = counts;
    }
    grown.push(
      grower.grow({
        maxDepth: options.maxDepth,
        minSamplesLeaf: options.minSamplesLeaf,
        maxFeatures: perSplit,
        rows,
        weights,
        rng,
      }),
    );
  }
  return new Forest(grown);
}

const TWO_32 = 4_294_967_296;

/**
 * A uniform whole number in 0 .. n − 1: Lemire's multiply-and-reject on one 32-bit draw (exact: the product of a
 * 32-bit draw and n < 2²¹ is an exact double), else pure-rand's distribution. A bootstrap draws n of these per tree.
 */
function drawBelow(n: number, rng: RandomGenerator): number {
  if (n > 2 ** 21) return unsafeUniformIntDistribution(0, n - 1, rng);
  const reject = (TWO_32 - n) % n; // 2³² mod n: the low values that would bias the result
  for (;;) {
    const product = (rng.unsafeNext() >>> 0) * n;
    if (product % TWO_32 >= reject) return Math.floor(product / TWO_32);
  }
}
