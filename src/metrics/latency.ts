import { ratio } from './list-evaluation.js';
import { defineMetric } from './metric.js';

export const latency = defineMetric({
  name: 'latency',
  description:
    "listing latency: mean days from an IP's first attack to its first listing, over the day's first listings (NaN when none)",
  formula: 'Λ / F',
  higherIsBetter: false,
  horizons: false,
  compute: (f) => ratio(f.latencyDays, f.firstListings),
});
