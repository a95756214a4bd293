import { ALPHA_TUNABLE, type AlphaParams, alphaRank, alphaSchema } from './alpha.js';
import { defineModel } from './model.js';

/** Alpha7 (AIP models/alpha7.py): Alpha with lookback 7 by default (any lookback may be set). */
export const alpha7Model = defineModel<AlphaParams>({
  name: 'Alpha7',
  summary: 'every IP seen in the last `lookback` days (default 7) — AIP (alpha7.py)',
  source: 'AIP lib/aip/models/alpha7.py; DESIGN §3',
  schema: alphaSchema(7),
  tunable: ALPHA_TUNABLE,
  unranked: (params) => params.score === 'flat',
  rank: (params, ctx) => alphaRank(params, ctx),
});
