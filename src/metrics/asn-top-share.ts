import { asnShares } from './asn-shares.js';
import { defineMetric } from './metric.js';

/**
 * The share of the list in its largest autonomous system: listed IPs in the AS holding most of them / list size. An
 * IP with no AS in the data counts as an AS of its own (so a list of unknowns alone scores 1/size). NaN for an empty
 * list or without the ASN data.
 */
export const asnTopShare = defineMetric({
  name: 'asn_top_share',
  description: 'share of the list in its largest autonomous system',
  formula: 'max(n_1, min(u, 1)) / size',
  higherIsBetter: false,
  horizons: false,
  compare: false,
  needs: ['asn'],
  compute: (f) => {
    const shares = asnShares(f);
    if (shares === undefined) return Number.NaN;
    const top = Math.max(shares.sizes[0] ?? 0, shares.unknown > 0 ? 1 : 0);
    return top / shares.size;
  },
});
