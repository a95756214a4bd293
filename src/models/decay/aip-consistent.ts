import { type DecayDefinition, decayParamsSchema } from './decay-function.js';

/**
 * Prioritize Consistent's aging (AIP prioritize.py `Consistent._get_IP_scores`): `1 − d / (d + t)` = t / (d + t),
 * the share of the IP's known life that it was active. An IP seen on one day only (t = 0) weighs 0 at any d ≥ 1.
 * 0/0 (d = 0 and t = 0, an IP first and last seen on the replayed day itself) is defined as 1 — no aging on the day
 * of the attack; a view asOf D never produces it (d ≥ 1), AIP would give NaN.
 */
export const aipConsistentDecay: DecayDefinition<Record<string, never>> = {
  name: 'aip-consistent',
  formula: '1 - d / (d + t); 0/0 := 1',
  summary: "AIP's Prioritize Consistent aging: rewards IPs active over a long span relative to their absence",
  schema: decayParamsSchema({}),
  make: () => (d, t) => (d + t === 0 ? 1 : 1 - d / (d + t)),
};
