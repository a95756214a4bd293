import * as aq from 'arquero';
import { baseMetric } from '../backtest/analyze.js';
import { SET_CUT_MARK } from '../backtest/set-cuts.js';
import { getMetric, metricNames } from '../metrics/index.js';
import { undefinedForNaturalLists } from '../metrics/natural-lists.js';
import {
  budgetOrder,
  type ChartResults,
  CONFIG,
  chartModelName,
  ciPercent,
  coincidingNote,
  HEIGHT,
  matchedBudgetOf,
  modelStyles,
  SCHEMA,
  setCutNote,
  WIDTH,
} from './chart-common.js';
import { chartTables, coincidingModels } from './chart-tables.js';
import type { VegaLiteSpec } from './render.js';

/** Options of {@link budgetCurves}. */
export interface BudgetCurvesOptions {
  /**
   * Metric name as in summary.csv, e.g. precision_at_k, recall or coverage_flows. recall_at_k is defined only for a
   * list cut to K: its chart has no natural list.
   */
  metric: string;
  /** Chart title. @default '<metric> against list size' */
  title?: string;
}

/** The summary.csv columns the chart reads (an arquero row of results/tables.ts). */
interface SummaryColumns {
  model: string;
  budget: string;
  metric: string;
  mean: number;
  ci_low: number;
  ci_high: number;
}

/** One point of a budget curve: a model's mean over the days at one budget, with its bootstrap CI. */
interface CurvePoint {
  model: string;
  budget: string;
  /** The list size the point stands at: K for a numeric budget, the mean list size for the natural list. */
  size: number;
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  list: string;
}

/**
 * Whether a result metric (any horizon) is defined only for a list cut to a budget K (recall_at_k): a natural list
 * has no point on its chart. Asked of the registered metric itself; a name not registered is charted as it is.
 */
function budgetOnly(metric: string): boolean {
  const [base] = baseMetric(metric);
  return metricNames().includes(base) && undefinedForNaturalLists(getMetric(base));
}

/**
 * A metric against list size, a line per model (DESIGN §5 budget metrics): the mean over days at each numeric budget
 * K (x = K, log scale) with its bootstrap CI. Each model has its own colour, dash pattern and marker shape (the
 * subtitle names models whose points coincide). The natural list has no K of its own: it is a large open marker
 * labelled "natural" at the model's mean natural list size, not a point on the line (joining it would draw a curve
 * through a different kind of list), and never a point at a K it was not cut to. A metric defined only for a list cut
 * to K (recall_at_k) has no natural point at all: old results folders may still hold a value there (TP / min(size, P),
 * the list's precision when it is shorter than the day's attackers). A matched budget (`size(Alpha)`) has a K of its
 * own each day, so it has no place on a K axis: it is left out here (the subtitle says so) and shown in the tables and
 * the over-time charts. A set model is marked † in the legend: its line is made of cuts of a set list. Undefined when
 * the metric is not in summary.csv or has no defined mean.
 */
export function budgetCurves(results: ChartResults, options: BudgetCurvesOptions): VegaLiteSpec | undefined {
  const { metric, title = `${metric} against list size` } = options;
  const budgets = new Set(budgetOrder(results));
  // A set model's line points are cuts of its set; with no numeric budget there is no line, and nothing to mark.
  const numeric = [...budgets].some((b) => b !== 'natural' && !matchedBudgetOf(b));
  const name = (model: string) => (numeric ? chartModelName(results, model, undefined) : model);
  const naturalPoint = !budgetOnly(metric);
  const summary = chartTables(results).summary;
  // Each model's mean natural list size: where its natural point stands.
  const naturalSizes = summary
    .filter(
      aq.escape(
        (d: SummaryColumns) =>
          d.metric === 'size' && d.budget === 'natural' && Number.isFinite(d.mean) && d.mean > 0,
      ),
    )
    .select('model', { mean: 'natural_size' });
  const rows = summary
    .filter(
      aq.escape(
        (d: SummaryColumns) =>
          d.metric === metric &&
          budgets.has(d.budget) &&
          !Number.isNaN(d.mean) &&
          !matchedBudgetOf(d.budget) &&
          (naturalPoint || d.budget !== 'natural'),
      ),
    )
    .lookup(naturalSizes, 'model', 'natural_size')
    .objects() as (SummaryColumns & { natural_size?: number })[];
  const points: CurvePoint[] = [];
  for (const s of rows) {
    const natural = s.budget === 'natural';
    const size = natural ? s.natural_size : Number(s.budget);
    // A natural list without a known size (size not computed, or always empty) has no place on the x axis.
    if (size === undefined) continue;
    const ci = Number.isFinite(s.ci_low) && Number.isFinite(s.ci_high);
    points.push({
      model: name(s.model),
      budget: s.budget,
      size,
      mean: s.mean,
      ciLow: ci ? s.ci_low : null,
      ciHigh: ci ? s.ci_high : null,
      list: natural ? 'natural list' : 'budget K',
    });
  }
  if (points.length === 0) return undefined;
  const curve = points.filter((p) => p.budget !== 'natural');
  const natural = points.filter((p) => p.budget === 'natural');
  const x = {
    field: 'size',
    type: 'quantitative',
    title: 'list size: budget K, or the natural list’s mean size (log scale)',
    scale: { type: 'log' },
    axis: { format: '~s', grid: true },
  } as const;
  const y = { field: 'mean', type: 'quantitative', title: `${metric} (mean over days)` } as const;
  const { color, strokeDash, shape } = modelStyles(results, name);
  const withCi = points.filter((p) => p.ciLow !== null);
  const layer: unknown[] = [];
  if (withCi.length > 0)
    layer.push({
      data: { values: withCi },
      mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 },
      encoding: { x, y: { field: 'ciLow', type: 'quantitative' }, y2: { field: 'ciHigh' }, color },
    });
  if (curve.length > 0)
    layer.push(
      {
        data: { values: curve },
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: { x, y, color, strokeDash },
      },
      {
        data: { values: curve },
        mark: { type: 'point', filled: false, size: 45, strokeWidth: 1.5, opacity: 1 },
        encoding: { x, y, color, shape },
      },
    );
  if (natural.length > 0)
    layer.push(
      {
        data: { values: natural },
        mark: { type: 'point', filled: false, size: 170, strokeWidth: 2.4, opacity: 1 },
        encoding: { x, y, color, shape },
      },
      {
        // A fixed colour: a text mark's colour would fill the legend's symbols, hiding their dash.
        data: { values: natural },
        mark: { type: 'text', dy: -14, fontSize: 10, color: '#333' },
        encoding: { x, y, text: { value: 'natural' } },
      },
    );
  const lines = [
    `mean over days with its ${ciPercent(results)}% bootstrap CI; one line per model through its budgets K`,
  ];
  if (natural.length > 0)
    lines.push(
      "large open markers labelled 'natural': the model's natural list (its own rule, no K) at its mean size over days",
    );
  if (!naturalPoint && budgets.has('natural'))
    lines.push(
      `${metric} is undefined for a natural list (it has no K): see the recall chart for those lists`,
    );
  if ([...budgets].some((b) => matchedBudgetOf(b)))
    lines.push(
      'matched budgets (size(…)) change K by day: they are in the tables and over-time charts, not here',
    );
  if (numeric && setCutNote(results, undefined))
    lines.push(
      `${SET_CUT_MARK} a set model's line is made of cuts of its set list (members ordered by last seen, days active,`,
      "flows, IP — not a ranking); its 'natural' marker is the set itself",
    );
  const same = coincidingModels(points.map((p) => ({ model: p.model, key: p.budget, value: p.mean })));
  if (same.length > 0) lines.push(coincidingNote(same));
  return {
    $schema: SCHEMA,
    title: {
      text: title,
      subtitle: lines.length === 1 ? lines[0]! : lines,
    },
    width: WIDTH,
    height: HEIGHT,
    layer,
    config: CONFIG,
  } as VegaLiteSpec;
}
