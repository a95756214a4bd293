import { z } from 'zod';
import { warnAboutGaps, warnIfNoKnowledge } from './history-warnings.js';
import { defineModel } from './model.js';
import { type CommonModelParams, modelParamsSchema } from './params.js';
import { emptyRankedList, rankByScore } from './ranked-list.js';
import type { TunableParams } from './tunable.js';

export interface SensorSpreadParams extends CommonModelParams {
  /** A sensor counts for an IP when it saw the IP in the days D-window .. D-1. @default 7 */
  window: number;
  /** IPs seen by fewer of the lists' sensors in the window are not listed. @default 1 */
  minSensors: number;
}

/**
 * Sensor_Spread: an attacker many sensors saw lately is an attacker of the whole Internet, likely to reach a network
 * that has not met it yet (the premise of collaborative blacklisting: HPB, Zhang, Porras and Ullrich, USENIX Security
 * 2008). Scores each IP by the number of the lists' sensors (`ModelContext.sensors.spread`) that saw it in the last
 * `window` days; equal counts in the tie order (DESIGN §4: last seen latest first, days active, flows, IP). Without
 * sensor features (an experiment that names no sensors, or a daily list) the dataset counts as one sensor: the list is
 * Alpha(window) in the tie order, and a warning says so.
 */
export const sensorSpreadModel = defineModel<SensorSpreadParams>({
  name: 'Sensor_Spread',
  summary:
    'IPs ranked by how many of the lists’ sensors saw them in the last `window` days — collaborative blacklisting (HPB, 2008)',
  source: 'HPB (Zhang, Porras, Ullrich, USENIX Security 2008); docs/sensors.md, Backtests across sensors',
  schema: modelParamsSchema({
    window: z.number().int().min(1).max(3660).default(7),
    minSensors: z.number().int().min(1).default(1),
  }),
  tunable: {
    window: {
      kind: 'number',
      min: 1,
      max: 60,
      scale: 'log',
      integer: true,
      doc: 'days a sensor sighting counts',
    },
    minSensors: { kind: 'number', min: 1, max: 10, integer: true, doc: 'fewest sensors to be listed' },
  } satisfies TunableParams,
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    const from = view.day - params.window;
    warnAboutGaps(ctx, from, `window of ${params.window} day(s)`);
    const score = new Float64Array(view.size);
    if (ctx.sensors) {
      const spread = ctx.sensors.spread(params.window);
      for (let id = 0; id < view.size; id++) score[id] = spread[id]!;
    } else {
      ctx.warn('no sensor features (the run names no sensors): the dataset counts as one sensor');
      const { lastSeen } = view.columns();
      for (let id = 0; id < view.size; id++) score[id] = lastSeen[id]! >= from ? 1 : 0;
    }
    return rankByScore(view, score, (id) => score[id]! >= params.minSensors, ctx.limit);
  },
});
