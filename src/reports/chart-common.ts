// Shared pieces of the chart builders (internal: not re-exported from the folder's index). They keep every chart of
// a report in one visual language: the same colour for a model everywhere, the same fonts, sizes and date axis.

import { budgetLabel } from '../backtest/experiment.js';
import { markSetCut, SET_CUT_NOTE } from '../backtest/set-cuts.js';
import type { ResultsFolder } from '../results/read-results-folder.js';

/** The results a chart is built from: a results folder read back, or the same shape built in memory. */
export type ChartResults = Pick<ResultsFolder, 'manifest' | 'perDay' | 'summary' | 'comparisons'>;

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Plot area of a single chart, in pixels: wide enough for two months of days, short enough to scroll past. */
export const WIDTH = 620;
export const HEIGHT = 240;

/** Font, title and legend settings shared by every chart. DejaVu Sans is what resvg renders the PNGs with. */
export const CONFIG = {
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 8,
  title: { anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', offset: 10 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e6e6e6',
    labelLimit: 360,
  },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelLimit: 260,
    symbolOpacity: 1,
    // Open markers drawn with the model's dash: the legend shows colour, dash and shape together.
    symbolSize: 120,
    symbolStrokeWidth: 1.6,
  },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ccc' },
} as const;

/** Model labels in the experiment's order: the colour domain, so a model has one colour in every chart. */
export function modelOrder(results: ChartResults): string[] {
  return results.manifest.experiment.models.map((m) => m.label);
}

/** Budgets in the experiment's order, spelled as in the result files ('100', 'natural', 'size(Alpha)'). */
export function budgetOrder(results: ChartResults): string[] {
  return results.manifest.experiment.budgets.map(budgetLabel);
}

/** A matched budget's label split: `0.25*size(Alpha7)` → share 0.25 of Alpha7; undefined for any other budget. */
export function matchedBudgetOf(budget: string): { share: number; sizeOf: string } | undefined {
  const m = /^(?:([^*]+)\*)?size\((.+)\)$/.exec(budget);
  return m ? { share: m[1] === undefined ? 1 : Number(m[1]), sizeOf: m[2]! } : undefined;
}

/** How a budget reads in a title. */
export function budgetTitle(budget: string): string {
  if (budget === 'natural') return 'natural list (model rule)';
  const matched = matchedBudgetOf(budget);
  // Short enough for a panel header of the paired differences; MATCHED_BUDGET_NOTE says what size(…) is.
  if (matched)
    return matched.share === 1
      ? `K = size(${matched.sizeOf})`
      : `K = ${matched.share} × size(${matched.sizeOf})`;
  return `budget K = ${Number(budget).toLocaleString('en-US')}`;
}

/** What a matched budget is, for a report that has one. */
export const MATCHED_BUDGET_NOTE =
  "size(X): a matched budget; each day K = Math.round(share × the size of model X's natural list that day, after the allowlist)";

/** Labels of the run's set models (manifest.unrankedModels; none for results written before it was recorded). */
export function unrankedModels(results: ChartResults): string[] {
  return (results.manifest as { unrankedModels?: string[] }).unrankedModels ?? [];
}

/**
 * A model's name in a chart: marked † when its rows at `budget` are cuts of a set list. `budget` undefined: a chart of
 * every numeric budget (the budget curves), marked for every set model.
 */
export function chartModelName(results: ChartResults, model: string, budget: string | undefined): string {
  return markSetCut(unrankedModels(results), model, budget ?? '0');
}

/** The footnote of the † mark, when a chart at `budget` (undefined: every numeric budget) marks a model. */
export function setCutNote(results: ChartResults, budget: string | undefined): string | undefined {
  return modelOrder(results).some((m) => chartModelName(results, m, budget) !== m) ? SET_CUT_NOTE : undefined;
}

/** The result-file name of a metric at a horizon: `recall`, `recall_h1`. */
export function metricAt(metric: string, horizon: number): string {
  return horizon === 0 ? metric : `${metric}_h${horizon}`;
}

/** Colours of models, in the experiment's order (vega's tableau10). */
export const MODEL_COLORS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
  '#bab0ac',
] as const;

/** Dash patterns of model lines (SVG dash arrays, in pixels), in the experiment's order: solid first. */
export const MODEL_DASHES: readonly (readonly number[])[] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [8, 3, 2, 3],
  [12, 4],
  [1, 3],
  [4, 2, 1, 2, 1, 2],
];

/** Point shapes of models, in the experiment's order. */
export const MODEL_SHAPES = [
  'circle',
  'square',
  'triangle-up',
  'diamond',
  'cross',
  'triangle-down',
  'triangle-right',
  'triangle-left',
] as const;

/**
 * The n-th model's style: colour, dash and shape cycle with different periods (10, 7 and 8), so the first
 * lcm(10, 7, 8) = 280 models of an experiment each have a style of their own, and the first 7 differ in all three.
 */
export function modelStyle(index: number): { color: string; dash: readonly number[]; shape: string } {
  return {
    color: MODEL_COLORS[index % MODEL_COLORS.length]!,
    dash: MODEL_DASHES[index % MODEL_DASHES.length]!,
    shape: MODEL_SHAPES[index % MODEL_SHAPES.length]!,
  };
}

/**
 * The encodings that tell models apart: colour, dash pattern (lines) and point shape, each keyed by model with the
 * experiment's order as the domain, so a model keeps its style in every chart and a line lying exactly under another
 * still shows (a different dash) with markers of its own. `name` renames models as the chart's data does
 * (chartModelName: marked † where the rows are cuts of a set list). The three share field and title, so vega-lite
 * draws one legend whose symbols carry all three.
 */
export function modelStyles(results: ChartResults, name: (model: string) => string = (m) => m) {
  const models = modelOrder(results);
  const domain = models.map(name);
  const styles = models.map((_, i) => modelStyle(i));
  const channel = { field: 'model', type: 'nominal', title: 'model' } as const;
  return {
    color: { ...channel, scale: { domain, range: styles.map((s) => s.color) } },
    strokeDash: { ...channel, scale: { domain, range: styles.map((s) => [...s.dash]) } },
    shape: { ...channel, scale: { domain, range: styles.map((s) => s.shape) } },
  } as const;
}

/** The subtitle line naming models whose lines or points coincide everywhere (groups from coincidingModels). */
export function coincidingNote(groups: readonly (readonly string[])[]): string {
  return `drawn on top of each other (the same values throughout): ${groups
    .map((g) => g.join(' = '))
    .join('; ')}`;
}

/** The x encoding of a day. Dates are UTC days: a local-time axis would shift them in a browser west of UTC. */
export function dayAxis(title = 'day') {
  return {
    field: 'date',
    type: 'temporal',
    title,
    scale: { type: 'utc' },
    axis: { format: '%b %d', labelAngle: 0, labelOverlap: true },
  } as const;
}

/** Confidence level of the run's bootstrap intervals, as a percentage. */
export function ciPercent(results: ChartResults): number {
  return Math.round(results.manifest.experiment.bootstrap.level * 100);
}
