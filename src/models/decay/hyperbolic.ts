import { z } from 'zod';
import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

export interface HyperbolicDecayParams {
  /** Days at which the weight is 1/2. The original 2020 AIP used 2 (New) and 6 (Consistent). @default 2 */
  k: number;
}

/** `k / (k + d)` (DESIGN §3). */
export const hyperbolicDecay: DecayDefinition<HyperbolicDecayParams> = {
  name: 'hyperbolic',
  formula: 'k / (k + d)',
  summary: 'hyperbolic aging: weight 1/2 at d = k',
  schema: decayParamsSchema({ k: z.number().positive().finite().default(2) }),
  make:
    ({ k }) =>
    (d) =>
      k / (k + d),
};
