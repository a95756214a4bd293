import type { ComparisonRow, PerDayRow, SummaryRow } from './rows.js';

/** A number as written in the result files: JavaScript's shortest round-trip form; NaN for undefined values. */
export function formatValue(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  return Object.is(x, -0) ? '0' : String(x);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text: a header line, then one line per row; numbers as {@link formatValue}, text quoted only when needed. */
export function csvText(header: readonly string[], rows: (string | number | boolean)[][]): string {
  const lines = [header.join(',')];
  for (const r of rows)
    lines.push(r.map((v) => (typeof v === 'number' ? formatValue(v) : csvField(String(v)))).join(','));
  return `${lines.join('\n')}\n`;
}

/** The columns of per_day.csv, in order. */
export const PER_DAY_COLUMNS = ['date', 'model', 'budget', 'metric', 'value'] as const;

/** The columns of summary.csv, in order. */
export const SUMMARY_COLUMNS = [
  'model',
  'budget',
  'metric',
  'n',
  'mean',
  'median',
  'q1',
  'q3',
  'iqr',
  'ci_low',
  'ci_high',
  'higher_is_better',
] as const;

/** The columns of comparisons.csv, in order. */
export const COMPARISON_COLUMNS = [
  'metric',
  'budget',
  'model_a',
  'model_b',
  'n',
  'mean_diff',
  'median_diff',
  'ci_low',
  'ci_high',
  'a_wins',
  'a_losses',
  'ties',
  'p_value',
  'p_holm',
  'significant',
  'verdict',
] as const;

/** per_day.csv of a run's rows. */
export function perDayCsv(rows: readonly PerDayRow[]): string {
  return csvText(PER_DAY_COLUMNS, rows.map(perDayRow));
}

/** summary.csv of a run's summary rows. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  return csvText(SUMMARY_COLUMNS, rows.map(summaryRow));
}

/** comparisons.csv of a run's comparison rows. */
export function comparisonsCsv(rows: readonly ComparisonRow[]): string {
  return csvText(COMPARISON_COLUMNS, rows.map(comparisonRow));
}

/** One per_day.csv row (PER_DAY_COLUMNS' order). */
export function perDayRow(r: PerDayRow): (string | number)[] {
  return [r.date, r.model, r.budget, r.metric, r.value];
}

/** One comparisons.csv row (COMPARISON_COLUMNS' order). */
export function comparisonRow(c: ComparisonRow): (string | number | boolean)[] {
  return [
    c.metric,
    c.budget,
    c.modelA,
    c.modelB,
    c.n,
    c.meanDiff,
    c.medianDiff,
    c.ciLow,
    c.ciHigh,
    c.wins,
    c.losses,
    c.ties,
    c.pValue,
    c.pHolm,
    c.significant,
    c.verdict,
  ];
}

/** One summary.csv row (SUMMARY_COLUMNS' order) of a summary entry. */
export function summaryRow(s: SummaryRow): (string | number | boolean)[] {
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
