import { SET_CUT_MARK } from '../backtest/set-cuts.js';
import {
  budgetOrder,
  type ChartResults,
  CONFIG,
  chartModelName,
  ciPercent,
  HEIGHT,
  matchedBudgetOf,
  modelColor,
  SCHEMA,
  setCutNote,
  WIDTH,
} from './chart-common.js';
import type { VegaLiteSpec } from './render.js';

/** Options of {@link budgetCurves}. */
export interface BudgetCurvesOptions {
  /** Metric name as in summary.csv, e.g. precision_at_k, recall_at_k or coverage_flows. */
  metric: string;
  /** Chart title. @default '<metric> against list size' */
  title?: string;
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
 * A metric against list size, a line per model (DESIGN §5 budget metrics): the mean over days at each numeric budget
 * K (x = K, log scale) with its bootstrap CI. The natural list has no K of its own, so it is a separate diamond at
 * the model's mean natural list size rather than a point on the line (joining it would draw a curve through a
 * different kind of list). A matched budget (`size(Alpha)`) has a K of its own each day, so it has no place on a K
 * axis: it is left out here (the subtitle says so) and shown in the tables and the over-time charts. A set model is
 * marked † in the legend: its line is made of cuts of a set list. Undefined when the metric is not in summary.csv or
 * has no defined mean.
 */
export function budgetCurves(results: ChartResults, options: BudgetCurvesOptions): VegaLiteSpec | undefined {
  const { metric, title = `${metric} against list size` } = options;
  const budgets = new Set(budgetOrder(results));
  const naturalSize = new Map(
    results.summary
      .filter((s) => s.metric === 'size' && s.budget === 'natural' && Number.isFinite(s.mean) && s.mean > 0)
      .map((s) => [s.model, s.mean]),
  );
  const points: CurvePoint[] = [];
  // A set model's line points are cuts of its set; with no numeric budget there is no line, and nothing to mark.
  const numeric = [...budgets].some((b) => b !== 'natural' && !matchedBudgetOf(b));
  const name = (model: string) => (numeric ? chartModelName(results, model, undefined) : model);
  for (const s of results.summary) {
    if (s.metric !== metric || !budgets.has(s.budget) || Number.isNaN(s.mean)) continue;
    if (matchedBudgetOf(s.budget)) continue;
    const natural = s.budget === 'natural';
    const size = natural ? naturalSize.get(s.model) : Number(s.budget);
    // A natural list without a known size (size not computed, or always empty) has no place on the x axis.
    if (size === undefined) continue;
    const ci = Number.isFinite(s.ciLow) && Number.isFinite(s.ciHigh);
    points.push({
      model: name(s.model),
      budget: s.budget,
      size,
      mean: s.mean,
      ciLow: ci ? s.ciLow : null,
      ciHigh: ci ? s.ciHigh : null,
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
  const color = modelColor(results, name);
  const shape = {
    field: 'list',
    type: 'nominal',
    title: 'list',
    scale: { domain: ['budget K', 'natural list'], range: ['circle', 'diamond'] },
  } as const;
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
        encoding: { x, y, color },
      },
      {
        data: { values: curve },
        mark: { type: 'point', filled: true, size: 40, opacity: 1 },
        encoding: { x, y, color, shape },
      },
    );
  if (natural.length > 0)
    layer.push({
      data: { values: natural },
      mark: { type: 'point', filled: true, size: 110, opacity: 1, stroke: '#333', strokeWidth: 0.8 },
      encoding: { x, y, color, shape },
    });
  const lines = [`mean over days with its ${ciPercent(results)}% bootstrap CI; one line per model`];
  if ([...budgets].some((b) => matchedBudgetOf(b)))
    lines.push(
      'matched budgets (size(…)) change K by day: they are in the tables and over-time charts, not here',
    );
  if (numeric && setCutNote(results, undefined))
    lines.push(
      `${SET_CUT_MARK} a set model's line is made of cuts of its set list (members ordered by last seen, days active,`,
      'flows, IP — not a ranking); its diamond is the set itself',
    );
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
