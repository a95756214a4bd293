import type { BinnedFeatures } from './bin-features.js';

/** What a boosted tree may do; checked by trainGradientBoosting. */
export interface BoostedTreeSettings {
  /** Deepest level a split may create (root = 0). */
  maxDepth: number;
  /** Fewest hessian sum in a child. */
  minChildWeight: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Least loss reduction a split must bring. */
  gamma: number;
  /** Shrinkage of the leaf values. */
  learningRate: number;
}

/** One grown regression tree on bins, nodes in pre-order (root 0, left child i + 1), as DecisionTree's table. */
export interface BoostedTreeNodes {
  /** Split feature; −1 marks a leaf. */
  feature: Int16Array;
  /** A row goes left when its bin ≤ this. */
  bin: Uint8Array;
  /** Right child (index within the tree); −1 for leaves. */
  right: Int32Array;
  /** −G / (H + λ) × learningRate: a leaf's output (an inner node's would-be output, for description). */
  value: Float64Array;
  /** The split's loss reduction G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) (γ not subtracted); 0 at leaves. */
  gain: Float64Array;
  /** Hessian sum H of the node's rows ("cover"). */
  hessian: Float64Array;
}

/** Three slots per bin: gradient sum, hessian sum, row count (the count is exact under subtraction). */
const SLOTS = 3;
const FEATURE_STRIDE = 256 * SLOTS;

/**
 * Grows the second-order regression trees of gradient boosting (XGBoost's exact-greedy objective, LightGBM's
 * histograms) on binned features; one grower serves every round (the row-major copy of the bins and the work
 * arrays are made once).
 *
 * A node's histogram holds (Σg, Σh, rows) per feature and bin; the best split of a feature is one ascending scan of
 * its bins, and splits are tried only after non-empty bins (so the threshold is the cut right above the left side's
 * largest bin, whatever empty bins lie between). After a split, only the child with fewer rows is histogrammed from
 * its rows; the other is the parent's histogram minus it (the subtraction trick: each level costs at most half the
 * rows). Rows are a list of ids partitioned in place (stably, so each node's rows stay ascending and the gather of
 * codes and gradients walks memory forwards); the codes are one record of F bytes per row.
 */
export class BoostedTreeGrower {
  readonly #features: number;
  readonly #codes: Uint8Array;
  readonly #bins: Int32Array;
  #rows: Int32Array = new Int32Array(0);
  #scratch: Int32Array = new Int32Array(0);
  readonly #pool: Float64Array[] = [];
  /** Leaves of the last tree: start, end of their rows in #rows, and value. */
  #leafStart: number[] = [];
  #leafEnd: number[] = [];
  #leafValue: number[] = [];

  constructor(binned: BinnedFeatures) {
    const n = binned.rows;
    const F = binned.codes.length;
    if (F === 0 || F > 32_767) throw new RangeError(`expected 1 .. 32767 features, got ${F}`);
    this.#features = F;
    this.#codes = new Uint8Array(n * F);
    for (let f = 0; f < F; f++) {
      const column = binned.codes[f]!;
      for (let i = 0, j = f; i < n; i++, j += F) this.#codes[j] = column[i]!;
    }
    this.#bins = Int32Array.from(binned.cuts, (c) => c.length + 1);
  }

  /** The bin of row r in feature f. */
  code(row: number, feature: number): number {
    return this.#codes[row * this.#features + feature]!;
  }

  /**
   * Grows one tree on `rows` (ascending ids) with the rows' gradients and hessians (indexed by row id), trying the
   * features in `features` (ascending; ties, up to a relative 10⁻¹², go to the first feature, then the lowest bin).
   */
  grow(
    rows: Int32Array,
    gradients: Float64Array,
    hessians: Float64Array,
    features: Int32Array,
    settings: BoostedTreeSettings,
  ): BoostedTreeNodes {
    const { maxDepth, minChildWeight, lambda, gamma, learningRate } = settings;
    const m = rows.length;
    if (this.#rows.length < m) {
      this.#rows = new Int32Array(m);
      this.#scratch = new Int32Array(m);
    }
    const ids = this.#rows;
    ids.set(rows);
    const scratch = this.#scratch;
    const bins = this.#bins;
    this.#leafStart = [];
    this.#leafEnd = [];
    this.#leafValue = [];

    let G = 0;
    let H = 0;
    for (let q = 0; q < m; q++) {
      const r = ids[q]!;
      G += gradients[r]!;
      H += hessians[r]!;
    }
    const nodes = new NodeList();
    const canSplit = (depth: number, h: number, count: number) =>
      depth < maxDepth && count >= 2 && h >= 2 * minChildWeight;
    const rootHist = canSplit(0, H, m) ? this.#histogram(0, m, gradients, hessians, features) : null;
    // Pending nodes: start, end, depth, parent (whose right child this is; −1 for a left child), G, H, histogram.
    const stack: [number, number, number, number, number, number, Float64Array | null][] = [
      [0, m, 0, -1, G, H, rootHist],
    ];
    while (stack.length > 0) {
      const [start, end, depth, parent, g, h, hist] = stack.pop()!;
      const value = h + lambda > 0 ? (-g / (h + lambda)) * learningRate : 0;
      const id = nodes.add(value, h);
      if (parent >= 0) nodes.right[parent] = id;
      if (hist === null) {
        this.#leaf(start, end, value);
        continue;
      }
      const parentScore = (g * g) / (h + lambda);
      let bestGain = Number.NEGATIVE_INFINITY;
      let bestFeature = -1;
      let bestBin = -1;
      let bestG = 0;
      let bestH = 0;
      let bestCount = 0;
      const count = end - start;
      for (let s = 0; s < features.length; s++) {
        const f = features[s]!;
        const base = f * FEATURE_STRIDE;
        const last = base + (bins[f]! - 1) * SLOTS;
        let gL = 0;
        let hL = 0;
        let nL = 0;
        for (let j = base; j < last; j += SLOTS) {
          const c = hist[j + 2]!;
          if (c === 0) continue;
          gL += hist[j]!;
          hL += hist[j + 1]!;
          nL += c;
          if (nL === count) break;
          if (hL < minChildWeight) continue;
          const hR = h - hL;
          if (hR < minChildWeight) break; // hR only shrinks from here
          const gR = g - gL;
          const gain = (gL * gL) / (hL + lambda) + (gR * gR) / (hR + lambda) - parentScore;
          // A later candidate must beat the best by more than rounding noise: ties go to the first one.
          if (gain > (bestFeature < 0 ? bestGain : bestGain + 1e-12 * Math.abs(bestGain))) {
            bestGain = gain;
            bestFeature = f;
            bestBin = (j - base) / SLOTS;
            bestG = gL;
            bestH = hL;
            bestCount = nL;
          }
        }
      }
      // Rounding noise (the parent's score × 1e−12) never counts as a gain.
      if (bestFeature < 0 || !(bestGain > gamma && bestGain > 1e-12 * parentScore)) {
        this.#release(hist);
        this.#leaf(start, end, value);
        continue;
      }

      // Stable partition of the node's rows: bin ≤ bestBin to the left.
      const F = this.#features;
      const codes = this.#codes;
      let left = start;
      let rightCount = 0;
      for (let q = start; q < end; q++) {
        const r = ids[q]!;
        if (codes[r * F + bestFeature]! <= bestBin) ids[left++] = r;
        else scratch[rightCount++] = r;
      }
      ids.set(scratch.subarray(0, rightCount), left);
      nodes.feature[id] = bestFeature;
      nodes.bin[id] = bestBin;
      nodes.gain[id] = bestGain;

      const gR = g - bestG;
      const hR = h - bestH;
      const leftSplits = canSplit(depth + 1, bestH, bestCount);
      const rightSplits = canSplit(depth + 1, hR, count - bestCount);
      let leftHist: Float64Array | null = null;
      let rightHist: Float64Array | null = null;
      if (leftSplits || rightSplits) {
        // The smaller child from its rows, the larger by subtraction (in place in the parent's histogram).
        const leftSmaller = bestCount <= count - bestCount;
        const small = leftSmaller
          ? this.#histogram(start, left, gradients, hessians, features)
          : this.#histogram(left, end, gradients, hessians, features);
        for (let s = 0; s < features.length; s++) {
          const base = features[s]! * FEATURE_STRIDE;
          for (let j = base, last = base + FEATURE_STRIDE; j < last; j++) hist[j] = hist[j]! - small[j]!;
        }
        leftHist = leftSmaller ? small : hist;
        rightHist = leftSmaller ? hist : small;
        if (!leftSplits) {
          this.#release(leftHist);
          leftHist = null;
        }
        if (!rightSplits) {
          this.#release(rightHist);
          rightHist = null;
        }
      } else {
        this.#release(hist);
      }
      stack.push([left, end, depth + 1, id, gR, hR, rightHist]);
      stack.push([start, left, depth + 1, -1, bestG, bestH, leftHist]);
    }
    return nodes.build();
  }

  /** Adds the last tree's leaf values to the scores of the rows it was grown on. */
  addToGrownRows(scores: Float64Array): void {
    const ids = this.#rows;
    for (let k = 0; k < this.#leafStart.length; k++) {
      const v = this.#leafValue[k]!;
      for (let q = this.#leafStart[k]!, end = this.#leafEnd[k]!; q < end; q++) {
        const r = ids[q]!;
        scores[r] = scores[r]! + v;
      }
    }
  }

  /** The leaf value a row reaches in a tree grown here (by its bins). */
  valueOf(tree: BoostedTreeNodes, row: number): number {
    const codes = this.#codes;
    const base = row * this.#features;
    let i = 0;
    let f = tree.feature[0]!;
    while (f >= 0) {
      i = codes[base + f]! <= tree.bin[i]! ? i + 1 : tree.right[i]!;
      f = tree.feature[i]!;
    }
    return tree.value[i]!;
  }

  #leaf(start: number, end: number, value: number): void {
    this.#leafStart.push(start);
    this.#leafEnd.push(end);
    this.#leafValue.push(value);
  }

  /** The (Σg, Σh, rows) histogram of rows start .. end − 1 for the given features (other features' slots: stale). */
  #histogram(
    start: number,
    end: number,
    gradients: Float64Array,
    hessians: Float64Array,
    features: Int32Array,
  ): Float64Array {
    const hist = this.#pool.pop() ?? new Float64Array(this.#features * FEATURE_STRIDE);
    const k = features.length;
    for (let s = 0; s < k; s++) {
      const base = features[s]! * FEATURE_STRIDE;
      hist.fill(0, base, base + FEATURE_STRIDE);
    }
    const ids = this.#rows;
    const codes = this.#codes;
    const F = this.#features;
    if (k === F) {
      for (let q = start; q < end; q++) {
        const r = ids[q]!;
        const gr = gradients[r]!;
        const hr = hessians[r]!;
        for (let f = 0, c = r * F, base = 0; f < F; f++, c++, base += FEATURE_STRIDE) {
          const j = base + codes[c]! * SLOTS;
          hist[j] = hist[j]! + gr;
          hist[j + 1] = hist[j + 1]! + hr;
          hist[j + 2] = hist[j + 2]! + 1;
        }
      }
    } else {
      for (let q = start; q < end; q++) {
        const r = ids[q]!;
        const gr = gradients[r]!;
        const hr = hessians[r]!;
        const c = r * F;
        for (let s = 0; s < k; s++) {
          const f = features[s]!;
          const j = f * FEATURE_STRIDE + codes[c + f]! * SLOTS;
          hist[j] = hist[j]! + gr;
          hist[j + 1] = hist[j + 1]! + hr;
          hist[j + 2] = hist[j + 2]! + 1;
        }
      }
    }
    return hist;
  }

  #release(hist: Float64Array): void {
    this.#pool.push(hist);
  }
}

/** Growable node arrays of one tree. */
class NodeList {
  feature = new Int16Array(64);
  bin = new Uint8Array(64);
  right = new Int32Array(64);
  value = new Float64Array(64);
  gain = new Float64Array(64);
  hessian = new Float64Array(64);
  size = 0;

  add(value: number, hessian: number): number {
    if (this.size === this.feature.length) this.#grow();
    const id = this.size++;
    this.feature[id] = -1;
    this.right[id] = -1;
    this.value[id] = value;
    this.hessian[id] = hessian;
    return id;
  }

  #grow(): void {
    const c = this.feature.length * 2;
    const f = new Int16Array(c);
    f.set(this.feature);
    this.feature = f;
    const b = new Uint8Array(c);
    b.set(this.bin);
    this.bin = b;
    const r = new Int32Array(c);
    r.set(this.right);
    this.right = r;
    for (const key of ['value', 'gain', 'hessian'] as const) {
      const a = new Float64Array(c);
      a.set(this[key]);
      this[key] = a;
    }
  }

  build(): BoostedTreeNodes {
    const k = this.size;
    return {
      feature: this.feature.slice(0, k),
      bin: this.bin.slice(0, k),
      right: this.right.slice(0, k),
      value: this.value.slice(0, k),
      gain: this.gain.slice(0, k),
      hessian: this.hessian.slice(0, k),
    };
  }
}
