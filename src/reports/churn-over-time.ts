import { budgetTitle, type ChartResults } from './chart-common.js';
import { metricOverTime } from './metric-over-time.js';
import type { VegaLiteSpec } from './render.js';

/** Options of {@link churnOverTime}. */
export interface ChurnOverTimeOptions {
  /** Budget as in the result files: a number, 'natural' or a matched budget ('size(Alpha)'). */
  budget: string | number;
}

/**
 * Churn over time (DESIGN §5): each model's Jaccard similarity with its own list of the day before, at one budget
 * (1: the list did not change). Undefined when jaccard_previous was not computed.
 */
export function churnOverTime(
  results: ChartResults,
  options: ChurnOverTimeOptions,
): VegaLiteSpec | undefined {
  return metricOverTime(results, {
    metric: 'jaccard_previous',
    budget: options.budget,
    title: "churn: similarity with the previous day's list",
    subtitle: `${budgetTitle(String(options.budget))}; 1: the same list as the day before, 0: no IP in common; one line per model`,
    yTitle: 'Jaccard with previous list',
    yDomain: [0, 1],
  });
}
