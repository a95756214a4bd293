import { defineMetric } from './metric.js';

export const firstListings = defineMetric({
  name: 'first_listings',
  description:
    'IPs listed for the first time in the run whose first attack is observable (on or after the day before the first backtest day)',
  formula: 'F',
  higherIsBetter: true,
  horizons: false,
  compare: false,
  compute: (f) => f.firstListings,
});
