import type { ProbabilityClassifier } from '../trees/decision-tree.js';

/** What trainLogisticRegression learnt; the standardized parameters define the model, the rest derives from them. */
export interface LogisticRegressionParameters {
  /** Intercept on the standardized scale (the log-odds of a row at the feature means). */
  standardizedIntercept: number;
  /** Coefficient per feature on the standardized scale (log-odds per standard deviation); 0 for a constant column. */
  standardizedCoefficients: Float64Array;
  /** Mean subtracted from each feature (0 when not standardized). */
  means: Float64Array;
  /** Divisor of each feature: its standard deviation (1 when not standardized or constant). */
  scales: Float64Array;
  /** Newton iterations taken. */
  iterations: number;
  /** Whether the fit met its convergence test (LogisticRegressionOptions.tolerance) within maxIterations. */
  converged: boolean;
}

/**
 * A fitted binary logistic regression: log-odds = intercept + Σ coefficients[f] · x_f. `coefficients` and
 * `intercept` are on the features' original scale (log-odds per unit); `standardizedCoefficients` compare features
 * with each other (log-odds per standard deviation).
 */
export class LogisticRegressionModel implements ProbabilityClassifier {
  readonly standardizedIntercept: number;
  readonly standardizedCoefficients: Float64Array;
  readonly means: Float64Array;
  readonly scales: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** Intercept on the original scale. */
  readonly intercept: number;
  /** Coefficient per feature on the original scale. */
  readonly coefficients: Float64Array;

  constructor(parameters: LogisticRegressionParameters) {
    const F = parameters.standardizedCoefficients.length;
    if (parameters.means.length !== F || parameters.scales.length !== F)
      throw new RangeError(`LogisticRegressionModel: ${F} coefficients but ${parameters.means.length} means`);
    this.standardizedIntercept = parameters.standardizedIntercept;
    this.standardizedCoefficients = parameters.standardizedCoefficients;
    this.means = parameters.means;
    this.scales = parameters.scales;
    this.iterations = parameters.iterations;
    this.converged = parameters.converged;
    this.coefficients = new Float64Array(F);
    let intercept = this.standardizedIntercept;
    for (let f = 0; f < F; f++) {
      const c = this.standardizedCoefficients[f]! / this.scales[f]!;
      this.coefficients[f] = c;
      intercept -= c * this.means[f]!;
    }
    this.intercept = intercept;
  }

  /** The log-odds of each row (`columns[f][i]`: feature f of row i), computed on the standardized scale. */
  predictRaw(columns: readonly ArrayLike<number>[]): Float64Array {
    const F = this.standardizedCoefficients.length;
    if (columns.length !== F)
      throw new RangeError(`LogisticRegressionModel: expected ${F} feature columns, got ${columns.length}`);
    const rows = columns[0]?.length ?? 0;
    const out = new Float64Array(rows).fill(this.standardizedIntercept);
    for (let f = 0; f < F; f++) {
      const beta = this.standardizedCoefficients[f]!;
      if (beta === 0) continue;
      const column = columns[f]!;
      const mean = this.means[f]!;
      const scale = this.scales[f]!;
      for (let i = 0; i < rows; i++) out[i] = out[i]! + (beta * (column[i]! - mean)) / scale;
    }
    return out;
  }

  /** P(label 1) per row: the sigmoid of predictRaw. */
  predictProbability(columns: readonly ArrayLike<number>[]): Float64Array {
    const out = this.predictRaw(columns);
    for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
    return out;
  }
}
