import { asnShares } from './asn-shares.js';
import { defineMetric } from './metric.js';

/**
 * The Herfindahl–Hirschman index of the list over autonomous systems: Σ over ASes of (its listed IPs / list size)²,
 * from 1/size (every IP in its own AS) to 1 (all in one). An IP with no AS in the data counts as an AS of its own, so
 * unknown ASes never raise the index. NaN for an empty list or without the ASN data.
 */
export const asnHhi = defineMetric({
  name: 'asn_hhi',
  description: 'concentration of the list over autonomous systems: Herfindahl index Σ (share of each AS)²',
  formula: '(Σ_a n_a² + u) / size²',
  higherIsBetter: false,
  horizons: false,
  compare: false,
  needs: ['asn'],
  compute: (f) => {
    const shares = asnShares(f);
    if (shares === undefined) return Number.NaN;
    let sum = shares.unknown;
    for (const n of shares.sizes) sum += n * n;
    return sum / (shares.size * shares.size);
  },
});
