import { z } from 'zod';
import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

export interface StepDecayParams {
  /** Last day with full weight: IPs last seen at most this many days ago weigh 1, older ones 0. @default 7 */
  days: number;
}

/** `1 if d ≤ days else 0`. */
export const stepDecay: DecayDefinition<StepDecayParams> = {
  name: 'step',
  formula: '1 if d <= days, else 0',
  summary: 'step aging: full weight for the last `days` days, then nothing',
  schema: decayParamsSchema({
    days: z.number().nonnegative().finite().default(7),
  }),
  make:
    ({ days }) =>
    (d) =>
      d <= days ? 1 : 0,
};
