// Shared pieces of the chart builders (internal: not re-exported from the folder's index). They keep every chart of
// a report in one visual language: the same colour for a model everywhere, the same fonts, sizes and date axis.
import type { PerDayRow } from '../backtest/backtest.js';
import type { ResultsFolder } from './read-results-folder.js';

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

/** Budgets in the experiment's order, spelled as in the result files ('100', 'natural'). */
export function budgetOrder(results: ChartResults): string[] {
  return results.manifest.experiment.budgets.map(String);
}

/** How a budget reads in a title. */
export function budgetTitle(budget: string): string {
  return budget === 'natural'
    ? 'natural list (model rule)'
    : `budget K = ${Number(budget).toLocaleString('en-US')}`;
}

/** The result-file name of a metric at a horizon: `recall`, `recall_h1`. */
export function metricAt(metric: string, horizon: number): string {
  return horizon === 0 ? metric : `${metric}_h${horizon}`;
}

/** The colour encoding of models. */
export function modelColor(results: ChartResults) {
  return {
    field: 'model',
    type: 'nominal',
    title: 'model',
    scale: { domain: modelOrder(results), scheme: 'tableau10' },
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
