import { z } from 'zod';
import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

export interface ExponentialDecayParams {
  /** Days after which the weight halves. @default 7 */
  halfLife: number;
}

/** `0.5 ^ (d / halfLife)`. */
export const exponentialDecay: DecayDefinition<ExponentialDecayParams> = {
  name: 'exponential',
  formula: '0.5 ^ (d / halfLife)',
  summary: 'exponential aging with a half-life in days',
  schema: decayParamsSchema({
    halfLife: z.number().positive().finite().default(7),
  }),
  make:
    ({ halfLife }) =>
    (d) =>
      0.5 ** (d / halfLife),
};
