import { describe, expect, it } from 'vitest';
import {
  type LogisticRegressionOptions,
  trainLogisticRegression,
} from '../../src/models/linear/train-logistic-regression.js';
import { seededGenerator } from '../../src/models/trees/mix-seed.js';

const sigmoid = (s: number) => 1 / (1 + Math.exp(-s));

/** Uniform numbers in (0, 1) and standard normals from a seeded stream. */
function draws(seed: number) {
  const rng = seededGenerator(seed, 0);
  const uniform = () => ((rng.unsafeNext() >>> 0) + 0.5) / 4_294_967_296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

/** Rows drawn from a logistic model with the given intercept and coefficients over the given feature samplers. */
function logisticSample(
  seed: number,
  rows: number,
  intercept: number,
  beta: number[],
  feature: (() => number)[],
) {
  const { uniform } = draws(seed + 1000);
  const columns = feature.map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    let eta = intercept;
    feature.forEach((draw, f) => {
      const x = draw();
      columns[f]![i] = x;
      eta += beta[f]! * x;
    });
    labels[i] = uniform() < sigmoid(eta) ? 1 : 0;
  }
  return { columns, labels };
}

/**
 * The reference: plain gradient descent on the same penalised objective Σ log(1 + e^η) − yη + (λ/2)‖β‖² over the
 * (optionally standardized) features, intercept unpenalised, with the safe step 1/L (L bounds the curvature:
 * ¼·trace(ZᵀZ) + λ), run until the gradient vanishes.
 */
function gradientDescent(columns: Float64Array[], labels: Uint8Array, l2: number, standardize: boolean) {
  const n = labels.length;
  const F = columns.length;
  const mean = columns.map((c) => (standardize ? c.reduce((a, b) => a + b, 0) / n : 0));
  const sd = columns.map((c, f) =>
    standardize ? Math.sqrt(c.reduce((a, b) => a + (b - mean[f]!) ** 2, 0) / n) : 1,
  );
  const z = Array.from({ length: n }, (_, i) => [1, ...columns.map((c, f) => (c[i]! - mean[f]!) / sd[f]!)]);
  let trace = 0;
  for (const row of z) for (const v of row) trace += v * v;
  const step = 1 / (0.25 * trace + l2);
  const beta = new Array(F + 1).fill(0);
  for (let it = 0; it < 2_000_000; it++) {
    const grad: number[] = beta.map((b, a) => (a === 0 ? 0 : l2 * b));
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      const p = sigmoid(row.reduce((s, v, a) => s + v * beta[a]!, 0));
      for (let a = 0; a <= F; a++) grad[a] = grad[a]! + (p - labels[i]!) * row[a]!;
    }
    if (Math.max(...grad.map(Math.abs)) < 1e-11) break;
    for (let a = 0; a <= F; a++) beta[a] -= step * grad[a]!;
  }
  return { intercept: beta[0]!, coefficients: beta.slice(1), mean, sd };
}

describe('trainLogisticRegression', () => {
  it('recovers the coefficients of the logistic model a large seeded sample was drawn from', () => {
    const { normal, uniform } = draws(1);
    const truth = { intercept: -1, beta: [0.8, -0.5, 0.3] };
    const { columns, labels } = logisticSample(1, 100_000, truth.intercept, truth.beta, [
      normal,
      () => 3 + 2 * normal(),
      () => 10 * uniform(),
    ]);
    const model = trainLogisticRegression(columns, labels);
    expect(model.converged).toBe(true);
    // Standard errors here are about 0.01 (coefficients) and 0.03 (intercept).
    model.coefficients.forEach((c, f) => {
      expect(Math.abs(c - truth.beta[f]!)).toBeLessThan(0.04);
    });
    expect(Math.abs(model.intercept - truth.intercept)).toBeLessThan(0.12);
  });

  it.each<[string, number, boolean]>([
    ['standardized, l2 = 0.5', 0.5, true],
    ['standardized, l2 = 3', 3, true],
    ['raw features, l2 = 0.5', 0.5, false],
  ])(
    'equals a brute-force gradient-descent minimisation of the same objective (%s)',
    (_, l2, standardize) => {
      const { normal, uniform } = draws(2);
      const { columns, labels } = logisticSample(
        2,
        80,
        0.3,
        [1.2, -0.7, 0.4],
        [normal, () => 2 + normal(), () => 4 * uniform()],
      );
      const ref = gradientDescent(columns, labels, l2, standardize);
      const model = trainLogisticRegression(columns, labels, { l2, standardize, tolerance: 1e-12 });
      expect(model.converged).toBe(true);
      expect(model.standardizedIntercept).toBeCloseTo(ref.intercept, 6);
      ref.coefficients.forEach((c, f) => {
        expect(model.standardizedCoefficients[f]).toBeCloseTo(c, 6);
        // Original scale, derived here independently: β_f / σ_f, and the intercept less Σ β_f μ_f / σ_f.
        expect(model.coefficients[f]).toBeCloseTo(c / ref.sd[f]!, 6);
      });
      const intercept = ref.coefficients.reduce(
        (s, c, f) => s - (c * ref.mean[f]!) / ref.sd[f]!,
        ref.intercept,
      );
      expect(model.intercept).toBeCloseTo(intercept, 6);
      // predictProbability is the sigmoid of intercept + Σ coefficients · x on the original scale.
      const p = model.predictProbability(columns);
      for (let i = 0; i < labels.length; i++) {
        const eta = model.coefficients.reduce((s, c, f) => s + c * columns[f]![i]!, model.intercept);
        expect(p[i]).toBeCloseTo(sigmoid(eta), 12);
      }
    },
  );

  it('perfectly separable data converge to a finite optimum, larger as l2 shrinks', () => {
    const x = Float64Array.from({ length: 40 }, (_, i) => i - 19.5);
    const other = Float64Array.from({ length: 40 }, (_, i) => (i * 7) % 5);
    const labels = Uint8Array.from(x, (v) => (v > 0 ? 1 : 0));
    let previous = 0;
    for (const l2 of [10, 1, 0.01, 1e-4]) {
      const model = trainLogisticRegression([x, other], labels, { l2 });
      expect(model.converged).toBe(true);
      expect(model.iterations).toBeLessThan(60);
      const beta = model.standardizedCoefficients[0]!;
      expect(Number.isFinite(beta)).toBe(true);
      expect(beta).toBeGreaterThan(previous);
      previous = beta;
      // The optimum: the gradient of the penalised loss vanishes (computed here on the standardized scale).
      const p = model.predictProbability([x, other]);
      let g0 = 0;
      let g1 = l2 * beta;
      let g2 = l2 * model.standardizedCoefficients[1]!;
      for (let i = 0; i < 40; i++) {
        const r = p[i]! - labels[i]!;
        g0 += r;
        g1 += (r * (x[i]! - model.means[0]!)) / model.scales[0]!;
        g2 += (r * (other[i]! - model.means[1]!)) / model.scales[1]!;
      }
      for (const g of [g0, g1, g2]) expect(Math.abs(g)).toBeLessThan(1e-6);
    }
    expect(previous).toBeGreaterThan(5);
  });

  it('a constant column gets coefficient 0 and changes nothing else', () => {
    const { normal } = draws(3);
    const { columns, labels } = logisticSample(3, 500, 0.2, [1, -1], [normal, normal]);
    const constant = new Float64Array(500).fill(5);
    for (const standardize of [true, false]) {
      const without = trainLogisticRegression(columns, labels, { standardize });
      const withIt = trainLogisticRegression([columns[0]!, constant, columns[1]!], labels, { standardize });
      expect(withIt.coefficients[1]).toBe(0);
      expect(withIt.standardizedCoefficients[1]).toBe(0);
      expect([withIt.coefficients[0], withIt.coefficients[2]]).toEqual([...without.coefficients]);
      expect(withIt.intercept).toBe(without.intercept);
      expect(withIt.predictProbability([columns[0]!, constant, columns[1]!])).toEqual(
        without.predictProbability(columns),
      );
    }
  });

  it('same data ⇒ identical model, inputs untouched', () => {
    const { normal } = draws(4);
    const { columns, labels } = logisticSample(4, 2000, 0, [0.5, 0.5, -1], [normal, normal, normal]);
    const copy = columns.map((c) => c.slice());
    const a = trainLogisticRegression(columns, labels, { l2: 2 });
    const b = trainLogisticRegression(columns, labels, { l2: 2 });
    expect(b).toEqual(a);
    expect(columns).toEqual(copy);
  });

  it('one class only: intercept log-odds((positives + ½) / (rows + 1)), coefficients 0', () => {
    const columns = [Float64Array.from([1, 2, 3, 4]), Float64Array.from([0, 1, 0, 1])];
    const none = trainLogisticRegression(columns, new Uint8Array(4));
    expect(none.intercept).toBeCloseTo(Math.log(0.1 / 0.9), 12);
    expect([...none.coefficients]).toEqual([0, 0]);
    expect(new Set(none.predictProbability(columns)).size).toBe(1);
    const all = trainLogisticRegression(columns, Uint8Array.of(1, 1, 1, 1));
    expect(all.intercept).toBeCloseTo(Math.log(0.9 / 0.1), 12);
  });

  it('a larger l2 shrinks the standardized coefficients', () => {
    const { normal } = draws(5);
    const { columns, labels } = logisticSample(5, 300, 0, [2, -1], [normal, normal]);
    const norms = [0.1, 1, 10, 100].map((l2) =>
      Math.hypot(...trainLogisticRegression(columns, labels, { l2 }).standardizedCoefficients),
    );
    for (let k = 1; k < norms.length; k++) expect(norms[k]).toBeLessThan(norms[k - 1]!);
  });

  it.each<[keyof LogisticRegressionOptions, unknown]>([
    ['l2', -1],
    ['l2', Number.POSITIVE_INFINITY],
    ['maxIterations', 0],
    ['maxIterations', 1.5],
    ['tolerance', 0],
    ['standardize', 'yes'],
  ])('rejects a bad %s (%s), naming it', (name, value) => {
    const columns = [Float64Array.from([1, 2, 3])];
    expect(() => trainLogisticRegression(columns, Uint8Array.of(0, 1, 1), { [name]: value })).toThrow(
      new RegExp(`^${name} must be`),
    );
  });

  it('rejects bad labels, mismatched lengths and NaN', () => {
    const x = Float64Array.from([1, 2, 3]);
    expect(() => trainLogisticRegression([x], Uint8Array.of(0, 2, 1))).toThrow(/labels must be 0 or 1/);
    expect(() => trainLogisticRegression([x], Uint8Array.of(0, 1))).toThrow(/3 values for 2 labels/);
    expect(() =>
      trainLogisticRegression([Float64Array.of(1, Number.NaN, 2)], Uint8Array.of(0, 1, 1)),
    ).toThrow(/NaN/);
  });
});
