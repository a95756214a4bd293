import type { ScoredList } from '../../src/blocklist/index.js';

/** mulberry32: a small seeded generator, so random tests are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A ranked list from `[ip, score]` pairs, taken in the order given (the tests write them ranked). */
export function listOf(entries: readonly (readonly [string, number])[]): ScoredList {
  return {
    ips: entries.map((e) => e[0]),
    scores: Float64Array.from(entries, (e) => e[1]),
  };
}

/** A list back as `[ip, score]` pairs, for toEqual. */
export function pairsOf(list: ScoredList): [string, number][] {
  return list.ips.map((ip, i) => [ip, list.scores[i]!]);
}
