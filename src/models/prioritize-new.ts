import { defineModel } from './model.js';
import { PRIORITIZE_TUNABLE, type PrioritizeParams, prioritizeRank, prioritizeSchema } from './prioritize.js';
import { prioritizeFastScorer } from './prioritize-fast-scorer.js';

/**
 * Prioritize New (DESIGN §3; AIP models/prioritize.py `New`): favours heavy recent attackers — the weights favour the
 * totals, and aging 2/(2 + d) decays with the days since last seen.
 */
export const prioritizeNewModel = defineModel<PrioritizeParams>({
  name: 'Prioritize_New',
  summary:
    'knowledge-base score favouring heavy recent attackers (total features, aip-new aging) — AIP (prioritize.py), O’Hara’s thesis',
  source: "AIP lib/aip/models/prioritize.py (New), weights from O'Hara's thesis; DESIGN §3",
  schema: prioritizeSchema({
    weights: [0.2, 0.2, 0.2, 0.2, 0.05, 0.05, 0.05, 0.05],
    threshold: 1e-5,
    decay: 'aip-new',
  }),
  listRule: (p) => ({ threshold: p.threshold, minimum: p.minimum }),
  tunable: PRIORITIZE_TUNABLE,
  fastScorer: prioritizeFastScorer,
  rank: prioritizeRank,
});
