import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

/**
 * The seed text's pseudo-code: weight 1 for d ≤ 1, then `d / (d + 5)` for d > 1. It GROWS with d (2/7 at d = 2,
 * towards 1 as d → ∞): it rewards staleness, the opposite of aging. Kept only to reproduce that text (DESIGN §3).
 */
export const aipSeedDecay: DecayDefinition<Record<string, never>> = {
  name: 'aip-seed',
  formula: '1 if d <= 1, else d / (d + 5)  (grows with d: rewards staleness)',
  summary: "the seed text's pseudo-code; increases with d, kept for reproduction only",
  schema: decayParamsSchema({}),
  make: () => (d) => (d <= 1 ? 1 : d / (d + 5)),
};
