import { describe, expect, it } from 'vitest';
import { applyCuts, binFeatures } from '../../src/models/trees/bin-features.js';
import { DecisionTree } from '../../src/models/trees/decision-tree.js';
import { describeTree } from '../../src/models/trees/describe-tree.js';
import { growTree } from '../../src/models/trees/grow-tree.js';
import { mixSeed } from '../../src/models/trees/mix-seed.js';
import { syntheticAttackers } from '../../src/models/trees/synthetic-attackers.js';
import { featuresPerSplit, trainForest } from '../../src/models/trees/train-forest.js';
import { trainMlForest } from '../../src/models/trees/train-ml-forest.js';
import { trainTree } from '../../src/models/trees/train-tree.js';
import { testRng } from '../knowledge/memory-dataset.js';

const f64 = (xs: number[]) => Float64Array.from(xs);
const u8 = (xs: number[]) => Uint8Array.from(xs);

function accuracy(p: Float64Array, labels: Uint8Array): number {
  let ok = 0;
  for (let i = 0; i < p.length; i++) if ((p[i]! > 0.5 ? 1 : 0) === labels[i]) ok++;
  return ok / p.length;
}

describe('binFeatures', () => {
  it.each([
    {
      name: 'one bin per distinct value',
      values: [3, 1, 2, 2, 1],
      maxBins: 256,
      cuts: [1.5, 2.5],
      codes: [2, 0, 1, 1, 0],
    },
    { name: 'a constant column is one bin', values: [7, 7, 7], maxBins: 256, cuts: [], codes: [0, 0, 0] },
    { name: 'no rows', values: [], maxBins: 256, cuts: [], codes: [] },
    {
      name: 'infinities stay apart',
      values: [-Infinity, 0, Infinity],
      maxBins: 256,
      cuts: [-Infinity, 0],
      codes: [0, 1, 2],
    },
    // 10 values, 4 bins: greedy fill to (rows left)/(bins left); the run of five 1s stays in one bin.
    {
      name: 'a heavy value keeps its own bin',
      values: [1, 1, 1, 1, 1, 2, 3, 4, 5, 6],
      maxBins: 4,
      cuts: [1.5, 3.5, 5.5],
      codes: [0, 0, 0, 0, 0, 1, 1, 2, 2, 3],
    },
  ])('$name', ({ values, maxBins, cuts, codes }) => {
    const b = binFeatures([f64(values)], { maxBins });
    expect([...b.cuts[0]!]).toEqual(cuts);
    expect([...b.codes[0]!]).toEqual(codes);
    expect(b.rows).toBe(values.length);
  });

  it('on random heavy-tailed data: at most maxBins bins, codes ascending with values, x <= cuts[b] exactly when code <= b', () => {
    const r = testRng(5);
    for (const maxBins of [2, 3, 16, 256]) {
      const x = f64(
        Array.from({ length: 3000 }, () => (r(0, 3) === 0 ? 1 : Math.floor(Math.exp(r(0, 12_000) / 1000)))),
      );
      const { codes, cuts } = binFeatures([x], { maxBins });
      const c = cuts[0]!;
      expect(c.length + 1).toBeLessThanOrEqual(maxBins);
      for (let i = 1; i < c.length; i++) expect(c[i]!).toBeGreaterThan(c[i - 1]!);
      for (let i = 0; i < x.length; i++) {
        const code = codes[0]![i]!;
        if (code > 0) expect(x[i]!).toBeGreaterThan(c[code - 1]!);
        if (code < c.length) expect(x[i]!).toBeLessThanOrEqual(c[code]!);
      }
      expect([...applyCuts(x, c)]).toEqual([...codes[0]!]);
    }
  });

  it('refuses NaN, ragged columns and a bad maxBins', () => {
    expect(() => binFeatures([f64([1, Number.NaN])])).toThrow(/NaN/);
    expect(() => binFeatures([f64([1, 2]), f64([1])])).toThrow(/feature 1 has 1 values/);
    expect(() => binFeatures([f64([1])], { maxBins: 257 })).toThrow(/maxBins/);
  });
});

describe('growTree / trainTree', () => {
  it('separates separable data with pure leaves, thresholds halfway between the classes', () => {
    const x = f64([1, 2, 3, 10, 11, 12]);
    const tree = trainTree([x], u8([0, 0, 0, 1, 1, 1]));
    expect(tree.nodeCount).toBe(3);
    expect([...tree.feature]).toEqual([0, -1, -1]);
    expect(tree.threshold[0]).toBe(6.5); // (3 + 10) / 2
    expect([...tree.value]).toEqual([0.5, 0, 1]);
    expect([...tree.predictProbability([f64([0, 6.5, 6.6, 99])])]).toEqual([0, 0, 1, 1]);
  });

  it('splits an impure node even when no split lowers the gini (XOR), as scikit-learn does', () => {
    const a = f64([0, 0, 1, 1]);
    const b = f64([0, 1, 0, 1]);
    const y = u8([0, 1, 1, 0]);
    const tree = trainTree([a, b], y);
    expect(accuracy(tree.predictProbability([a, b]), y)).toBe(1);
    expect(tree.depth).toBe(2);
  });

  it('fully grown on distinct rows it fits the training data; maxDepth and minSamplesLeaf hold', () => {
    const { columns, labels } = syntheticAttackers({ rows: 1500, seed: 3 });
    columns[11] = f64(Array.from({ length: 1500 }, (_, i) => i)); // a unique id column: every row separable
    const full = trainTree(columns, labels);
    expect(accuracy(full.predictProbability(columns), labels)).toBe(1);
    for (const [maxDepth, minSamplesLeaf] of [
      [3, 1],
      [null, 25],
      [6, 40],
    ] as const) {
      const tree = trainTree(columns, labels, { maxDepth, minSamplesLeaf });
      expect(tree.depth).toBeLessThanOrEqual(maxDepth ?? 99);
      for (let i = 0; i < tree.nodeCount; i++)
        if (tree.feature[i]! < 0) expect(tree.weight[i]!).toBeGreaterThanOrEqual(minSamplesLeaf);
      expect(tree.weight[0]).toBe(1500);
    }
  });

  it('a tree applied to raw values routes every training row like its bins did (leaf shares match)', () => {
    const { columns, labels } = syntheticAttackers({ rows: 2000, seed: 9 });
    const binned = binFeatures(columns, { maxBins: 16 });
    const tree = growTree(binned, labels, { minSamplesLeaf: 5 });
    const sum = new Float64Array(tree.nodeCount);
    const count = new Float64Array(tree.nodeCount);
    for (let i = 0; i < labels.length; i++) {
      const leaf = tree.leafOf(columns, i);
      sum[leaf] = sum[leaf]! + labels[i]!;
      count[leaf] = count[leaf]! + 1;
    }
    for (let i = 0; i < tree.nodeCount; i++) {
      if (tree.feature[i]! >= 0) continue;
      expect(count[i]).toBe(tree.weight[i]);
      expect(sum[i]! / count[i]!).toBeCloseTo(tree.value[i]!, 12);
    }
  });

  it('refuses labels other than 0/1 and a feature draw without an rng', () => {
    const b = binFeatures([f64([1, 2])]);
    expect(() => growTree(b, u8([0, 2]))).toThrow(/labels must be 0 or 1/);
    expect(() => growTree(binFeatures([f64([1, 2]), f64([3, 4])]), u8([0, 1]), { maxFeatures: 1 })).toThrow(
      /rng/,
    );
  });
});

describe('trainForest', () => {
  const train = syntheticAttackers({ rows: 2000, seed: 1 });
  const test = syntheticAttackers({ rows: 2000, seed: 2 });

  it('same seed ⇒ identical trees; another seed ⇒ other trees; inputs untouched', () => {
    const before = train.columns.map((c) => c.slice());
    const a = trainForest(train.columns, train.labels, { trees: 5, seed: 11 });
    const b = trainForest(train.columns, train.labels, { trees: 5, seed: 11 });
    const c = trainForest(train.columns, train.labels, { trees: 5, seed: 12 });
    expect(a.trees.map((t) => [...t.threshold])).toEqual(b.trees.map((t) => [...t.threshold]));
    expect([...a.predictProbability(test.columns)]).toEqual([...b.predictProbability(test.columns)]);
    expect([...c.predictProbability(test.columns)]).not.toEqual([...a.predictProbability(test.columns)]);
    expect(train.columns).toEqual(before);
  });

  it('learns the synthetic problem (Bayes-optimal ≈ 0.83; majority class ≈ 0.74) and averages its trees', () => {
    const forest = trainForest(train.columns, train.labels, { trees: 30, seed: 4 });
    const p = forest.predictProbability(test.columns);
    expect(accuracy(p, test.labels)).toBeGreaterThan(0.775); // 0.7865 measured
    const mean = new Float64Array(p.length);
    for (const t of forest.trees) t.addProbabilities(test.columns, mean);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(mean[i]! / 30, 15);
    expect(Math.min(...p)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...p)).toBeLessThanOrEqual(1);
  });

  it.each([
    ['sqrt', 11, 3],
    ['sqrt', 12, 3],
    ['log2', 11, 3],
    ['all', 11, 11],
    [5, 11, 5],
    [50, 11, 11],
  ] as const)('featuresPerSplit(%s, %i) = %i', (spec, features, expected) => {
    expect(featuresPerSplit(spec, features)).toBe(expected);
  });

  it('mixSeed spreads neighbouring streams', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => mixSeed(0, i)));
    expect(seeds.size).toBe(1000);
    expect(mixSeed(1, 19_700)).not.toBe(mixSeed(2, 19_700));
  });
});

describe('describeTree', () => {
  it('prints indented if/else rules with feature names, thresholds and leaf probabilities', () => {
    // root: days_since <= 1.5 ? (flows <= 3.5 ? leaf : leaf) : leaf
    const tree = new DecisionTree({
      feature: Int16Array.from([1, 0, -1, -1, -1]),
      threshold: f64([1.5, 3.5, 0, 0, 0]),
      right: Int32Array.from([4, 3, -1, -1, -1]),
      value: f64([0.3, 0.6, 0.4, 0.8, 0.05]),
      weight: f64([100, 40, 20, 20, 60]),
    });
    expect(describeTree(tree, ['flows', 'days_since'], { probabilityName: 'p(attacked)' })).toBe(
      [
        'if days_since <= 1.5:',
        '  if flows <= 3.5:',
        '    p(attacked) = 0.4  (n = 20)',
        '  else:',
        '    p(attacked) = 0.8  (n = 20)',
        'else:',
        '  p(attacked) = 0.05  (n = 60)',
        '',
      ].join('\n'),
    );
  });
});

describe('ml-random-forest (reference engine)', () => {
  it("predictProbability drops the first tree's vote; the engine counts predictionValues instead", () => {
    const { columns, labels } = syntheticAttackers({ rows: 150, seed: 6 });
    const ml = trainMlForest(columns, labels, { trees: 5, maxFeatures: 'all', seed: 3 });
    const rows = Array.from({ length: 150 }, (_, i) => columns.map((c) => c[i]!));
    const votes = ml.forest.predictionValues(rows);
    const theirs = ml.forest.predictProbability(rows, 1);
    const ours = ml.predictProbability(columns);
    let differs = 0;
    for (let i = 0; i < rows.length; i++) {
      let ones = 0;
      for (let t = 0; t < 5; t++) ones += votes.get(i, t) === 1 ? 1 : 0;
      expect(ours[i]).toBe(ones / 5);
      const first = votes.get(i, 0) === 1 ? 1 : 0;
      // theirs = (votes of trees 2..5) / 5, plus the first label as 1e-6 after their rounding.
      expect(theirs[i]).toBeCloseTo((ones - first) / 5 + first * 1e-6, 9);
      if (first === 1) differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });
});
