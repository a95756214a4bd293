import { unsafeUniformIntDistribution } from 'pure-rand';
import { type BinnedFeatures, binFeatures } from './bin-features.js';
import { BoostedTreeGrower, type BoostedTreeNodes } from './boosted-tree-grower.js';
import { GradientBoostedTrees } from './gradient-boosted-trees.js';
import { seededGenerator } from './mix-seed.js';

export interface GradientBoostingOptions {
  /** Boosting rounds (one tree each); 0 gives the constant model. @default 100 */
  rounds?: number;
  /** Shrinkage η of each tree's leaf values (XGBoost's eta). @default 0.1 */
  learningRate?: number;
  /** Deepest level a split may create (root = 0): at most 2^maxDepth leaves. @default 6 */
  maxDepth?: number;
  /** Fewest hessian sum Σ p(1 − p) in a child (XGBoost's min_child_weight). @default 1 */
  minChildWeight?: number;
  /** L2 penalty λ on leaf values. @default 1 */
  lambda?: number;
  /** Least loss reduction a split must bring (XGBoost's gamma, min_split_loss). @default 0 */
  gamma?: number;
  /** Share of the rows each round learns from: each row is kept with this probability (0 < subsample ≤ 1). @default 1 */
  subsample?: number;
  /** Share of the features each tree may split on, drawn per tree: max(1, round(colsample × F)). @default 1 */
  colsample?: number;
  /** Weight of each positive row (negatives weigh 1), e.g. negatives / positives for a rare class. @default 1 */
  scalePosWeight?: number;
  /** Bins per feature (2 .. 256). @default 256 */
  maxBins?: number;
  /** Seed of the row and feature draws (unsigned 32-bit); round t draws from stream (seed, t). @default 0 */
  seed?: number;
}

/**
 * Trains gradient-boosted trees for binary labels with logistic loss (Friedman's gradient boosting with XGBoost's
 * second-order objective, Chen & Guestrin 2016, on LightGBM-style histograms, Ke et al. 2017). Every row starts at
 * the log-odds log(p̄ / (1 − p̄)) of the (weighted) training labels; each round computes per-row gradients
 * g = w(p − y) and hessians h = w·p(1 − p) at the current predictions p = sigmoid(score), grows one tree on the
 * binned features choosing at each node the split of largest G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (split only
 * when that exceeds gamma, and both children keep a hessian sum ≥ minChildWeight), and adds the leaf values
 * −G/(H+λ) × learningRate to the scores. Depth-first within a tree, at most maxDepth levels.
 *
 * Labels must be 0/1; a training set with one class only gives a model with no trees whose initial score is the
 * log-odds of (positives + ½) / (rows + 1), so that it stays finite. Deterministic for a given seed (no draws at
 * all when subsample = colsample = 1). `columns[f][i]` is feature f of row i (no NaN), or features already binned.
 */
export function trainGradientBoosting(
  columns: readonly ArrayLike<number>[] | BinnedFeatures,
  labels: Uint8Array,
  options: GradientBoostingOptions = {},
): GradientBoostedTrees {
  const {
    rounds = 100,
    learningRate = 0.1,
    maxDepth = 6,
    minChildWeight = 1,
    lambda = 1,
    gamma = 0,
    subsample = 1,
    colsample = 1,
    scalePosWeight = 1,
    maxBins = 256,
    seed = 0,
  } = options;
  check('rounds', rounds, Number.isInteger(rounds) && rounds >= 0, 'a whole number >= 0');
  check('learningRate', learningRate, learningRate > 0 && Number.isFinite(learningRate), 'a number > 0');
  check('maxDepth', maxDepth, Number.isInteger(maxDepth) && maxDepth >= 1, 'a whole number >= 1');
  check('minChildWeight', minChildWeight, minChildWeight >= 0 && Number.isFinite(minChildWeight), '>= 0');
  check('lambda', lambda, lambda >= 0 && Number.isFinite(lambda), '>= 0');
  check('gamma', gamma, gamma >= 0 && Number.isFinite(gamma), '>= 0');
  check('subsample', subsample, subsample > 0 && subsample <= 1, 'in (0, 1]');
  check('colsample', colsample, colsample > 0 && colsample <= 1, 'in (0, 1]');
  check('scalePosWeight', scalePosWeight, scalePosWeight > 0 && Number.isFinite(scalePosWeight), '> 0');
  check('seed', seed, Number.isInteger(seed), 'a whole number');

  const binned = 'codes' in columns ? columns : binFeatures(columns, { maxBins });
  const n = binned.rows;
  const F = binned.codes.length;
  if (n === 0) throw new RangeError('trainGradientBoosting: no training rows');
  if (labels.length !== n)
    throw new RangeError(`trainGradientBoosting: ${labels.length} labels for ${n} rows`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (y > 1) throw new RangeError(`trainGradientBoosting: labels must be 0 or 1, row ${i} has ${y}`);
    positives += y;
  }
  const empty = (initialScore: number, trees: BoostedTreeNodes[] = []) =>
    assemble(initialScore, F, trees, binned.cuts);
  if (positives === 0 || positives === n) {
    const p = (positives + 0.5) / (n + 1);
    return empty(Math.log(p / (1 - p)));
  }
  const meanLabel = (scalePosWeight * positives) / (scalePosWeight * positives + (n - positives));
  const initialScore = Math.log(meanLabel / (1 - meanLabel));

  const settings = { maxDepth, minChildWeight, lambda, gamma, learningRate };
  const grower = new BoostedTreeGrower(binned);
  const scores = new Float64Array(n).fill(initialScore);
  const gradients = new Float64Array(n);
  const hessians = new Float64Array(n);
  const allRows = Int32Array.from({ length: n }, (_, i) => i);
  const allFeatures = Int32Array.from({ length: F }, (_, f) => f);
  const perTree = Math.max(1, Math.round(colsample * F));
  const inSample = new Uint8Array(n);
  const sampled = new Int32Array(n);
  const trees: BoostedTreeNodes[] = [];
  for (let t = 0; t < rounds; t++) {
    const rng = seededGenerator(seed, t);
    let features = allFeatures;
    if (perTree < F) {
      const perm = allFeatures.slice();
      for (let j = 0; j < perTree; j++) {
        const pick = j + unsafeUniformIntDistribution(0, F - 1 - j, rng);
        const x = perm[j]!;
        perm[j] = perm[pick]!;
        perm[pick] = x;
      }
      features = perm.subarray(0, perTree).sort();
    }
    let rows = allRows;
    if (subsample < 1) {
      let m = 0;
      for (let i = 0; i < n; i++) {
        const keep = rng.unsafeNext() >>> 0 < subsample * 4_294_967_296 ? 1 : 0;
        inSample[i] = keep;
        if (keep) sampled[m++] = i;
      }
      rows = sampled.subarray(0, m);
    }
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      const p = 1 / (1 + Math.exp(-scores[i]!));
      const y = labels[i]!;
      const w = y === 1 ? scalePosWeight : 1;
      gradients[i] = w * (p - y);
      hessians[i] = w * p * (1 - p);
    }
    const tree = grower.grow(rows, gradients, hessians, features, settings);
    trees.push(tree);
    grower.addToGrownRows(scores);
    if (rows !== allRows)
      for (let i = 0; i < n; i++) if (inSample[i] === 0) scores[i] = scores[i]! + grower.valueOf(tree, i);
  }
  return empty(initialScore, trees);
}

function check(name: string, value: unknown, ok: boolean, rule: string): void {
  if (!ok) throw new RangeError(`${name} must be ${rule}, got ${value}`);
}

/** The trees, concatenated, with bins turned into thresholds on raw values. */
function assemble(
  initialScore: number,
  features: number,
  trees: readonly BoostedTreeNodes[],
  cuts: readonly Float64Array[],
): GradientBoostedTrees {
  const total = trees.reduce((a, t) => a + t.feature.length, 0);
  const roots = new Int32Array(trees.length);
  const feature = new Int16Array(total);
  const threshold = new Float64Array(total);
  const right = new Int32Array(total);
  const value = new Float64Array(total);
  const gain = new Float64Array(total);
  const hessian = new Float64Array(total);
  let offset = 0;
  trees.forEach((tree, t) => {
    roots[t] = offset;
    feature.set(tree.feature, offset);
    value.set(tree.value, offset);
    gain.set(tree.gain, offset);
    hessian.set(tree.hessian, offset);
    for (let i = 0; i < tree.feature.length; i++) {
      const f = tree.feature[i]!;
      if (f < 0) {
        right[offset + i] = -1;
        continue;
      }
      right[offset + i] = offset + tree.right[i]!;
      threshold[offset + i] = cuts[f]![tree.bin[i]!]!;
    }
    offset += tree.feature.length;
  });
  return new GradientBoostedTrees({
    initialScore,
    features,
    roots,
    feature,
    threshold,
    right,
    value,
    gain,
    hessian,
  });
}
