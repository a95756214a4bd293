import { z } from 'zod';
import { recentPrefix } from './bounded-top.js';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import type { ModelContext } from './model-context.js';
import { type CommonModelParams, modelParamsSchema, type ParamsSchema } from './params.js';
import { emptyRankedList, type RankedList, rankByScore } from './ranked-list.js';
import type { TunableParams } from './tunable.js';

export interface AlphaParams extends CommonModelParams {
  /** List every IP seen in the days D-lookback .. D-1. @default 1 (Alpha7: 7) */
  lookback: number;
  /**
   * `flat`: every IP scores 1 (AIP's Alpha is an unranked set; members are in the tie order — last seen latest first,
   * then days active, flows, IP — so a budget cut keeps the most recent, most persistent attackers, never the
   * lowest addresses). `recency`: 1 / (days since last seen), so a budget keeps the most recent attackers.
   * @default 'flat'
   */
  score: 'flat' | 'recency';
}

/** What a search may tune in Alpha and Alpha7 (issue 10): the lookback and the score. */
export const ALPHA_TUNABLE: TunableParams = {
  lookback: { kind: 'number', min: 1, max: 60, scale: 'log', integer: true, doc: 'days of attackers listed' },
  score: { kind: 'enum', values: ['flat', 'recency'], doc: 'a set (flat) or a recency ranking' },
};

export function alphaSchema(lookback: number): ParamsSchema<AlphaParams> {
  return modelParamsSchema({
    lookback: z.number().int().min(1).default(lookback),
    score: z.enum(['flat', 'recency']).default('flat'),
  });
}

/**
 * Alpha(N) (DESIGN §3; AIP models/alpha.py): every IP seen in D-N .. D-1. An IP was seen in that window exactly when
 * its last_seen ≥ D-N, so the list comes from the knowledge base's last_seen column: any lookback, no per-day rows.
 * AIP concatenates the days' attackers; here each IP is listed once.
 */
export function alphaRank(params: AlphaParams, ctx: ModelContext): RankedList {
  if (warnIfNoKnowledge(ctx)) return emptyRankedList();
  const view = ctx.knowledge;
  const from = view.day - params.lookback;
  warnAboutGaps(ctx, from, `lookback window of ${params.lookback} day(s)`);
  const day = view.day;
  const fast = recentPrefix(view, from, ctx.limit, (lastSeen) =>
    params.score === 'flat' ? 1 : 1 / (day - lastSeen),
  );
  if (fast !== undefined) return fast;
  const { lastSeen } = view.columns();
  const score = new Float64Array(view.size);
  for (let id = 0; id < view.size; id++) {
    score[id] = params.score === 'flat' ? 1 : 1 / (view.day - lastSeen[id]!);
  }
  return rankByScore(view, score, (id) => lastSeen[id]! >= from, ctx.limit);
}

export const alphaModel = defineModel<AlphaParams>({
  name: 'Alpha',
  summary: 'every IP seen in the last `lookback` days (default 1: yesterday) — AIP (alpha.py)',
  source: 'AIP lib/aip/models/alpha.py; DESIGN §3',
  schema: alphaSchema(1),
  tunable: ALPHA_TUNABLE,
  unranked: (params) => params.score === 'flat',
  rank: (params, ctx) => alphaRank(params, ctx),
});
