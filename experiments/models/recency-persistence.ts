/**
 * An example of your own model, outside src/ (issue 10): a module that registers a model through aiplab's public
 * API. An experiment names it (`"module": "./models/recency-persistence.ts"`) and can then use the model by name in
 * `models` (backtest) or `model` (tune); the manifest records the module's sha256, since the experiment runs its code.
 *
 * Recency_Persistence scores an IP by how regularly it attacked since it was first seen (active_ratio) times how
 * recently it last did (half-life decay on days since last seen): a two-feature, readable baseline built only from
 * the knowledge base's history features (src/knowledge/history-features.ts).
 */
import {
  defineModel,
  emptyRankedList,
  historyFeatures,
  modelParamsSchema,
  rankByScore,
  registerModel,
  warnIfNoKnowledge,
  z,
} from 'aiplab';

export const recencyPersistenceModel = defineModel({
  name: 'Recency_Persistence',
  summary:
    'IPs ranked by active-day ratio × recency decay (an example module model; features after GreedyBear)',
  source:
    'experiments/models/recency-persistence.ts (example); features: GreedyBear active_days_ratio, days_since_last_seen',
  schema: modelParamsSchema({
    /** Days since last seen after which the recency factor halves. */
    halfLife: z.number().positive().default(2),
    /** Exponent of the active-day ratio: 0 ignores persistence, 1 multiplies by it. */
    persistence: z.number().min(0).max(4).default(1),
  }),
  tunable: {
    halfLife: { kind: 'number', min: 0.25, max: 30, scale: 'log' },
    persistence: { kind: 'number', min: 0, max: 2 },
  },
  rank: (params, ctx) => {
    if (warnIfNoKnowledge(ctx)) return emptyRankedList();
    const view = ctx.knowledge;
    const h = historyFeatures(view);
    const ratio = h.column('active_ratio');
    const since = h.column('days_since_last_seen');
    const score = new Float64Array(view.size);
    for (let id = 0; id < view.size; id++)
      score[id] = ratio[id]! ** params.persistence * 0.5 ** ((since[id]! - 1) / params.halfLife);
    return rankByScore(view, score, undefined, ctx.limit);
  },
});

registerModel(recencyPersistenceModel);
