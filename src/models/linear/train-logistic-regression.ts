import { LogisticRegressionModel } from './logistic-regression-model.js';
import { solveCholesky } from './solve-cholesky.js';

export interface LogisticRegressionOptions {
  /**
   * L2 penalty λ: the fit minimises Σ_i [log(1 + e^η_i) − y_i η_i] + (λ/2)·‖β‖² over the coefficients β on the
   * standardized features (the intercept is not penalised): scikit-learn's LogisticRegression with C = 1/λ.
   * @default 1
   */
  l2?: number;
  /** Newton steps at most. @default 100 */
  maxIterations?: number;
  /**
   * Converged when a Newton step moves no standardized coefficient (nor the intercept) by more than this, or when
   * the loss reduction it promises is below the rounding noise of the loss (10⁻¹² of it). @default 1e-8
   */
  tolerance?: number;
  /**
   * Centre each feature and divide it by its standard deviation (population) before fitting, so that the penalty
   * treats all features alike and the Newton system is well conditioned; false: fit (and penalise) raw values.
   * @default true
   */
  standardize?: boolean;
}

/** Armijo's sufficient-decrease constant for the backtracking line search. */
const ARMIJO = 1e-4;

/**
 * Fits an L2-penalised binary logistic regression by Newton's method (iteratively reweighted least squares):
 * each step solves (ZᵀWZ + λI) δ = −∇ by Cholesky, where Z is the standardized design with an intercept column
 * and W = diag(p(1 − p)), then backtracks (halving) until the penalised loss decreases enough (Armijo), which keeps
 * the iteration convergent from any start. O(rows · F²) per step and a handful of steps; no randomness, so the same
 * data give the same model.
 *
 * A constant column gets coefficient 0 (its effect is the intercept's). With λ > 0 the objective is strictly convex,
 * so perfectly separable data still have a finite optimum. With one class only, the maximum-likelihood intercept
 * is ±∞: the model is then the intercept log-odds((positives + ½) / (rows + 1)) with every coefficient 0, as
 * trainGradientBoosting's constant model. `columns[f][i]` is feature f of row i (no NaN); labels are 0/1.
 */
export function trainLogisticRegression(
  columns: readonly ArrayLike<number>[],
  labels: Uint8Array,
  options: LogisticRegressionOptions = {},
): LogisticRegressionModel {
  const { l2 = 1, maxIterations = 100, tolerance = 1e-8, standardize = true } = options;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`l2 must be >= 0, got ${l2}`);
  if (!(Number.isInteger(maxIterations) && maxIterations >= 1))
    throw new RangeError(`maxIterations must be a whole number >= 1, got ${maxIterations}`);
  if (!(tolerance > 0)) throw new RangeError(`tolerance must be > 0, got ${tolerance}`);
  if (typeof standardize !== 'boolean')
    throw new RangeError(`standardize must be true or false, got ${standardize}`);
  const F = columns.length;
  const n = labels.length;
  if (n === 0) throw new RangeError('trainLogisticRegression: no training rows');
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (y > 1) throw new RangeError(`trainLogisticRegression: labels must be 0 or 1, row ${i} has ${y}`);
    positives += y;
  }

  // Standardization; constant columns are left out of the fit.
  const means = new Float64Array(F);
  const scales = new Float64Array(F).fill(1);
  const active: number[] = [];
  for (let f = 0; f < F; f++) {
    const column = columns[f]!;
    if (column.length !== n)
      throw new RangeError(
        `trainLogisticRegression: feature ${f} has ${column.length} values for ${n} labels`,
      );
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = column[i]!;
      if (Number.isNaN(v))
        throw new RangeError(`trainLogisticRegression: feature ${f} has a NaN at row ${i}`);
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min === max) continue;
    active.push(f);
    if (!standardize) continue;
    const mean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (column[i]! - mean) ** 2;
    means[f] = mean;
    scales[f] = Math.sqrt(ss / n) || 1;
  }
  const coefficients = new Float64Array(F);
  const model = (intercept: number, iterations: number, converged: boolean) =>
    new LogisticRegressionModel({
      standardizedIntercept: intercept,
      standardizedCoefficients: coefficients,
      means,
      scales,
      iterations,
      converged,
    });
  if (positives === 0 || positives === n) {
    const p = (positives + 0.5) / (n + 1);
    return model(Math.log(p / (1 - p)), 0, true);
  }

  const K = active.length;
  const d = K + 1; // intercept first
  const cols = active.map((f) => columns[f]!);
  const mu = Float64Array.from(active, (f) => means[f]!);
  const inv = Float64Array.from(active, (f) => 1 / scales[f]!);
  const z = new Float64Array(d);
  z[0] = 1;
  const grad = new Float64Array(d);
  const hess = new Float64Array(d * d);

  /** The penalised loss at beta, and its gradient and Hessian (upper triangle) in grad and hess. */
  const evaluate = (beta: Float64Array): number => {
    grad.fill(0);
    hess.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let eta = beta[0]!;
      for (let k = 0; k < K; k++) {
        const v = (cols[k]![i]! - mu[k]!) * inv[k]!;
        z[k + 1] = v;
        eta += beta[k + 1]! * v;
      }
      const y = labels[i]!;
      // log(1 + e^η) − yη, without overflow.
      loss += (eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta))) - y * eta;
      const p = 1 / (1 + Math.exp(-eta));
      const r = p - y;
      const w = p * (1 - p);
      for (let a = 0; a < d; a++) {
        const za = z[a]!;
        grad[a] = grad[a]! + r * za;
        const wa = w * za;
        for (let b = a, j = a * d + a; b < d; b++, j++) hess[j] = hess[j]! + wa * z[b]!;
      }
    }
    for (let a = 1; a < d; a++) {
      const b = beta[a]!;
      loss += 0.5 * l2 * b * b;
      grad[a] = grad[a]! + l2 * b;
      hess[a * d + a] = hess[a * d + a]! + l2;
    }
    return loss;
  };

  let beta = new Float64Array(d);
  beta[0] = Math.log(positives / (n - positives));
  let loss = evaluate(beta);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const negGrad = grad.map((g) => -g);
    let step = solveCholesky(hess, negGrad, d);
    // λ = 0 with collinear columns: a tiny ridge makes the system solvable.
    for (let jitter = 1e-12 * maxDiagonal(hess, d); step === null && jitter < 1e300; jitter *= 100) {
      const ridged = hess.slice();
      for (let a = 0; a < d; a++) ridged[a * d + a] = ridged[a * d + a]! + jitter;
      step = solveCholesky(ridged, negGrad, d);
    }
    if (step === null) break;
    let largest = 0;
    let slope = 0;
    for (let a = 0; a < d; a++) {
      largest = Math.max(largest, Math.abs(step[a]!));
      slope -= negGrad[a]! * step[a]!;
    }
    // Near the optimum Newton converges quadratically: take the last (tiny) step and stop. The second test stops
    // once the loss reduction the step promises (−slope / 2) is below the rounding noise of a sum over the rows,
    // where no line search can tell better from worse any more (on 10⁶ rows: coefficients settled to about 10⁻⁶).
    if (largest < tolerance || -slope < 1e-12 * (1 + Math.abs(loss))) {
      for (let a = 0; a < d; a++) beta[a] = beta[a]! + step[a]!;
      converged = true;
      break;
    }
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 60; halvings++, t /= 2) {
      const candidate = beta.map((b, a) => b + t * step[a]!);
      const candidateLoss = evaluate(candidate);
      // Sufficient decrease (Armijo), or, the loss being convex, a slope still downhill at the candidate.
      let downhill = 0;
      for (let a = 0; a < d; a++) downhill += grad[a]! * step[a]!;
      if (candidateLoss <= loss + ARMIJO * t * slope || downhill <= 0) {
        beta = candidate;
        loss = candidateLoss;
        accepted = true;
        break;
      }
    }
    if (!accepted) break; // no decrease left to find at double precision
    if (t * largest < tolerance) {
      converged = true;
      break;
    }
  }
  active.forEach((f, k) => {
    coefficients[f] = beta[k + 1]!;
  });
  return model(beta[0]!, iterations, converged);
}

function maxDiagonal(a: Float64Array, d: number): number {
  let m = 0;
  for (let i = 0; i < d; i++) m = Math.max(m, Math.abs(a[i * d + i]!));
  return m || 1;
}
