import { z } from 'zod';
import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

export interface LinearDecayParams {
  /** Days after which the weight reaches 0. @default 30 */
  window: number;
}

/** `max(0, 1 − d / window)`. */
export const linearDecay: DecayDefinition<LinearDecayParams> = {
  name: 'linear',
  formula: 'max(0, 1 - d / window)',
  summary: 'linear aging to 0 at d = window',
  schema: decayParamsSchema({
    window: z.number().positive().finite().default(30),
  }),
  make:
    ({ window }) =>
    (d) =>
      Math.max(0, 1 - d / window),
};
