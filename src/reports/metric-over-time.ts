import {
  budgetTitle,
  type ChartResults,
  CONFIG,
  chartModelName,
  coincidingNote,
  dayAxis,
  HEIGHT,
  metricAt,
  modelOrder,
  modelStyles,
  SCHEMA,
  setCutNote,
  WIDTH,
} from './chart-common.js';
import { coincidingModels, daySeries, hasLoneValue } from './chart-tables.js';
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
 * One metric at one budget over the days of a run: a line per model (DESIGN §6), each model with its own colour,
 * dash pattern and marker shape, so a line lying exactly under another still shows (the subtitle names models whose
 * lines coincide every day). A day without a value for a model (a missing day of the data, or an undefined value)
 * leaves a gap in its line. At a numeric or matched budget a set model's name is marked † (a cut of a set list), with
 * the footnote under the subtitle. Undefined when the run has no value of the metric (not computed, or NaN every day).
 */
export function metricOverTime(
  results: ChartResults,
  options: MetricOverTimeOptions,
): VegaLiteSpec | undefined {
  const { metric, horizon = 0, title = `${metric} over time`, yTitle = metric, yDomain } = options;
  const budget = String(options.budget);
  const name = (model: string) => chartModelName(results, model, budget);
  const series = daySeries(results, metricAt(metric, horizon), budget, modelOrder(results));
  if (series.length === 0) return undefined;
  // Days with a value (daySeries also holds a null row per missing day, to break the lines).
  const days = new Set(series.filter((r) => r.value !== null).map((r) => r.date)).size;
  const target = horizon === 0 ? "the list's own day" : `day D+${horizon}`;
  const {
    subtitle = `${budgetTitle(budget)}; scored against ${target}; one line per model, broken on days without a value`,
  } = options;
  const lines = [subtitle];
  const note = setCutNote(results, budget);
  if (note) lines.push(note);
  const same = coincidingModels(series.map((r) => ({ model: r.model, key: r.date, value: r.value })));
  if (same.length > 0) lines.push(coincidingNote(same.map((g) => g.map(name))));
  const styles = modelStyles(results, name);
  const x = dayAxis();
  const y = {
    field: 'value',
    type: 'quantitative',
    title: yTitle,
    ...(yDomain ? { scale: { domain: yDomain } } : {}),
  } as const;
  // Markers show the scored days; past three months they would clutter the lines, unless a value stands alone
  // between gaps (no line through it: without a marker it would not show at all).
  const points = days <= 92 || hasLoneValue(series);
  return {
    $schema: SCHEMA,
    title: { text: title, subtitle: lines.length === 1 ? lines[0]! : lines },
    width: WIDTH,
    height: HEIGHT,
    data: { values: series.map((r) => ({ date: r.date, model: name(r.model), value: r.value })) },
    layer: [
      {
        // Null values break the line (vega-lite's default for a line's invalid values: break the path).
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: { x, y, color: styles.color, strokeDash: styles.strokeDash },
      },
      ...(points
        ? [
            {
              mark: { type: 'point', filled: false, size: 22, strokeWidth: 1.3, opacity: 1 },
              encoding: { x, y, color: styles.color, shape: styles.shape },
            },
          ]
        : []),
    ],
    config: CONFIG,
  } as VegaLiteSpec;
}
