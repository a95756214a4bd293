import type { Analysis } from './analyze.js';

/** One summary.csv row (SUMMARY_COLUMNS' order) of a summary entry. */
export function summaryRow(s: Analysis['summary'][number]): (string | number | boolean)[] {
  return [
    s.model,
    s.budget,
    s.metric,
    s.n,
    s.mean,
    s.median,
    s.q1,
    s.q3,
    s.iqr,
    s.ciLow,
    s.ciHigh,
    s.higherIsBetter,
  ];
}
