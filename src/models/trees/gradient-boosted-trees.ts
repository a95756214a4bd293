import type { ProbabilityClassifier } from './decision-tree.js';

/** The node table of a boosted ensemble: every tree's nodes, concatenated, each tree in pre-order. */
export interface GradientBoostedTreesNodes {
  /** Log-odds every row starts from (the training set's log(p̄ / (1 − p̄))). */
  initialScore: number;
  /** Number of features the model was trained on (the length of featureGains()). */
  features: number;
  /** First node of each tree. */
  roots: Int32Array;
  /** Split feature of each node; −1 marks a leaf. */
  feature: Int16Array;
  /** A row goes left (to node i + 1) when its value ≤ threshold, else right. */
  threshold: Float64Array;
  /** Right child of each inner node (an index into these arrays); −1 for leaves. */
  right: Int32Array;
  /** A leaf's contribution to the log-odds (learning rate included); inner nodes: what they would give as a leaf. */
  value: Float64Array;
  /** An inner node's loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ); 0 at leaves. */
  gain: Float64Array;
  /** Hessian sum of the node's training rows ("cover"). */
  hessian: Float64Array;
}

/**
 * A gradient-boosted ensemble of regression trees for binary labels (logistic loss), stored as typed arrays:
 * the log-odds of a row is initialScore plus the leaf value it reaches in each tree; P(label 1) is its sigmoid.
 */
export class GradientBoostedTrees implements ProbabilityClassifier {
  readonly initialScore: number;
  readonly features: number;
  readonly roots: Int32Array;
  readonly feature: Int16Array;
  readonly threshold: Float64Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly gain: Float64Array;
  readonly hessian: Float64Array;

  constructor(nodes: GradientBoostedTreesNodes) {
    const n = nodes.feature.length;
    for (const key of ['threshold', 'right', 'value', 'gain', 'hessian'] as const) {
      if (nodes[key].length !== n)
        throw new RangeError(
          `GradientBoostedTrees: ${key} has ${nodes[key].length} entries, feature has ${n}`,
        );
    }
    for (const root of nodes.roots)
      if (!(root >= 0 && root < n)) throw new RangeError(`GradientBoostedTrees: root ${root} is not a node`);
    if (!Number.isFinite(nodes.initialScore))
      throw new RangeError(`GradientBoostedTrees: initialScore must be finite, got ${nodes.initialScore}`);
    this.initialScore = nodes.initialScore;
    this.features = nodes.features;
    this.roots = nodes.roots;
    this.feature = nodes.feature;
    this.threshold = nodes.threshold;
    this.right = nodes.right;
    this.value = nodes.value;
    this.gain = nodes.gain;
    this.hessian = nodes.hessian;
  }

  get treeCount(): number {
    return this.roots.length;
  }

  get nodeCount(): number {
    return this.feature.length;
  }

  /** The log-odds of each row after the first `trees` trees (all by default); `columns[f][i]` is feature f of row i. */
  predictRaw(columns: readonly ArrayLike<number>[], trees = this.roots.length): Float64Array {
    if (columns.length !== this.features)
      throw new RangeError(
        `GradientBoostedTrees: expected ${this.features} feature columns, got ${columns.length}`,
      );
    const rows = columns[0]?.length ?? 0;
    const out = new Float64Array(rows).fill(this.initialScore);
    const feature = this.feature;
    const threshold = this.threshold;
    const right = this.right;
    const value = this.value;
    const k = Math.min(trees, this.roots.length);
    for (let t = 0; t < k; t++) {
      const root = this.roots[t]!;
      const rootFeature = feature[root]!;
      for (let r = 0; r < rows; r++) {
        let i = root;
        let f = rootFeature;
        while (f >= 0) {
          i = columns[f]![r]! <= threshold[i]! ? i + 1 : right[i]!;
          f = feature[i]!;
        }
        out[r] = out[r]! + value[i]!;
      }
    }
    return out;
  }

  /** P(label 1) per row: the sigmoid of predictRaw. */
  predictProbability(columns: readonly ArrayLike<number>[]): Float64Array {
    const out = this.predictRaw(columns);
    for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
    return out;
  }

  /** Total loss reduction of the splits on each feature, over all trees (XGBoost's "total_gain" importance). */
  featureGains(): Float64Array {
    const out = new Float64Array(this.features);
    for (let i = 0; i < this.feature.length; i++) {
      const f = this.feature[i]!;
      if (f >= 0) out[f] = out[f]! + this.gain[i]!;
    }
    return out;
  }
}
