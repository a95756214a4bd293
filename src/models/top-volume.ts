import { z } from 'zod';
import { parseDay } from '../util/dates.js';
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
      return rankByScore(view, view.columns()[params.column], undefined, ctx.limit);
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
