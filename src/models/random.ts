import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { z } from 'zod';
import { ipOrderRuns } from '../knowledge/ip-order.js';
import { liveState } from '../knowledge/knowledge-view.js';
import { rankedListOf } from './bounded-top.js';
import { warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import { type CommonModelParams, modelParamsSchema } from './params.js';
import { emptyRankedList, rankByScore } from './ranked-list.js';

export interface RandomParams extends CommonModelParams {
  /** How many known IPs to draw; null: all of them, in random order. @default 1000 */
  K: number | null;
  /** Seed of the draw (unsigned 32-bit); null: the run's seed (ModelContext.seed). @default null */
  seed: number | null;
}

/** A 32-bit mix of (seed, day), so each day gets its own stream (splitmix32 finaliser). */
function mixSeed(seed: number, day: number): number {
  let h = (seed ^ Math.imul(day, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * Random(K) (DESIGN §3 baseline): K IPs drawn uniformly without replacement from every IP known before D, by a
 * partial Fisher–Yates shuffle of the IPs in numeric order with pure-rand's xoroshiro128+ seeded by (seed, D):
 * the same seed gives the same list, whatever order the IPs were first seen in. Score = (K − i) / K for the i-th
 * draw, so the ranking is the draw order and a budget keeps the first draws.
 */
export const randomModel = defineModel<RandomParams>({
  name: 'Random',
  summary: 'K IPs drawn at random from every IP known before D (seeded) — the chance baseline of DESIGN §3',
  source: 'DESIGN §3 (baseline)',
  schema: modelParamsSchema({
    K: z.number().int().min(1).nullable().default(1000),
    seed: z.number().int().min(0).max(0xffffffff).nullable().default(null),
  }),
  tunable: {
    K: { kind: 'number', min: 1, max: 1_000_000, scale: 'log', integer: true, doc: 'IPs drawn' },
  },
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    const state = liveState(view);
    const n = view.size;
    const k = params.K === null ? n : Math.min(params.K, n);
    const rng = xoroshiro128plus(mixSeed(params.seed ?? ctx.seed, view.day));
    for (let i = 0; i < 16; i++) rng.unsafeNext(); // the first outputs echo the seed
    // Only the first `limit` draws are listed when the caller needs no more: the draws after them change nothing
    // before them. A small draw swaps through a map over the IP order, kept as two sorted runs (ipOrderRuns): O(draws · log IPs) a day, not O(IPs).
    const draws = ctx.limit === undefined ? k : Math.min(k, ctx.limit);
    if (state !== undefined && draws <= n / 8) {
      const order = ipOrderRuns(state);
      const swapped = new Map<number, number>();
      const ids = new Int32Array(draws);
      const scores = new Float64Array(draws);
      for (let i = 0; i < draws; i++) {
        const j = unsafeUniformIntDistribution(i, n - 1, rng);
        const picked = swapped.get(j) ?? order.at(j);
        swapped.set(j, swapped.get(i) ?? order.at(i));
        ids[i] = picked;
        scores[i] = (k - i) / k;
      }
      return rankedListOf(view, ids, scores);
    }
    const pool = view.ipOrder();
    const score = new Float64Array(n);
    for (let i = 0; i < k; i++) {
      const j = unsafeUniformIntDistribution(i, n - 1, rng);
      const picked = pool[j]!;
      pool[j] = pool[i]!;
      pool[i] = picked;
      score[picked] = (k - i) / k;
    }
    return rankByScore(view, score, (id) => score[id]! > 0, ctx.limit);
  },
});
