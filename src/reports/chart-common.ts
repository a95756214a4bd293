// Shared pieces of the chart builders (internal: not re-exported from the folder's index). They keep every chart of
// a report in one visual language: the same colour for a model everywhere, the same fonts, sizes and date axis.

import { budgetLabel } from '../backtest/experiment.js';
import { markSetCut, SET_CUT_NOTE } from '../backtest/set-cuts.js';
import type { ResultsFolder } from '../results/read-results-folder.js';
import type { PerDayRow } from '../results/rows.js';

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

/**
 * The colour encoding of models. `name` renames them as the chart's data does (chartModelName: marked † where the
 * rows are cuts of a set list); the domain keeps the experiment's order, so a model keeps its colour either way.
 */
export function modelColor(results: ChartResults, name: (model: string) => string = (m) => m) {
  return {
    field: 'model',
    type: 'nominal',
    title: 'model',
    scale: { domain: modelOrder(results).map(name), scheme: 'tableau10' },
  } as const;
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

/** per_day rows of one metric and budget with a value: NaN marks an undefined value, which a chart leaves out. */
export function definedRows(results: ChartResults, metric: string, budget?: string): PerDayRow[] {
  return results.perDay.filter(
    (r) => r.metric === metric && (budget === undefined || r.budget === budget) && !Number.isNaN(r.value),
  );
}

/** Confidence level of the run's bootstrap intervals, as a percentage. */
export function ciPercent(results: ChartResults): number {
  return Math.round(results.manifest.experiment.bootstrap.level * 100);
}
