import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

/** No aging: weight 1. */
export const noDecay: DecayDefinition<Record<string, never>> = {
  name: 'none',
  formula: '1',
  summary: 'no aging',
  schema: decayParamsSchema({}),
  make: () => () => 1,
};
