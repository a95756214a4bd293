/** Anything that gives the probability of the positive class (label 1) for rows given as feature columns. */
export interface ProbabilityClassifier {
  /** `columns[f][i]`: feature f of row i; returns P(label = 1) per row. */
  predictProbability(columns: readonly ArrayLike<number>[]): Float64Array;
}

/** The node table of a grown tree, as plain typed arrays, nodes in pre-order (root 0). */
export interface DecisionTreeNodes {
  /** Split feature of each node; −1 marks a leaf. */
  feature: Int16Array;
  /** A row goes left (to node i + 1) when its value ≤ threshold, else right. */
  threshold: Float64Array;
  /** Right child of each inner node (−1 for leaves); the left child is always the next node. */
  right: Int32Array;
  /** Share of the node's (weighted) training rows with label 1: the leaf's class probability. */
  value: Float64Array;
  /** Weighted training rows that reached the node (bootstrap multiplicity counted). */
  weight: Float64Array;
}

/**
 * A binary classification tree stored as typed arrays (no objects per node): prediction walks `feature`,
 * `threshold` and `right` from the root, so a forest of 30 trees over 10⁶ rows stays a few arrays per tree.
 */
export class DecisionTree implements ProbabilityClassifier {
  readonly feature: Int16Array;
  readonly threshold: Float64Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly weight: Float64Array;

  constructor(nodes: DecisionTreeNodes) {
    const n = nodes.feature.length;
    for (const key of ['threshold', 'right', 'value', 'weight'] as const) {
      if (nodes[key].length !== n)
        throw new RangeError(`DecisionTree: ${key} has ${nodes[key].length} entries, feature has ${n}`);
    }
    if (n === 0) throw new RangeError('DecisionTree: a tree has at least a root');
    this.feature = nodes.feature;
    this.threshold = nodes.threshold;
    this.right = nodes.right;
    this.value = nodes.value;
    this.weight = nodes.weight;
  }

  get nodeCount(): number {
    return this.feature.length;
  }

  get leafCount(): number {
    let k = 0;
    for (let i = 0; i < this.feature.length; i++) if (this.feature[i]! < 0) k++;
    return k;
  }

  /** Levels below the root of the deepest leaf. */
  get depth(): number {
    let max = 0;
    const stack: number[] = [0, 0];
    while (stack.length > 0) {
      const d = stack.pop()!;
      const i = stack.pop()!;
      if (this.feature[i]! < 0) max = Math.max(max, d);
      else stack.push(this.right[i]!, d + 1, i + 1, d + 1);
    }
    return max;
  }

  /** The leaf a row reaches. */
  leafOf(columns: readonly ArrayLike<number>[], row: number): number {
    const feature = this.feature;
    const threshold = this.threshold;
    const right = this.right;
    let i = 0;
    let f = feature[0]!;
    while (f >= 0) {
      i = columns[f]![row]! <= threshold[i]! ? i + 1 : right[i]!;
      f = feature[i]!;
    }
    return i;
  }

  predictProbability(columns: readonly ArrayLike<number>[]): Float64Array {
    const rows = columns[0]?.length ?? 0;
    const out = new Float64Array(rows);
    this.addProbabilities(columns, out);
    return out;
  }

  /** Adds each row's leaf probability to `sum` (how a forest averages its trees without a temporary per tree). */
  addProbabilities(columns: readonly ArrayLike<number>[], sum: Float64Array): void {
    const feature = this.feature;
    const threshold = this.threshold;
    const right = this.right;
    const value = this.value;
    const rootFeature = feature[0]!;
    for (let r = 0; r < sum.length; r++) {
      let i = 0;
      let f = rootFeature;
      while (f >= 0) {
        i = columns[f]![r]! <= threshold[i]! ? i + 1 : right[i]!;
        f = feature[i]!;
      }
      sum[r] = sum[r]! + value[i]!;
    }
  }
}
