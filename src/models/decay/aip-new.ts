import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

/** Prioritize New's aging (AIP prioritize.py `New._get_IP_scores`): `2 / (2 + d)` (= hyperbolic with k = 2). */
export const aipNewDecay: DecayDefinition<Record<string, never>> = {
  name: 'aip-new',
  formula: '2 / (2 + d)',
  summary: "AIP's Prioritize New aging: hyperbolic in the days since last seen, k = 2",
  schema: decayParamsSchema({}),
  make: () => (d) => 2 / (2 + d),
};
