import { z } from 'zod';
import { FEATURES } from '../knowledge/recency-groups.js';
import { parseDay } from '../util/dates.js';
import { boundedTopK } from './bounded-top.js';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import { type CommonModelParams, modelParamsSchema } from './params.js';
import type { DayColumn } from './pareto.js';
import { emptyRankedList, rankByScore } from './ranked-list.js';

export interface TopVolumeParams extends CommonModelParams {
  /** Sum the column over D-lookback .. D-1; null: over the whole knowledge (its totals). @default null */
  lookback: number | null;
  /** @default 'flows' */
  column: DayColumn;
}

/** The index of each volume column among AIP's eight features (the chunk stats' order). */
const FEATURE_OF_COLUMN: Record<DayColumn, number> = { flows: 0, duration: 1, bytes: 2, packets: 3 };

/**
 * TopVolume (DESIGN §3 baseline): the worst offenders by volume — every IP with a row in the window (or every known
 * IP), scored by its total `column` there, largest first. Flows follow the knowledge base's rule (a 0-flow row
 * counts 1), so lookback null and a lookback covering the whole history agree.
 */
export const topVolumeModel = defineModel<TopVolumeParams>({
  name: 'TopVolume',
  summary:
    'IPs ranked by total volume (flows by default), over a window or all history — the worst-offenders baseline of DESIGN §3',
  source: 'DESIGN §3 (baseline)',
  schema: modelParamsSchema({
    lookback: z.number().int().min(1).nullable().default(null),
    column: z.enum(['flows', 'duration', 'packets', 'bytes']).default('flows'),
  }),
  tunable: {
    lookback: {
      kind: 'number',
      min: 1,
      max: 365,
      scale: 'log',
      integer: true,
      doc: 'days summed (default: all history)',
    },
    column: { kind: 'enum', values: ['flows', 'duration', 'packets', 'bytes'], doc: 'the volume ranked by' },
  },
  historyDays: (p) => p.lookback ?? 0,
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    if (params.lookback === null) {
      warnAboutGaps(ctx, parseDay(view.firstDay!)!, 'the knowledge');
      const values = view.columns()[params.column];
      if (ctx.limit !== undefined) {
        // The column's maximum over a chunk bounds its members' scores: only the chunks that reach the cut are read.
        const j = FEATURE_OF_COLUMN[params.column];
        const fast = boundedTopK(view, ctx.limit, {
          bound: (_g, stats, c) => stats.max[c * FEATURES + j]!,
          score: (id) => values[id]!,
        });
        if (fast !== undefined) return fast;
      }
      return rankByScore(view, values, undefined, ctx.limit);
    }
    const window = view.window(params.lookback);
    warnAboutGaps(ctx, view.day - params.lookback, `lookback window of ${params.lookback} day(s)`);
    const score = new Float64Array(view.size).fill(-1);
    for (const d of window.days) {
      const values = d[params.column];
      const flows = params.column === 'flows';
      for (let i = 0; i < d.ids.length; i++) {
        const id = d.ids[i]!;
        const v = flows && values[i] === 0 ? 1 : values[i]!;
        score[id] = score[id]! < 0 ? v : score[id]! + v;
      }
    }
    return rankByScore(view, score, (id) => score[id]! >= 0, ctx.limit);
  },
});
