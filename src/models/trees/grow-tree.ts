import { type RandomGenerator, unsafeUniformIntDistribution } from 'pure-rand';
import type { BinnedFeatures } from './bin-features.js';
import { DecisionTree } from './decision-tree.js';

export interface TreeOptions {
  /** Deepest level a split may create (root = 0); null: no limit, grow until leaves are pure. @default null */
  maxDepth?: number | null;
  /** Fewest (weighted) training rows in a leaf. @default 1 */
  minSamplesLeaf?: number;
  /**
   * Features drawn, without replacement, at each split; a feature constant within the node does not count, so up to
   * this many varying ones are tried (scikit-learn's rule). ≥ the number of features: all, in order, no randomness.
   * @default all
   */
  maxFeatures?: number;
}

export interface GrowOptions extends TreeOptions {
  /** The training rows (ids into the binned features; ascending keeps ties in row order). @default every row */
  rows?: Int32Array;
  /**
   * Weight of each row, indexed by row id: a bootstrap's multiplicities, whole numbers 1 .. 127 for the rows in
   * `rows` (others are not read). @default 1
   */
  weights?: ArrayLike<number>;
  /** Draws the features of each split; needed only when maxFeatures < the number of features. */
  rng?: RandomGenerator;
}

const PACK = 2 ** 26;
const MAX_WEIGHT = 127;

/**
 * Grows binary classification trees (CART, gini impurity) on binned features; one grower serves every tree of a
 * forest (the row-major copy of the bins and the work arrays are made once).
 *
 * At each node, one pass over the node's rows builds the histograms of all the features tried at once — weighted
 * rows and positives per bin — then each histogram is scanned once for its best threshold, and the node's rows are
 * partitioned in place (stably). Depth-first, nodes stored in pre-order. A node
 * becomes a leaf when it is pure, at maxDepth, too small for two leaves of minSamplesLeaf, or when no tried feature
 * varies in it. As in scikit-learn, an impure node is split even when the best split does not lower the impurity
 * (so fully grown trees separate every separable row). Cost: O(rows in node × tried features) per node, plus
 * O(bins) per tried feature of a node of ≥ 256 rows.
 *
 * Memory layout, for speed on 10⁶ rows: each row is a record of one byte per feature plus one byte holding its
 * weight (≤ 127) and label, padded to whole 32-bit words; a tree works on its own copy of its rows' records, and the
 * partition moves the records themselves, so a node's rows are always contiguous and every histogram pass streams
 * through memory instead of jumping around it. A 256-entry table turns the weight-and-label byte into w + w·y·2²⁶,
 * weight and positive weight packed in one float (exact while the totals stay below 2²⁶).
 */
export class TreeGrower {
  readonly #binned: BinnedFeatures;
  readonly #labels: Uint8Array;
  readonly #features: number;
  /** Bytes (a multiple of 4) and 32-bit words per row record. */
  readonly #stride: number;
  readonly #words: number;
  /** Every row's record (weight byte unset), row-major. */
  readonly #data: Uint32Array;
  readonly #bins: Int32Array;
  readonly #lut: Float64Array;
  /** The records of the tree being grown, in node order; and room for a partition's right side. */
  readonly #rows: Uint32Array;
  readonly #scratch: Uint32Array;
  readonly #hist: Float64Array;
  readonly #filled: Int32Array;
  readonly #present = new Int32Array(256);
  readonly #perm: Int32Array;
  readonly #batch: Int32Array;

  constructor(binned: BinnedFeatures, labels: Uint8Array) {
    const n = binned.rows;
    const F = binned.codes.length;
    if (labels.length !== n) throw new RangeError(`growTree: ${labels.length} labels for ${n} rows`);
    if (F === 0 || F > 32_767) throw new RangeError(`growTree: expected 1 .. 32767 features, got ${F}`);
    for (let i = 0; i < n; i++)
      if (labels[i]! > 1) throw new RangeError(`growTree: labels must be 0 or 1, row ${i} has ${labels[i]}`);
    this.#binned = binned;
    this.#labels = labels;
    this.#features = F;
    this.#words = Math.ceil((F + 1) / 4);
    this.#stride = this.#words * 4;
    this.#data = new Uint32Array(n * this.#words);
    const bytes = new Uint8Array(this.#data.buffer);
    for (let f = 0; f < F; f++) {
      const codes = binned.codes[f]!;
      for (let i = 0, j = f; i < n; i++, j += this.#stride) bytes[j] = codes[i]!;
    }
    this.#bins = Int32Array.from(binned.cuts, (c) => c.length + 1);
    this.#lut = new Float64Array(256);
    for (let b = 0; b < 256; b++) {
      const w = b & MAX_WEIGHT;
      this.#lut[b] = w + (b >>> 7) * w * PACK;
    }
    this.#rows = new Uint32Array(n * this.#words);
    this.#scratch = new Uint32Array(n * this.#words);
    this.#hist = new Float64Array(F * 256);
    this.#filled = new Int32Array(F * 8);
    this.#perm = new Int32Array(F);
    this.#batch = new Int32Array(F);
  }

  grow(options: GrowOptions = {}): DecisionTree {
    const { maxDepth = null, minSamplesLeaf = 1, rng } = options;
    const F = this.#features;
    const mtry = Math.min(options.maxFeatures ?? F, F);
    if (!(mtry >= 1 && Number.isInteger(mtry)))
      throw new RangeError(`growTree: maxFeatures must be a whole number >= 1, got ${options.maxFeatures}`);
    if (!(minSamplesLeaf > 0))
      throw new RangeError(`growTree: minSamplesLeaf must be > 0, got ${minSamplesLeaf}`);
    if (mtry < F && rng === undefined)
      throw new RangeError('growTree: drawing features at each split needs an rng');
    const depthLimit = maxDepth ?? Number.POSITIVE_INFINITY;
    const stride = this.#stride;
    const words = this.#words;
    const lut = this.#lut;
    const rows32 = this.#rows;
    const rows8 = new Uint8Array(rows32.buffer);
    const scratch = this.#scratch;
    const hist = this.#hist;
    const filled = this.#filled;
    const present = this.#present;
    const perm = this.#perm;
    const batch = this.#batch;
    const bins = this.#bins;
    const labels = this.#labels;
    for (let f = 0; f < F; f++) perm[f] = f;

    // The records of the tree's rows, with their weight-and-label bytes.
    const n = this.#binned.rows;
    const ids = options.rows;
    const m = ids ? ids.length : n;
    const data = this.#data;
    const weights = options.weights;
    let totalW = 0;
    let totalP = 0;
    for (let k = 0; k < m; k++) {
      const r = ids ? ids[k]! : k;
      if (!(r >= 0 && r < n)) throw new RangeError(`growTree: row ${r} is not in 0 .. ${n - 1}`);
      const w = weights === undefined ? 1 : weights[r]!;
      if (!(Number.isInteger(w) && w >= 1 && w <= MAX_WEIGHT))
        throw new RangeError(
          `growTree: weights must be whole numbers in 1 .. ${MAX_WEIGHT}, row ${r} has ${w}`,
        );
      const y = labels[r]!;
      for (let j = 0; j < words; j++) rows32[k * words + j] = data[r * words + j]!;
      rows8[k * stride + F] = w | (y << 7);
      totalW += w;
      totalP += y * w;
    }
    if (totalW >= PACK) throw new RangeError(`growTree: total weight ${totalW} is over 2^26`);

    const nodes = new NodeBuilder(Math.min(1024, 2 * m + 1));
    // Tasks: start, end, depth, parent (whose right child this is; −1 for a left child), weight, positives.
    const stack: number[] = [0, m, 0, -1, totalW, totalP];
    while (stack.length > 0) {
      const P = stack.pop()!;
      const W = stack.pop()!;
      const parent = stack.pop()!;
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const start = stack.pop()!;
      const id = nodes.add(W, W > 0 ? P / W : 0);
      if (parent >= 0) nodes.right[parent] = id;
      if (P <= 0 || P >= W || depth >= depthLimit || W < 2 * minSamplesLeaf || end - start < 2) continue;

      let bestScore = Number.POSITIVE_INFINITY;
      let bestFeature = -1;
      let bestCut = -1;
      let bestW = 0;
      let bestP = 0;
      let varying = 0;
      let drawn = 0;
      // A node of fewer rows than bins marks the bins it fills in 256-bit sets instead of scanning every bin.
      const small = end - start < 256;
      while (varying < mtry && drawn < F) {
        const k = Math.min(mtry - varying, F - drawn);
        for (let s = 0; s < k; s++) {
          const j = drawn + s;
          if (mtry < F) {
            const pick = j + unsafeUniformIntDistribution(0, F - 1 - j, rng!);
            const t = perm[j]!;
            perm[j] = perm[pick]!;
            perm[pick] = t;
          }
          batch[s] = perm[j]!;
        }
        drawn += k;
        if (small) {
          for (let base = start * stride, last = end * stride; base < last; base += stride) {
            const v = lut[rows8[base + F]!]!;
            for (let s = 0; s < k; s++) {
              const c = rows8[base + batch[s]!]!;
              const h = (s << 8) | c;
              hist[h] = hist[h]! + v;
              const word = (s << 3) | (c >>> 5);
              filled[word] = filled[word]! | (1 << (c & 31));
            }
          }
        } else {
          for (let base = start * stride, last = end * stride; base < last; base += stride) {
            const v = lut[rows8[base + F]!]!;
            for (let s = 0; s < k; s++) {
              const h = (s << 8) | rows8[base + batch[s]!]!;
              hist[h] = hist[h]! + v;
            }
          }
        }
        for (let s = 0; s < k; s++) {
          const f = batch[s]!;
          const hs = s << 8;
          // The non-empty bins, ascending.
          let count = 0;
          if (small) {
            for (let word = s << 3, last = word + 8; word < last; word++) {
              let bits = filled[word]!;
              filled[word] = 0;
              while (bits !== 0) {
                const low = bits & -bits;
                present[count++] = ((word & 7) << 5) | (31 - Math.clz32(low));
                bits ^= low;
              }
            }
          } else {
            for (let c = 0, nb = bins[f]!; c < nb; c++) if (hist[hs | c]! > 0) present[count++] = c;
          }
          if (count > 1) {
            varying++;
            let wL = 0;
            let pL = 0;
            for (let a = 0; a < count - 1; a++) {
              const h = hist[hs | present[a]!]!;
              const hp = Math.floor(h / PACK);
              pL += hp;
              wL += h - hp * PACK;
              const wR = W - wL;
              if (wL < minSamplesLeaf || wR < minSamplesLeaf) continue;
              const pR = P - pL;
              // Σ over children of weight × gini / 2 (binary gini = 2p(1 − p)): smaller is better.
              const score = (pL * (wL - pL)) / wL + (pR * (wR - pR)) / wR;
              if (score < bestScore) {
                bestScore = score;
                bestFeature = f;
                bestCut = (present[a]! + present[a + 1]! - 1) >> 1; // middle of the empty bins between the sides
                bestW = wL;
                bestP = pL;
              }
            }
          }
          for (let a = 0; a < count; a++) hist[hs | present[a]!] = 0;
        }
      }
      if (bestFeature < 0) continue;

      // Stable partition of the records (branch-free: the side is a coin flip to the CPU, so write both, advance one).
      let left = start;
      let rightCount = 0;
      if (words === 3) {
        // The common shapes, unrolled (11 features: AIP's; up to 15: the benchmark's 12).
        for (let q = start; q < end; q++) {
          const toLeft = ((bestCut - rows8[q * stride + bestFeature]!) >>> 31) ^ 1;
          const from = q * 3;
          const x0 = rows32[from]!;
          const x1 = rows32[from + 1]!;
          const x2 = rows32[from + 2]!;
          const to = left * 3;
          rows32[to] = x0;
          rows32[to + 1] = x1;
          rows32[to + 2] = x2;
          const spare = rightCount * 3;
          scratch[spare] = x0;
          scratch[spare + 1] = x1;
          scratch[spare + 2] = x2;
          left += toLeft;
          rightCount += toLeft ^ 1;
        }
      } else if (words === 4) {
        for (let q = start; q < end; q++) {
          const toLeft = ((bestCut - rows8[q * stride + bestFeature]!) >>> 31) ^ 1;
          const from = q << 2;
          const x0 = rows32[from]!;
          const x1 = rows32[from + 1]!;
          const x2 = rows32[from + 2]!;
          const x3 = rows32[from + 3]!;
          const to = left << 2;
          rows32[to] = x0;
          rows32[to + 1] = x1;
          rows32[to + 2] = x2;
          rows32[to + 3] = x3;
          const spare = rightCount << 2;
          scratch[spare] = x0;
          scratch[spare + 1] = x1;
          scratch[spare + 2] = x2;
          scratch[spare + 3] = x3;
          left += toLeft;
          rightCount += toLeft ^ 1;
        }
      } else {
        for (let q = start; q < end; q++) {
          const toLeft = ((bestCut - rows8[q * stride + bestFeature]!) >>> 31) ^ 1;
          for (let j = 0, from = q * words, to = left * words, spare = rightCount * words; j < words; j++) {
            const x = rows32[from + j]!;
            rows32[to + j] = x;
            scratch[spare + j] = x;
          }
          left += toLeft;
          rightCount += toLeft ^ 1;
        }
      }
      rows32.set(scratch.subarray(0, rightCount * words), left * words);
      nodes.feature[id] = bestFeature;
      nodes.threshold[id] = this.#binned.cuts[bestFeature]![bestCut]!;
      stack.push(left, end, depth + 1, id, W - bestW, P - bestP);
      stack.push(start, left, depth + 1, -1, bestW, bestP);
    }
    return nodes.build();
  }
}

/** One tree (see TreeGrower); for many trees on the same data, make one TreeGrower and call grow for each. */
export function growTree(
  binned: BinnedFeatures,
  labels: Uint8Array,
  options: GrowOptions = {},
): DecisionTree {
  return new TreeGrower(binned, labels).grow(options);
}

/** Growable node arrays. */
class NodeBuilder {
  feature: Int16Array;
  threshold: Float64Array;
  right: Int32Array;
  value: Float64Array;
  weight: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.feature = new Int16Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity);
    this.weight = new Float64Array(capacity);
  }

  /** A new node, a leaf until told otherwise. */
  add(weight: number, value: number): number {
    if (this.size === this.feature.length) this.grow();
    const id = this.size++;
    this.feature[id] = -1;
    this.threshold[id] = 0;
    this.right[id] = -1;
    this.value[id] = value;
    this.weight[id] = weight;
    return id;
  }

  private grow(): void {
    const c = this.feature.length * 2;
    const grown = <T extends Int16Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    this.feature = grown(this.feature, (k) => new Int16Array(k));
    this.threshold = grown(this.threshold, (k) => new Float64Array(k));
    this.right = grown(this.right, (k) => new Int32Array(k));
    this.value = grown(this.value, (k) => new Float64Array(k));
    this.weight = grown(this.weight, (k) => new Float64Array(k));
  }

  build(): DecisionTree {
    const k = this.size;
    return new DecisionTree({
      feature: this.feature.slice(0, k),
      threshold: this.threshold.slice(0, k),
      right: this.right.slice(0, k),
      value: this.value.slice(0, k),
      weight: this.weight.slice(0, k),
    });
  }
}
