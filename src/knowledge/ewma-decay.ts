import { UsageError } from '../util/errors.js';

/**
 * The decay of an exponentially weighted moving average with half-life h (in observed days): λ = 2^(−1/h), the
 * weight of the newest day 1 − λ, and λ^k from a table filled once per k. λ^k is computed as 2^(−k/h) (the same
 * number as λ multiplied k times, with one rounding instead of k), so the fold and the features read identical
 * values whatever was computed before: results never depend on the order of calls.
 */
export class EwmaDecay {
  readonly lambda: number;
  /** 1 − λ: the weight of the newest observed day. */
  readonly weight: number;
  #powers = new Float64Array(64).fill(Number.NaN);

  constructor(readonly halfLife: number) {
    if (!(halfLife > 0 && halfLife < Number.POSITIVE_INFINITY))
      throw new UsageError(`EWMA half-life must be a finite number > 0, got ${halfLife}`);
    this.lambda = 2 ** (-1 / halfLife);
    this.weight = 1 - this.lambda;
  }

  /** λ^k for a whole number k >= 0. */
  power(k: number): number {
    let p = this.#powers[k];
    if (p === undefined) {
      let cap = this.#powers.length;
      while (cap <= k) cap *= 2;
      const grown = new Float64Array(cap).fill(Number.NaN);
      grown.set(this.#powers);
      this.#powers = grown;
      p = Number.NaN;
    }
    if (Number.isNaN(p)) {
      p = k === 0 ? 1 : 2 ** (-k / this.halfLife);
      this.#powers[k] = p;
    }
    return p;
  }
}

const byHalfLife = new Map<number, EwmaDecay>();

/** The shared decay table of half-life h. */
export function ewmaDecay(halfLife: number): EwmaDecay {
  let d = byHalfLife.get(halfLife);
  if (d === undefined) {
    d = new EwmaDecay(halfLife);
    byHalfLife.set(halfLife, d);
  }
  return d;
}

/** Valid half-lives, distinct and ascending, frozen (an EWMA column name is made from each, so order is fixed). */
export function checkHalfLives(halfLives: unknown): readonly number[] {
  if (!Array.isArray(halfLives))
    throw new UsageError(
      `knowledge option halfLives: must be an array of numbers, got ${JSON.stringify(halfLives)}`,
    );
  for (const h of halfLives) {
    if (typeof h !== 'number' || !(h > 0 && h < Number.POSITIVE_INFINITY)) {
      throw new UsageError(
        `knowledge option halfLives: each half-life must be a finite number of days > 0, got ${typeof h === 'number' ? h : JSON.stringify(h)}`,
      );
    }
  }
  return Object.freeze([...new Set(halfLives as number[])].sort((a, b) => a - b));
}
