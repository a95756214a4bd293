import { type RandomGenerator, xoroshiro128plus } from 'pure-rand';

/**
 * A 32-bit seed from a seed and a stream number (a day, a tree index): splitmix32's finaliser over seed ⊕ k·φ, so
 * neighbouring streams get unrelated generators.
 */
export function mixSeed(seed: number, stream: number): number {
  let h = (seed ^ Math.imul(stream, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** pure-rand's xoroshiro128+ for (seed, stream), warmed up (its first outputs echo the seed). */
export function seededGenerator(seed: number, stream: number): RandomGenerator {
  const rng = xoroshiro128plus(mixSeed(seed, stream) | 0);
  for (let i = 0; i < 16; i++) rng.unsafeNext();
  return rng;
}
