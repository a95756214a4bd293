import { type ColumnTable, table } from 'arquero';
import {
  COMPARISON_COLUMNS,
  comparisonRow,
  PER_DAY_COLUMNS,
  perDayRow,
  SUMMARY_COLUMNS,
  summaryRow,
} from './csv.js';
import type { ComparisonRow, PerDayRow, SummaryRow } from './rows.js';

// Arquero views of a results folder (issue 14): per_day.csv, summary.csv and comparisons.csv as column tables, with
// the CSV files' own column names, for notebooks and researchers to filter, group, pivot and join. The folder is read
// and checked by readResultsFolder (located errors); these tables are built from its typed rows, one column array at
// a time. Where speed matters the loops stay: test/bench/tables.ts measures arquero against them (grouping and
// pivoting per-day rows, 2 to 3 times slower in arquero; docs/dependencies.md).
//
// metricTable and summaryByModel pick their rows from the typed rows before making a table (Array.filter): arquero's
// filter needs the whole table made first, which made metricTable 6 times slower on a synthetic year's 525 600
// per-day rows (166 against 29 ms CPU). Expressions given to arquero here are strings ('NaN'): a table expression
// written as a function is parsed from its source text, which a bundler or test transform may rewrite (an imported
// `op` becomes `__vi_import_0__.op`).

/** The rows a run leaves: a results folder read back, or a run's analysis (per-day rows optional). */
export interface ResultsRows {
  perDay?: readonly PerDayRow[];
  summary: readonly SummaryRow[];
  comparisons: readonly ComparisonRow[];
}

/** A results folder's three files as arquero tables, columns named as in the CSV files. */
export interface ResultsTables {
  /** date, model, budget, metric, value (NaN where the metric is undefined that day). */
  perDay: ColumnTable;
  /** model, budget, metric, n, mean, median, q1, q3, iqr, ci_low, ci_high, higher_is_better. */
  summary: ColumnTable;
  /**
   * metric, budget, model_a, model_b, n, mean_diff, median_diff, ci_low, ci_high, a_wins, a_losses, ties, p_value,
   * p_holm, significant, verdict.
   */
  comparisons: ColumnTable;
}

/** A numeric column of summary.csv: what {@link summaryByModel} may spread. */
export type SummaryStat = 'n' | 'mean' | 'median' | 'q1' | 'q3' | 'iqr' | 'ci_low' | 'ci_high';

function columnsOf<R>(
  rows: readonly R[],
  names: readonly string[],
  cells: (r: R) => readonly (string | number | boolean)[],
): ColumnTable {
  const columns = names.map(() => new Array<string | number | boolean>(rows.length));
  rows.forEach((r, i) => {
    const values = cells(r);
    for (let c = 0; c < columns.length; c++) columns[c]![i] = values[c]!;
  });
  return table(Object.fromEntries(names.map((name, c) => [name, columns[c]!])));
}

function perDayTable(rows: readonly PerDayRow[]): ColumnTable {
  return columnsOf(rows, PER_DAY_COLUMNS, perDayRow);
}

function summaryTable(rows: readonly SummaryRow[]): ColumnTable {
  return columnsOf(rows, SUMMARY_COLUMNS, summaryRow);
}

function comparisonsTable(rows: readonly ComparisonRow[]): ColumnTable {
  return columnsOf(rows, COMPARISON_COLUMNS, comparisonRow);
}

/**
 * A run's results as arquero tables: `resultsTables(await readResultsFolder(dir))`, or
 * `resultsTables({ ...analysis, perDay: run.rows })` for a run made in memory. Rows keep the files' order; numbers
 * keep NaN where a value is undefined (arquero's aggregates skip NaN, as the report's statistics do).
 */
export function resultsTables(results: ResultsRows): ResultsTables {
  return {
    perDay: perDayTable(results.perDay ?? []),
    summary: summaryTable(results.summary),
    comparisons: comparisonsTable(results.comparisons),
  };
}

/**
 * Spreads `value` over one column per `key`, one row per distinct `rows`, in first-appearance order of both; a cell
 * with no row, or only an undefined (NaN) value, is NaN. Arquero's pivot aggregates each cell with `any`, which skips
 * NaN: the imputation gives the undefined value back its NaN.
 */
function spread(long: ColumnTable, rows: readonly string[], key: string, value: string): ColumnTable {
  const wide = long.groupby(...rows).pivot(key, value, { sort: false });
  const keys = wide.columnNames().filter((c) => !rows.includes(c));
  return wide.impute(Object.fromEntries(keys.map((k) => [k, 'NaN'])));
}

/**
 * One metric at one budget over the days, wide by model: a `date` column (ascending), then one column per model (in
 * the order the rows first name them), NaN where the metric is undefined that day. The paired view behind a
 * comparison: `metricTable(folder, 'recall', 100)`.
 */
export function metricTable(
  results: { perDay?: readonly PerDayRow[] },
  metric: string,
  budget: string | number,
): ColumnTable {
  const b = String(budget);
  const long = perDayTable((results.perDay ?? []).filter((r) => r.metric === metric && r.budget === b));
  return spread(long, ['date'], 'model', 'value').orderby('date');
}

/** Each summary.csv statistic's field in SummaryRow. */
const STAT_FIELDS = {
  n: 'n',
  mean: 'mean',
  median: 'median',
  q1: 'q1',
  q3: 'q3',
  iqr: 'iqr',
  ci_low: 'ciLow',
  ci_high: 'ciHigh',
} as const satisfies Record<SummaryStat, keyof SummaryRow>;

/** What {@link summaryByModel} spreads: a numeric column of summary.csv, or a value made of each summary row. */
export type SummaryValue = SummaryStat | ((row: SummaryRow) => string | number);

/**
 * summary.csv wide by metric: a `model` column (in the summary's order), a `budget` column unless one budget is
 * asked, then one column per metric (`metrics` in that order, or every metric in the summary's order) holding `stat`
 * (default the mean; a function of the row, e.g. a mean with its CI as text), NaN where undefined or absent.
 * `summaryByModel(folder, { budget: 100, metrics: ['recall', 'precision'] })` is the table a comparison starts from.
 */
export function summaryByModel(
  results: { summary: readonly SummaryRow[] },
  options: { budget?: string | number; metrics?: readonly string[]; stat?: SummaryValue } = {},
): ColumnTable {
  const { metrics, stat = 'mean' } = options;
  const budget = options.budget === undefined ? undefined : String(options.budget);
  const rows = results.summary.filter(
    (s) => (budget === undefined || s.budget === budget) && (!metrics || metrics.includes(s.metric)),
  );
  const field = typeof stat === 'function' ? undefined : STAT_FIELDS[stat];
  const value = rows.map((s) => (field ? s[field] : (stat as (row: SummaryRow) => string | number)(s)));
  const long = table({
    model: rows.map((s) => s.model),
    budget: rows.map((s) => s.budget),
    metric: rows.map((s) => s.metric),
    value,
  });
  const keys = budget === undefined ? ['model', 'budget'] : ['model'];
  const wide = spread(long, keys, 'metric', 'value');
  if (!metrics) return wide;
  // Every asked metric is a column, in the order asked (a metric the run lacks is NaN throughout).
  const missing = metrics.filter((m) => !wide.columnNames().includes(m));
  const full = missing.length ? wide.derive(Object.fromEntries(missing.map((m) => [m, 'NaN']))) : wide;
  return full.select(...keys, ...metrics);
}
