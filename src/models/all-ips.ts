import { z } from 'zod';
import { isDay, parseDay } from '../util/dates.js';
import { recentPrefix } from './bounded-top.js';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import { type CommonModelParams, modelParamsSchema } from './params.js';
import { emptyRankedList, rankByScore } from './ranked-list.js';

export interface AllIpsParams extends CommonModelParams {
  /**
   * List the IPs seen on this day or later (and before D). null: from the knowledge's first day. AIP hard-codes
   * 2020-07-05.
   * @default null
   */
  start: string | null;
}

/** AllIPs (DESIGN §3; AIP models/all.py): every IP seen in [start, D-1]; unranked (score 1, in the tie order). */
export const allIpsModel = defineModel<AllIpsParams>({
  name: 'AllIPs',
  summary: 'every IP ever seen before D (since `start`) — AIP (all.py)',
  source: 'AIP lib/aip/models/all.py; DESIGN §3',
  unranked: () => true,
  schema: modelParamsSchema({
    start: z.string().refine(isDay, { message: 'expected a YYYY-MM-DD date' }).nullable().default(null),
  }),
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    const first = parseDay(view.firstDay!)!;
    const start = params.start === null ? first : Math.max(first, parseDay(params.start)!);
    warnAboutGaps(ctx, start, `history since ${params.start ?? view.firstDay}`);
    const fast = recentPrefix(view, start, ctx.limit, () => 1);
    if (fast !== undefined) return fast;
    const { lastSeen } = view.columns();
    const score = new Float64Array(view.size).fill(1);
    return rankByScore(view, score, (id) => lastSeen[id]! >= start, ctx.limit);
  },
});
