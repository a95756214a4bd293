import { defineModel } from './model.js';
import { PRIORITIZE_TUNABLE, type PrioritizeParams, prioritizeRank, prioritizeSchema } from './prioritize.js';
import { prioritizeFastScorer } from './prioritize-fast-scorer.js';

/**
 * Prioritize Consistent (DESIGN §3; AIP models/prioritize.py `Consistent`): favours IPs that attack steadily — the
 * weights favour the means, and aging 1 − d/(d + t) gives 0 to IPs seen on a single day.
 */
export const prioritizeConsistentModel = defineModel<PrioritizeParams>({
  name: 'Prioritize_Consistent',
  summary:
    'knowledge-base score favouring steady attackers (mean features, aip-consistent aging) — AIP (prioritize.py), O’Hara’s thesis',
  source: "AIP lib/aip/models/prioritize.py (Consistent), weights from O'Hara's thesis; DESIGN §3",
  schema: prioritizeSchema({
    weights: [0.05, 0.05, 0.05, 0.05, 0.2, 0.2, 0.2, 0.2],
    threshold: 2e-5,
    decay: 'aip-consistent',
  }),
  listRule: (p) => ({ threshold: p.threshold, minimum: p.minimum }),
  tunable: PRIORITIZE_TUNABLE,
  fastScorer: prioritizeFastScorer,
  rank: prioritizeRank,
});
