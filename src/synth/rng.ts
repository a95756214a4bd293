import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';

const TWO_32 = 4_294_967_296;

/**
 * A thin, allocation-free wrapper over pure-rand's xoroshiro128+ (mutated in place with `unsafeNext`). Every random
 * draw of the simulator goes through one of these, so a seed fixes every byte of the output.
 */
export class Rng {
  private readonly g: RandomGenerator;

  private constructor(g: RandomGenerator) {
    this.g = g;
  }

  /** A generator seeded with a 32-bit unsigned integer; the first outputs (which echo the seed) are discarded. */
  static fromSeed(seed: number): Rng {
    const g = xoroshiro128plus(seed | 0);
    for (let i = 0; i < 32; i++) g.unsafeNext();
    return new Rng(g);
  }

  /** An independent stream: a copy of this generator advanced by xoroshiro's jump (2^64 draws ahead). */
  fork(): Rng {
    const g = this.g.clone();
    g.unsafeJump!();
    return new Rng(g);
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    return this.g.unsafeNext() >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return (this.g.unsafeNext() >>> 0) / TWO_32;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Standard normal (Box–Muller, one value per call so the draw count is fixed). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and log-space sigma. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Poisson(lambda): Knuth's product method for small lambda, a rounded normal approximation above 30. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.float();
    while (p > limit) {
      k++;
      p *= this.float();
    }
    return k;
  }
}
