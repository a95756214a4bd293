import {
  budgetTitle,
  type ChartResults,
  CONFIG,
  chartModelName,
  dayAxis,
  definedRows,
  HEIGHT,
  metricAt,
  modelColor,
  SCHEMA,
  setCutNote,
  WIDTH,
} from './chart-common.js';
import type { VegaLiteSpec } from './render.js';

/** Options of {@link metricOverTime}. */
export interface MetricOverTimeOptions {
  /** Metric name as in per_day.csv without a horizon suffix (`recall`). */
  metric: string;
  /** Budget as in the result files: a number, 'natural' or a matched budget ('size(Alpha)'). */
  budget: string | number;
  /** Target-day offset: 0 scores D's list against D's attackers, h against D+h's (`recall_h1`). @default 0 */
  horizon?: number;
  /** Chart title. @default '<metric> over time' */
  title?: string;
  /** Chart subtitle. @default the budget and target day, and how missing values are shown */
  subtitle?: string;
  /** Title of the y axis. @default the metric's name */
  yTitle?: string;
  /** Fixed y range, e.g. [0, 1] for a share; without it the axis fits the values (from zero). @default undefined */
  yDomain?: [number, number];
}

/**
 * One metric at one budget over the days of a run: a line per model (DESIGN §6). Days where the metric is undefined
 * (NaN) are left out. At a numeric or matched budget a set model's name is marked † (a cut of a set list), with the
 * footnote under the subtitle. Undefined when the run has no value of the metric (not computed, or NaN every day).
 */
export function metricOverTime(
  results: ChartResults,
  options: MetricOverTimeOptions,
): VegaLiteSpec | undefined {
  const { metric, horizon = 0, title = `${metric} over time`, yTitle = metric, yDomain } = options;
  const budget = String(options.budget);
  const column = metricAt(metric, horizon);
  const rows = definedRows(results, column, budget);
  if (rows.length === 0) return undefined;
  const days = new Set(rows.map((r) => r.date)).size;
  const target = horizon === 0 ? "the list's own day" : `day D+${horizon}`;
  const {
    subtitle = `${budgetTitle(budget)}; scored against ${target}; one line per model, days without a value left out`,
  } = options;
  const name = (model: string) => chartModelName(results, model, budget);
  const note = setCutNote(results, budget);
  return {
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: note ? [subtitle, note] : subtitle,
    },
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows.map((r) => ({ date: r.date, model: name(r.model), value: r.value })) },
    // Points mark the scored days, so a gap (a missing day) shows as a longer segment without a point; past three
    // months they would only clutter the line.
    mark: { type: 'line', strokeWidth: 1.6, point: days <= 92 ? { size: 16 } : false },
    encoding: {
      x: dayAxis(),
      y: {
        field: 'value',
        type: 'quantitative',
        title: yTitle,
        ...(yDomain ? { scale: { domain: yDomain } } : {}),
      },
      color: modelColor(results, name),
    },
    config: CONFIG,
  } as VegaLiteSpec;
}
