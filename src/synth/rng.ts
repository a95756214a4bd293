import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';

const TWO_32 = 4_294_967_296;
const TWO_31 = 2_147_483_648;

/**
 * Tables of Marsaglia & Tsang's ziggurat for the standard normal (128 layers): KN[i] bounds the rectangle part of
 * layer i in units of 2^-31, WN[i] scales a signed 32-bit integer to x, FN[i] = exp(-x_i^2 / 2).
 */
const ZIG_R = 3.442619855899;
const KN = new Float64Array(128);
const WN = new Float64Array(128);
const FN = new Float64Array(128);
{
  const vn = 9.91256303526217e-3;
  let dn = ZIG_R;
  let tn = dn;
  const q = vn / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * TWO_31);
  KN[1] = 0;
  WN[0] = q / TWO_31;
  WN[127] = dn / TWO_31;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * TWO_31);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / TWO_31;
  }
}

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

  /** The generator's state (four 32-bit integers), to rebuild it elsewhere with fromState. */
  state(): readonly number[] {
    return this.g.getState();
  }

  /** A generator in the given state (from `state()`), e.g. in a worker thread. */
  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plus.fromState(state));
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

  /**
   * Standard normal by Marsaglia & Tsang's ziggurat: ~99% of calls take two draws (the layer from one, the value
   * from the other, so the layer never shares bits with the value) and a multiplication, no logarithm or cosine.
   */
  normal(): number {
    for (;;) {
      const iz = this.u32() >>> 25;
      const hz = this.g.unsafeNext() | 0;
      const x = hz * WN[iz]!;
      if ((hz < 0 ? -hz : hz) < KN[iz]!) return x;
      if (iz === 0) {
        // The tail beyond ZIG_R (Marsaglia's method).
        let t: number;
        let y: number;
        do {
          t = -Math.log(1 - this.float()) / ZIG_R;
          y = -Math.log(1 - this.float());
        } while (y + y < t * t);
        return hz > 0 ? ZIG_R + t : -ZIG_R - t;
      }
      if (FN[iz]! + this.float() * (FN[iz - 1]! - FN[iz]!) < Math.exp(-0.5 * x * x)) return x;
    }
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
