// The table work behind the charts (internal: not re-exported from the folder's index), done with arquero over the
// results folder's tables (results/tables.ts): filters, pivots, lookups and folds instead of hand-written loops.
//
// Row predicates are closures passed through arquero's `escape`: a table expression written as a function is parsed
// from its source text, which a bundler or test transform may rewrite; escaped closures do not depend on that.

import type { ColumnTable } from 'arquero';
import * as aq from 'arquero';
import { type ResultsTables, resultsTables } from '../results/tables.js';
import type { ChartResults } from './chart-common.js';

/**
 * A chart builder is called many times on one results folder: its tables are made once per results object, and made
 * again when the object's row arrays were replaced or grew or shrank (a notebook filtering `results.perDay`). A row
 * edited in place is not seen: build a new results object for that.
 */
const tablesCache = new WeakMap<
  ChartResults,
  { rows: readonly (readonly unknown[])[]; sizes: number[]; tables: ResultsTables }
>();

/** The results folder as arquero tables, columns named as in the CSV files; made once per results object. */
export function chartTables(results: ChartResults): ResultsTables {
  const rows = [results.perDay, results.summary, results.comparisons];
  const sizes = rows.map((r) => r.length);
  const cached = tablesCache.get(results);
  if (cached && cached.rows.every((r, i) => r === rows[i]) && cached.sizes.every((n, i) => n === sizes[i]))
    return cached.tables;
  const tables = resultsTables(results);
  tablesCache.set(results, { rows, sizes, tables });
  return tables;
}

/**
 * per_day rows of one result column and budget (undefined: every budget) with a defined (non-NaN) value. Reified: a
 * filtered arquero table is a view over all of per_day, which every later verb would scan again.
 */
export function definedPerDay(results: ChartResults, metric: string, budget?: string): ColumnTable {
  return chartTables(results)
    .perDay.filter(
      aq.escape(
        (d: { metric: string; budget: string; value: number }) =>
          d.metric === metric && (budget === undefined || d.budget === budget) && !Number.isNaN(d.value),
      ),
    )
    .reify();
}

/** YYYY-MM-DD of the day after `date`. */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The list days of the run, every calendar day from the experiment's `from` to its `to` (and any day of per_day.csv
 * outside them), ascending: the x axis of a chart over time, on which a day without a value is a gap.
 */
export function runDays(results: ChartResults): string[] {
  const tables = chartTables(results);
  let days = daysCache.get(tables);
  if (days === undefined) {
    const { from, to } = results.manifest.experiment;
    const all = new Set<string>();
    for (let d = from; d <= to; d = nextDay(d)) all.add(d);
    for (const d of tables.perDay.dedupe('date').array('date') as string[]) all.add(d);
    days = [...all].sort();
    daysCache.set(tables, days);
  }
  return days;
}

const daysCache = new WeakMap<ResultsTables, string[]>();

/** One point of a series over the days: null where the model has no value that day (the line breaks there). */
export interface DayValue {
  date: string;
  model: string;
  value: number | null;
}

/**
 * A metric at one budget as one series per model over every day of the run: each model with a value on some day
 * (in `models` order, then any other in the order of the rows) gets a row for every day, with null where it has no
 * value (a missing day, or an undefined value): a line drawn from it breaks there instead of running straight across.
 * Rows are ordered by day, then model.
 */
export function daySeries(
  results: ChartResults,
  metric: string,
  budget: string,
  models: readonly string[],
): DayValue[] {
  const defined = definedPerDay(results, metric, budget);
  if (defined.numRows() === 0) return [];
  // Model names become column names of the wide table: a prefix keeps them apart from `date`.
  const key = (model: string) => `m:${model}`;
  const present = defined.dedupe('model').array('model') as string[];
  const order = [...models.filter((m) => present.includes(m)), ...present.filter((m) => !models.includes(m))];
  // One row per day with a value, a column per model (pivot), looked up on every day of the run, then long again.
  const wide = defined
    .derive({ key: aq.escape((d: { model: string }) => key(d.model)) })
    .groupby('date')
    .pivot('key', 'value');
  return aq
    .table({ date: runDays(results) })
    .lookup(wide, 'date', ...order.map(key))
    .fold(order.map(key), { as: ['key', 'value'] })
    .objects()
    .map((r) => {
      const { date, key: k, value } = r as { date: string; key: string; value: unknown };
      return {
        date,
        model: k.slice(2),
        value: typeof value === 'number' && !Number.isNaN(value) ? value : null,
      };
    });
}

/** Whether some value of a series stands alone: no value the day before nor the day after (no line through it). */
export function hasLoneValue(series: readonly DayValue[]): boolean {
  const byModel = aq
    .from(series as DayValue[])
    .groupby('model')
    .objects({ grouped: 'map' }) as unknown as Map<string, DayValue[]>;
  for (const rows of byModel.values())
    for (let i = 0; i < rows.length; i++)
      if (rows[i]!.value !== null && rows[i - 1]?.value == null && rows[i + 1]?.value == null) return true;
  return false;
}

/**
 * Models whose series are the same point for point (a key → value table per model, `null` for no value): groups of
 * two or more, in the order of first appearance. Drawn on top of each other, only the dash patterns and markers tell
 * them apart, so a chart names them.
 */
export function coincidingModels(
  rows: readonly { model: string; key: string; value: number | null }[],
): string[][] {
  const series = aq
    .from(rows as { model: string; key: string; value: number | null }[])
    .groupby('model')
    .objects({ grouped: 'map' }) as unknown as Map<string, { key: string; value: number | null }[]>;
  const groups = new Map<string, string[]>();
  for (const [model, points] of series) {
    if (points.every((p) => p.value === null)) continue;
    const signature = JSON.stringify(points.map((p) => [p.key, p.value]).sort());
    groups.set(signature, [...(groups.get(signature) ?? []), model]);
  }
  return [...groups.values()].filter((g) => g.length > 1);
}
