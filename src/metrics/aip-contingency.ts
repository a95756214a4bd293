import { type ListEvaluation, PUBLIC_IPV4 } from './list-evaluation.js';

/** The contingency table AIP's evaluation builds over the public IPv4 space (N = 3 706 452 992 − P). */
export interface AipContingency {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  p: number;
  n: number;
}

/**
 * TN = N − FP. AIP's evaluation computes `public_IPs − P − FN − FP`, subtracting FN a second time; the difference is
 * at most P in 3.7 billion and changes no ratio below the ninth digit.
 */
export function aipContingency(f: ListEvaluation): AipContingency {
  const n = PUBLIC_IPV4 - f.positives;
  const fp = f.size - f.tp;
  return { tp: f.tp, fp, fn: f.positives - f.tp, tn: n - fp, p: f.positives, n };
}

export const TN_CAVEAT =
  'dominated by true negatives: every public IPv4 address not listed and not attacking counts as a success, so it stays near 1 (or 0) whatever the list';
