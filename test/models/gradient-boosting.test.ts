import { describe, expect, it } from 'vitest';
import { trainLogisticRegression } from '../../src/models/linear/train-logistic-regression.js';
import { binFeatures } from '../../src/models/trees/bin-features.js';
import type { GradientBoostedTrees } from '../../src/models/trees/gradient-boosted-trees.js';
import { seededGenerator } from '../../src/models/trees/mix-seed.js';
import { syntheticAttackers } from '../../src/models/trees/synthetic-attackers.js';
import { trainForest } from '../../src/models/trees/train-forest.js';
import {
  type GradientBoostingOptions,
  trainGradientBoosting,
} from '../../src/models/trees/train-gradient-boosting.js';

/** Uniform numbers in [0, 1) from a seeded stream. */
function uniforms(seed: number) {
  const rng = seededGenerator(seed, 0);
  return () => (rng.unsafeNext() >>> 0) / 4_294_967_296;
}

/** AUC by brute force: the share of (positive, negative) pairs ranked right, ties counting ½. */
function bruteAuc(p: ArrayLike<number>, y: Uint8Array): number {
  let right = 0;
  let pairs = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      pairs++;
      if (p[i]! > p[j]!) right++;
      else if (p[i] === p[j]) right += 0.5;
    }
  }
  return right / pairs;
}

function logLoss(p: ArrayLike<number>, y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(y[i] ? p[i]! : 1 - p[i]!);
  return s / y.length;
}

const sigmoid = (s: number) => 1 / (1 + Math.exp(-s));

// ---- The obviously-correct reference: plain arrays, every bin boundary of every feature tried by filtering rows.

interface RefNode {
  feature: number; // −1: leaf
  bin: number;
  value: number;
  gain: number;
  left?: RefNode;
  right?: RefNode;
}

interface RefSettings {
  rounds: number;
  learningRate: number;
  maxDepth: number;
  minChildWeight: number;
  lambda: number;
  gamma: number;
}

function referenceBoosting(codes: number[][], bins: number[], labels: number[], s: RefSettings) {
  const n = labels.length;
  const mean = labels.reduce((a, b) => a + b, 0) / n;
  const initialScore = Math.log(mean / (1 - mean));
  const scores = labels.map(() => initialScore);
  const trees: RefNode[] = [];
  const sum = (rows: number[], v: number[]) => rows.reduce((a, i) => a + v[i]!, 0);
  for (let t = 0; t < s.rounds; t++) {
    const g = scores.map((x, i) => sigmoid(x) - labels[i]!);
    const h = scores.map((x) => sigmoid(x) * (1 - sigmoid(x)));
    const grow = (rows: number[], depth: number): RefNode => {
      const G = sum(rows, g);
      const H = sum(rows, h);
      const leaf: RefNode = { feature: -1, bin: -1, value: (-G / (H + s.lambda)) * s.learningRate, gain: 0 };
      if (depth >= s.maxDepth) return leaf;
      const parentScore = (G * G) / (H + s.lambda);
      let best: { f: number; b: number; gain: number; left: number[]; right: number[] } | null = null;
      for (let f = 0; f < bins.length; f++) {
        for (let b = 0; b < bins[f]! - 1; b++) {
          const left = rows.filter((i) => codes[i]![f]! <= b);
          const right = rows.filter((i) => codes[i]![f]! > b);
          if (left.length === 0 || right.length === 0) continue;
          const [gL, hL, gR, hR] = [sum(left, g), sum(left, h), sum(right, g), sum(right, h)];
          if (hL < s.minChildWeight || hR < s.minChildWeight) continue;
          const gain = (gL * gL) / (hL + s.lambda) + (gR * gR) / (hR + s.lambda) - parentScore;
          if (best === null || gain > best.gain + 1e-12 * Math.abs(best.gain))
            best = { f, b, gain, left, right };
        }
      }
      if (best === null || !(best.gain > s.gamma && best.gain > 1e-12 * parentScore)) return leaf;
      return {
        feature: best.f,
        bin: best.b,
        value: leaf.value,
        gain: best.gain,
        left: grow(best.left, depth + 1),
        right: grow(best.right, depth + 1),
      };
    };
    const tree = grow(
      labels.map((_, i) => i),
      0,
    );
    trees.push(tree);
    for (let i = 0; i < n; i++) {
      let node = tree;
      while (node.feature >= 0) node = codes[i]![node.feature]! <= node.bin ? node.left! : node.right!;
      scores[i] = scores[i]! + node.value;
    }
  }
  return { initialScore, trees };
}

/** The reference tree in the model's pre-order layout: [feature, threshold, value, gain] per node. */
function flatten(node: RefNode, cuts: readonly Float64Array[], out: number[][] = []): number[][] {
  out.push([node.feature, node.feature < 0 ? 0 : cuts[node.feature]![node.bin]!, node.value, node.gain]);
  if (node.left) flatten(node.left, cuts, out);
  if (node.right) flatten(node.right, cuts, out);
  return out;
}

function modelTree(model: GradientBoostedTrees, t: number): number[][] {
  const start = model.roots[t]!;
  const end = t + 1 < model.treeCount ? model.roots[t + 1]! : model.nodeCount;
  const out: number[][] = [];
  for (let i = start; i < end; i++)
    out.push([model.feature[i]!, model.threshold[i]!, model.value[i]!, model.gain[i]!]);
  return out;
}

/** A small problem with a few distinct values per feature (so nodes have ties, empty bins and bin boundaries). */
function tinyProblem(seed: number, rows: number, features: number, levels: number) {
  const u = uniforms(seed);
  const columns = Array.from({ length: features }, () =>
    Float64Array.from({ length: rows }, () => Math.floor(u() * levels) * 1.5),
  );
  const labels = Uint8Array.from({ length: rows }, (_, i) => {
    const logit = columns[0]![i]! - columns[1]![i]! + (features > 2 ? 0.5 * columns[2]![i]! : 0) - 1;
    return u() < sigmoid(logit) ? 1 : 0;
  });
  return { columns, labels };
}

describe('trainGradientBoosting', () => {
  it.each<[string, number, Partial<RefSettings>]>([
    ['defaults, depth 3', 1, {}],
    ['lambda 0.3, minChildWeight 0.5', 2, { lambda: 0.3, minChildWeight: 0.5 }],
    ['gamma 0.4 prunes weak splits', 3, { gamma: 0.4 }],
    ['minChildWeight 0, learning rate 1', 4, { minChildWeight: 0, learningRate: 1 }],
    ['deep trees, 4 features, 12 levels', 5, { maxDepth: 5 }],
  ])('equals the brute-force exhaustive split search on tiny data (%s)', (_, seed, overrides) => {
    const settings: RefSettings = {
      rounds: 6,
      learningRate: 0.3,
      maxDepth: 3,
      minChildWeight: 1,
      lambda: 1,
      gamma: 0,
      ...overrides,
    };
    const { columns, labels } = tinyProblem(seed, 70, seed === 5 ? 4 : 3, seed === 5 ? 12 : 6);
    const binned = binFeatures(columns);
    const codes = Array.from({ length: labels.length }, (_, i) => binned.codes.map((c) => c[i]!));
    const ref = referenceBoosting(
      codes,
      binned.cuts.map((c) => c.length + 1),
      [...labels],
      settings,
    );
    const model = trainGradientBoosting(columns, labels, settings);
    expect(model.initialScore).toBeCloseTo(ref.initialScore, 12);
    expect(model.treeCount).toBe(settings.rounds);
    let splits = 0;
    for (let t = 0; t < settings.rounds; t++) {
      const want = flatten(ref.trees[t]!, binned.cuts);
      const got = modelTree(model, t);
      expect(got.map((r) => r.slice(0, 2))).toEqual(want.map((r) => r.slice(0, 2))); // structure, exactly
      got.forEach((row, i) => {
        expect(row[2]).toBeCloseTo(want[i]![2]!, 10);
        expect(row[3]).toBeCloseTo(want[i]![3]!, 9);
      });
      splits += want.filter((r) => r[0]! >= 0).length;
    }
    expect(splits).toBeGreaterThan(settings.rounds); // the trees do split
    // Predictions on the training rows: the reference's scores.
    const raw = model.predictRaw(columns);
    for (let i = 0; i < labels.length; i++) {
      let s = ref.initialScore;
      for (const tree of ref.trees) {
        let node = tree;
        while (node.feature >= 0) node = codes[i]![node.feature]! <= node.bin ? node.left! : node.right!;
        s += node.value;
      }
      expect(raw[i]).toBeCloseTo(s, 10);
    }
  });

  it('training log-loss never increases from round to round (learningRate ≤ 1, lambda > 0)', () => {
    const data = syntheticAttackers({ rows: 4000, seed: 11 });
    for (const learningRate of [0.05, 0.3, 1]) {
      const model = trainGradientBoosting(data.columns, data.labels, { rounds: 40, learningRate, lambda: 1 });
      let previous = Number.POSITIVE_INFINITY;
      const losses: number[] = [];
      for (let t = 0; t <= model.treeCount; t++) {
        const loss = logLoss(model.predictRaw(data.columns, t).map(sigmoid), data.labels);
        losses.push(loss);
        expect(loss).toBeLessThanOrEqual(previous + 1e-12);
        previous = loss;
      }
      expect(losses.at(-1)!).toBeLessThan(losses[0]! - 0.05); // and it does go down
    }
  });

  it('learns XOR of two features, which logistic regression cannot', () => {
    const u = uniforms(21);
    const rows = 3000;
    const a = Float64Array.from({ length: rows }, () => u());
    const b = Float64Array.from({ length: rows }, () => u());
    const noise = Float64Array.from({ length: rows }, () => u());
    const labels = Uint8Array.from({ length: rows }, (_, i) => (a[i]! > 0.5 !== b[i]! > 0.5 ? 1 : 0));
    const train = [a, b, noise].map((c) => c.subarray(0, 2000));
    const test = [a, b, noise].map((c) => c.subarray(2000));
    const yTrain = labels.subarray(0, 2000);
    const yTest = labels.subarray(2000);
    const boosted = trainGradientBoosting(train, yTrain, { rounds: 50, maxDepth: 3 });
    const linear = trainLogisticRegression(train, yTrain);
    const accuracy = (p: Float64Array) =>
      p.reduce((s, q, i) => s + ((q > 0.5 ? 1 : 0) === yTest[i] ? 1 : 0), 0);
    expect(accuracy(boosted.predictProbability(test)) / 1000).toBeGreaterThan(0.97);
    expect(bruteAuc(boosted.predictProbability(test), yTest)).toBeGreaterThan(0.99);
    expect(bruteAuc(linear.predictProbability(test), yTest)).toBeLessThan(0.6);
    // The noise feature is (nearly) never worth a split.
    const gains = boosted.featureGains();
    expect(gains[2]!).toBeLessThan(0.02 * (gains[0]! + gains[1]!));
  });

  it('on syntheticAttackers its held-out AUC is at least the random forest’s − 0.01', () => {
    const train = syntheticAttackers({ rows: 20_000, seed: 1 });
    const test = syntheticAttackers({ rows: 3000, seed: 2 });
    const boosted = trainGradientBoosting(train.columns, train.labels, { seed: 3 });
    const forest = trainForest(train.columns, train.labels, { trees: 30, seed: 3 });
    const boostedAuc = bruteAuc(boosted.predictProbability(test.columns), test.labels);
    const forestAuc = bruteAuc(forest.predictProbability(test.columns), test.labels);
    expect(boostedAuc).toBeGreaterThanOrEqual(forestAuc - 0.01);
    expect(boostedAuc).toBeGreaterThan(0.8);
    // The label follows days since last seen (column 9) most: it carries the most gain.
    const gains = boosted.featureGains();
    expect(gains.indexOf(Math.max(...gains))).toBe(9);
  });

  it('same seed ⇒ identical model; another seed with subsample < 1 ⇒ a different one', () => {
    const data = syntheticAttackers({ rows: 3000, seed: 4 });
    const options: GradientBoostingOptions = { rounds: 15, subsample: 0.7, colsample: 0.6, seed: 9 };
    const a = trainGradientBoosting(data.columns, data.labels, options);
    const b = trainGradientBoosting(data.columns, data.labels, options);
    expect(b).toEqual(a);
    const c = trainGradientBoosting(data.columns, data.labels, { ...options, seed: 10 });
    expect(c.predictRaw(data.columns)).not.toEqual(a.predictRaw(data.columns));
    const onlyRows = trainGradientBoosting(data.columns, data.labels, {
      rounds: 15,
      subsample: 0.7,
      seed: 10,
    });
    const onlyRows2 = trainGradientBoosting(data.columns, data.labels, {
      rounds: 15,
      subsample: 0.7,
      seed: 11,
    });
    expect(onlyRows2.predictRaw(data.columns)).not.toEqual(onlyRows.predictRaw(data.columns));
    // Without subsampling there is nothing to draw: the seed does not matter.
    const d = trainGradientBoosting(data.columns, data.labels, { rounds: 5, seed: 1 });
    const e = trainGradientBoosting(data.columns, data.labels, { rounds: 5, seed: 2 });
    expect(e).toEqual(d);
  });

  it('colsample: each tree splits only on its drawn features', () => {
    const data = syntheticAttackers({ rows: 2000, seed: 5 });
    const model = trainGradientBoosting(data.columns, data.labels, { rounds: 20, colsample: 0.25, seed: 1 });
    for (let t = 0; t < model.treeCount; t++) {
      const used = new Set(
        modelTree(model, t)
          .map((r) => r[0])
          .filter((f) => f! >= 0),
      );
      expect(used.size).toBeLessThanOrEqual(3); // round(0.25 × 12)
    }
  });

  it('scalePosWeight weighs the positives: the initial score and the predictions move up', () => {
    const data = syntheticAttackers({ rows: 2000, seed: 6 });
    const plain = trainGradientBoosting(data.columns, data.labels, { rounds: 10 });
    const weighted = trainGradientBoosting(data.columns, data.labels, { rounds: 10, scalePosWeight: 3 });
    const positives = data.labels.reduce((a, y) => a + y, 0);
    const negatives = data.labels.length - positives;
    expect(plain.initialScore).toBeCloseTo(Math.log(positives / negatives), 12);
    expect(weighted.initialScore).toBeCloseTo(Math.log((3 * positives) / negatives), 12);
    const mean = (p: Float64Array) => p.reduce((a, b) => a + b, 0) / p.length;
    expect(mean(weighted.predictProbability(data.columns))).toBeGreaterThan(
      mean(plain.predictProbability(data.columns)) + 0.1,
    );
  });

  it('one class only: no trees, a finite initial score', () => {
    const columns = [Float64Array.from([1, 2, 3, 4])];
    const none = trainGradientBoosting(columns, new Uint8Array(4));
    expect(none.treeCount).toBe(0);
    expect(none.initialScore).toBeCloseTo(Math.log(0.1 / 0.9), 12); // (0 + ½) / (4 + 1)
    expect([...none.predictProbability(columns)]).toEqual(Array(4).fill(sigmoid(none.initialScore)));
    expect(trainGradientBoosting(columns, Uint8Array.of(1, 1, 1, 1)).initialScore).toBeCloseTo(
      Math.log(0.9 / 0.1),
      12,
    );
  });

  it.each<[keyof GradientBoostingOptions, unknown]>([
    ['rounds', -1],
    ['rounds', 2.5],
    ['learningRate', 0],
    ['maxDepth', 0],
    ['minChildWeight', -1],
    ['lambda', -0.1],
    ['gamma', Number.NaN],
    ['subsample', 0],
    ['subsample', 1.5],
    ['colsample', 0],
    ['scalePosWeight', 0],
    ['maxBins', 1],
    ['seed', 0.5],
  ])('rejects a bad %s (%s), naming it', (name, value) => {
    const data = syntheticAttackers({ rows: 50, seed: 1 });
    expect(() => trainGradientBoosting(data.columns, data.labels, { [name]: value })).toThrow(
      new RegExp(`^${name} must be`),
    );
  });

  it('rejects labels other than 0/1 and a label count that does not match', () => {
    const columns = [Float64Array.from([1, 2, 3])];
    expect(() => trainGradientBoosting(columns, Uint8Array.of(0, 2, 1))).toThrow(/labels must be 0 or 1/);
    expect(() => trainGradientBoosting(columns, Uint8Array.of(0, 1))).toThrow(/2 labels for 3 rows/);
    const model = trainGradientBoosting(columns, Uint8Array.of(0, 1, 1), { rounds: 1 });
    expect(() => model.predictProbability([...columns, ...columns])).toThrow(
      /expected 1 feature columns, got 2/,
    );
  });
});
