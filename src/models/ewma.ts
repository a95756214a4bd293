import { z } from 'zod';
import { ewmaFeatureName, historyFeatures } from '../knowledge/history-features.js';
import type { KnowledgeView } from '../knowledge/knowledge-view.js';
import { parseDay } from '../util/dates.js';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import { type CommonModelParams, modelParamsSchema } from './params.js';
import { emptyRankedList, rankByScore } from './ranked-list.js';

/** Half-lives a whole-domain search of EWMA tries: the knowledge base keeps one pair of columns per half-life. */
export const EWMA_HALF_LIVES = [0.5, 1, 2, 3, 5, 7, 14, 30] as const;

export interface EwmaParams extends CommonModelParams {
  /**
   * Half-life of the moving average, in observed days (a missing day ages nothing): an attack `halfLife` days ago
   * weighs half of yesterday's. @default 1
   */
  halfLife: number;
  /**
   * Weight of the decayed volume beside the decayed presence: score = presence + volume · ln(1 + flows EWMA) / the
   * largest ln(1 + flows EWMA) of the day (a term in [0, volume]). 0: presence only, volume only breaks ties.
   * @default 0
   */
  volume: number;
  /** The natural list keeps scores above this; 0 lists every known IP (the model is meant to be cut to a budget). @default 0 */
  threshold: number;
}

let scratchScore = new Float64Array(0);

const volumeCache = new WeakMap<KnowledgeView, Map<number, Float64Array>>();

/**
 * ln(1 + flows EWMA) / its largest value of the day, per IP: once per view and half-life (every config of a tuning day
 * shares it). All zeros when no IP has a volume.
 */
function scaledVolume(view: KnowledgeView, halfLife: number): Float64Array {
  let byHalfLife = volumeCache.get(view);
  if (byHalfLife === undefined) {
    byHalfLife = new Map();
    volumeCache.set(view, byHalfLife);
  }
  let out = byHalfLife.get(halfLife);
  if (out === undefined) {
    const flows = historyFeatures(view).column(ewmaFeatureName('flows', halfLife));
    out = new Float64Array(flows.length);
    let max = 0;
    for (let i = 0; i < flows.length; i++) {
      const v = Math.log1p(flows[i]!);
      out[i] = v;
      if (v > max) max = v;
    }
    if (max > 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! / max;
    byHalfLife.set(halfLife, out);
  }
  return out;
}

/**
 * EWMA (Soldo, Le and Markopoulou, "Predictive blacklisting as an implicit recommendation system", INFOCOM 2010: the
 * time-series component of their predictor): every known IP ranked by the exponentially weighted moving average of
 * its daily presence (1 on a day it attacked, else 0), x̂ = (1 − λ)·x + λ·x̂ with λ = 2^(−1/halfLife), as of the
 * day before D — optionally plus its decayed volume. The averages are folded into the knowledge base day by day
 * (historyFeatures: `ewma_presence_h<h>`, `ewma_flows_h<h>`), so a day costs O(IPs) whatever the history.
 */
export const ewmaModel = defineModel<EwmaParams>({
  name: 'EWMA',
  summary:
    'IPs ranked by the exponentially weighted moving average of their daily presence (and volume) — Soldo, Le and Markopoulou, INFOCOM 2010',
  source:
    'Soldo, Le and Markopoulou, "Predictive blacklisting as an implicit recommendation system", IEEE INFOCOM 2010 (time-series component); DESIGN §3',
  schema: modelParamsSchema({
    halfLife: z.number().positive().finite().default(1),
    volume: z.number().min(0).finite().default(0),
    threshold: z.number().finite().default(0),
  }),
  halfLives: (p) => [p.halfLife],
  tunable: {
    halfLife: {
      kind: 'number',
      min: 0.25,
      max: 60,
      scale: 'log',
      values: EWMA_HALF_LIVES,
      doc: 'half-life of the average, in observed days (a whole-domain search tries EWMA_HALF_LIVES)',
    },
    volume: { kind: 'number', min: 0, max: 2, doc: 'weight of the decayed volume beside the presence' },
    threshold: {
      kind: 'number',
      min: 0,
      max: 0.9,
      listRule: true,
      doc: 'the natural list keeps scores above it',
    },
  },
  listRule: (p) => ({ threshold: p.threshold, minimum: 0 }),
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    warnAboutGaps(ctx, parseDay(view.firstDay!)!, 'the knowledge');
    const presence = historyFeatures(view).column(ewmaFeatureName('presence', params.halfLife));
    let score = presence;
    if (params.volume > 0) {
      const volume = scaledVolume(view, params.halfLife);
      // Reused between calls: rankByScore copies the scores it lists, and rankings run one at a time.
      if (scratchScore.length < presence.length)
        scratchScore = new Float64Array(Math.max(presence.length, Math.ceil(scratchScore.length * 1.5)));
      score = scratchScore.subarray(0, presence.length);
      const w = params.volume;
      for (let i = 0; i < score.length; i++) score[i] = presence[i]! + w * volume[i]!;
    }
    return rankByScore(view, score, undefined, ctx.limit);
  },
});
