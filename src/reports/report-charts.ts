import { HEADLINE_METRICS } from '../metrics/builtin.js';
import { asnConcentrationOverTime } from './asn-concentration-over-time.js';
import { budgetCurves } from './budget-curves.js';
import { budgetOrder, budgetTitle, type ChartResults } from './chart-common.js';
import { churnOverTime } from './churn-over-time.js';
import { dataOverview } from './data-overview.js';
import { metricOverTime } from './metric-over-time.js';
import { pairedDifferences } from './paired-differences.js';
import type { VegaLiteSpec } from './render.js';

/** One chart of a report. */
export interface ReportChart {
  /** File name without extension (`charts/<name>.png`): lower case, digits and dashes. */
  name: string;
  title: string;
  /** The report section it belongs to. */
  section: string;
  spec: VegaLiteSpec;
}

/** Options of {@link reportCharts}. */
export interface ReportChartsOptions {
  /** Metrics drawn over time and as paired differences. @default HEADLINE_METRICS */
  metrics?: readonly string[];
  /**
   * Metrics drawn against list size. Plain recall (TP / P), not recall_at_k: recall_at_k is undefined for a natural
   * list, which the chart places at its mean size. @default ['precision_at_k', 'recall', 'coverage_flows']
   */
  budgetMetrics?: readonly string[];
}

/** `natural` → `natural`, `1000` → `1000`; metric names use `_`, file names `-`. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/**
 * Every chart of a run's report, in report order: the data overview, the budget curves, the paired differences,
 * then per budget each metric over time, the churn and the AS concentration. A chart whose metric the run did not compute is left out.
 */
export function reportCharts(results: ChartResults, options: ReportChartsOptions = {}): ReportChart[] {
  const { metrics = HEADLINE_METRICS, budgetMetrics = ['precision_at_k', 'recall', 'coverage_flows'] } =
    options;
  const charts: ReportChart[] = [];
  const add = (name: string, title: string, section: string, spec: VegaLiteSpec | undefined) => {
    if (spec) charts.push({ name: slug(name), title, section, spec });
  };
  add('data-overview', 'Data overview', 'Data', dataOverview(results));
  for (const metric of budgetMetrics)
    add(`budget-${metric}`, `${metric} against list size`, 'Budgets', budgetCurves(results, { metric }));
  for (const metric of metrics)
    add(
      `paired-${metric}`,
      `${metric}: paired differences`,
      'Paired differences',
      pairedDifferences(results, { metric }),
    );
  for (const budget of budgetOrder(results)) {
    const section = `Over time: ${budgetTitle(budget)}`;
    for (const metric of metrics)
      add(
        `time-${metric}-${budget}`,
        `${metric} over time, ${budgetTitle(budget)}`,
        section,
        metricOverTime(results, { metric, budget }),
      );
    add(`churn-${budget}`, `churn, ${budgetTitle(budget)}`, section, churnOverTime(results, { budget }));
    for (const metric of ['asn_top_share', 'asn_hhi'] as const)
      add(
        `${metric}-${budget}`,
        `${metric}, ${budgetTitle(budget)}`,
        section,
        asnConcentrationOverTime(results, { budget, metric }),
      );
  }
  return charts;
}
