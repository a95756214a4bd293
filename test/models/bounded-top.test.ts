import { unsafeUniformIntDistribution, xoroshiro128plus } from 'pure-rand';
import { describe, expect, it } from 'vitest';
import {
  aipFeatures,
  createModel,
  KnowledgeBase,
  type KnowledgeView,
  type RankedList,
  rankByScore,
} from '../../src/index.js';
import { featureExtremesOf } from '../../src/knowledge/feature-extremes.js';
import { ipOrderRuns } from '../../src/knowledge/ip-order.js';
import { liveState } from '../../src/knowledge/knowledge-view.js';
import { modelContext } from '../../src/models/model-context.js';
import { prioritizeScores } from '../../src/models/prioritize.js';
import { headOf } from '../../src/models/ranked-list.js';
import { dayRange } from '../../src/util/dates.js';
import { sortIpIndex } from '../../src/util/ip/index.js';
import { randomDays, testRng } from '../knowledge/memory-dataset.js';

/**
 * The fast paths of the models (recency groups: prefixes of the tie order, an exact top K through chunk bounds, a
 * sparse random draw) must give exactly the list the plain path gives: rankByScore over every known IP's score, as
 * the models computed it before them. Checked on random knowledge bases, every day, at several limits, with the
 * groups brought forward day by day, several days at once, and made from scratch after a snapshot reload.
 */

/** Equal lists; with a limit, equal first `limit` entries (ctx.limit lets a model return more, never fewer). */
function same(got: RankedList, want: RankedList, limit?: number): void {
  if (limit !== undefined) {
    const k = Math.min(limit, want.ids.length);
    expect(got.ids.length).toBeGreaterThanOrEqual(k);
    got = headOf(got, k);
    want = headOf(want, k);
  }
  expect(Array.from(got.ids)).toEqual(Array.from(want.ids));
  expect(Array.from(got.scores)).toEqual(Array.from(want.scores));
  expect(got.ips).toEqual(want.ips);
}

const LIMITS = [1, 2, 5, 13, 40, 1000];

function rank(
  view: KnowledgeView,
  name: string,
  params: Record<string, unknown>,
  limit?: number,
): RankedList {
  return createModel(name, params).rank(modelContext(view, { seed: 9, limit, warn: () => {} }));
}

function prioritizeReference(
  view: KnowledgeView,
  name: string,
  params: Record<string, unknown>,
  limit?: number,
) {
  const model = createModel(name, params);
  const score = prioritizeScores(view, model.params as never);
  for (let i = 0; i < score.length; i++) if (!Number.isFinite(score[i]!)) score[i] = 0;
  return rankByScore(view, score, undefined, limit);
}

function randomReference(view: KnowledgeView, K: number, seed: number, limit?: number): RankedList {
  // The draw as Random made it before its sparse path: a partial Fisher–Yates over a copy of the IP order.
  const mix = (s: number, day: number) => {
    let h = (s ^ Math.imul(day, 0x9e3779b9)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) | 0;
  };
  const pool = view.ipOrder();
  const n = pool.length;
  const k = Math.min(K, n);
  const rng = xoroshiro128plus(mix(seed, view.day));
  for (let i = 0; i < 16; i++) rng.unsafeNext();
  const score = new Float64Array(n);
  for (let i = 0; i < k; i++) {
    const j = unsafeUniformIntDistribution(i, n - 1, rng);
    const picked = pool[j]!;
    pool[j] = pool[i]!;
    pool[i] = picked;
    score[picked] = (k - i) / k;
  }
  return rankByScore(view, score, (id) => score[id]! > 0, limit);
}

const DECAYS = [
  { name: 'aip-consistent' },
  { name: 'aip-new' },
  { name: 'exponential', halfLife: 2 },
  { name: 'hyperbolic' },
  { name: 'none' },
];
const NORMALIZATIONS = ['min-max', 'max', 'none', 'log-min-max'];

function checkDay(view: KnowledgeView, r: (lo: number, hi: number) => number): void {
  // The IP order as two runs (Random's draws) equals the IP order, position by position.
  const runs = ipOrderRuns(liveState(view)!);
  // (The reference sorts the IP texts, not through ipOrderOf, whose cache would stand in for the runs.)
  const texts = Array.from({ length: view.size }, (_, id) => view.ip(id));
  expect(Array.from({ length: runs.size }, (_, j) => runs.at(j))).toEqual(sortIpIndex(texts));
  // The feature extremes the knowledge base keeps from day to day equal a count over every IP.
  const kept = featureExtremesOf(liveState(view)!);
  const columns = aipFeatures(view);
  expect(Array.from(kept.min)).toEqual(columns.map((c) => Math.min(...c)));
  expect(Array.from(kept.max)).toEqual(columns.map((c) => Math.max(...c)));
  for (const limit of [...LIMITS, undefined]) {
    // Alpha, Alpha7 (flat and by recency), AllIPs: prefixes of the tie order.
    for (const lookback of [1, 3, 7])
      for (const score of ['flat', 'recency']) {
        const got = rank(view, 'Alpha', { lookback, score }, limit);
        const { lastSeen } = view.columns();
        const s = new Float64Array(view.size);
        for (let id = 0; id < view.size; id++) s[id] = score === 'flat' ? 1 : 1 / (view.day - lastSeen[id]!);
        same(
          got,
          rankByScore(view, s, (id) => lastSeen[id]! >= view.day - lookback, limit),
          limit,
        );
      }
    const all = rank(view, 'AllIPs', {}, limit);
    same(all, rankByScore(view, new Float64Array(view.size).fill(1), undefined, limit), limit);
  }
  for (const limit of LIMITS) {
    // TopVolume over all history: an exact top K through chunk maxima.
    for (const column of ['flows', 'duration', 'packets', 'bytes'] as const)
      same(
        rank(view, 'TopVolume', { column }, limit),
        rankByScore(view, view.columns()[column], undefined, limit),
        limit,
      );
    // Prioritize: random weights (some negative), every decay family, every normalization.
    for (const name of ['Prioritize_Consistent', 'Prioritize_New']) {
      const weights = Array.from({ length: 8 }, () => (r(0, 200) - 50) / 100);
      const params = {
        weights,
        decay: DECAYS[r(0, DECAYS.length - 1)]!,
        normalization: NORMALIZATIONS[r(0, NORMALIZATIONS.length - 1)]!,
      };
      same(rank(view, name, params, limit), prioritizeReference(view, name, params, limit), limit);
      same(rank(view, name, {}, limit), prioritizeReference(view, name, {}, limit), limit);
    }
    // Random: a sparse draw.
    for (const K of [1, 7, 30])
      same(rank(view, 'Random', { K, seed: 4 }, limit), randomReference(view, K, 4, limit), limit);
  }
}

describe('fast paths of the models equal the plain ranking', () => {
  it('every day, day by day, on random knowledge bases', () => {
    for (const seed of [1, 2, 3]) {
      const r = testRng(100 + seed);
      const tables = randomDays({ seed, from: '2024-01-01', to: '2024-02-05', pool: 250, perDay: 150 });
      const kb = new KnowledgeBase({ retainDays: 10 });
      for (const t of tables) {
        if (kb.nextDay !== undefined) {
          // Days without a table are folded as missing.
          for (const d of dayRange(kb.nextDay, t.date)) if (d < t.date) kb.addMissingDay(d);
          checkDay(kb.asOf(t.date), r);
        }
        kb.addDay(t);
      }
    }
  });

  it('with several days folded between two rankings, and after a snapshot reload', () => {
    const r = testRng(7);
    const tables = randomDays({ seed: 8, from: '2024-03-01', to: '2024-03-30', pool: 250, perDay: 90 });
    let kb = new KnowledgeBase({ retainDays: 4 });
    tables.forEach((t, i) => {
      if (kb.nextDay !== undefined)
        for (const d of dayRange(kb.nextDay, t.date)) if (d < t.date) kb.addMissingDay(d);
      // Rank only every third day (the groups catch up over 3 folded days), and reload the snapshot now and then
      // (the groups are made from scratch).
      if (i % 3 === 0 && kb.nextDay !== undefined) checkDay(kb.asOf(t.date), r);
      if (i % 10 === 5) kb = KnowledgeBase.fromBytes(kb.toBytes());
      kb.addDay(t);
    });
    // More folded days than the knowledge base retains: made from scratch.
    checkDay(kb.asOf(kb.nextDay!), r);
  });
});
