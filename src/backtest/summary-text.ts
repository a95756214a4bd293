import Table from 'cli-table3';
import { asnCreditLines, enrichPackage } from '../enrich/enrich-sources.js';
import { HEADLINE_METRICS } from '../metrics/index.js';
import { usesAsnData } from '../metrics/list-asns.js';
import type { Analysis } from '../results/rows.js';
import { headlineStatements } from './analyze.js';
import { type BacktestRun, BUDGET_K_METRIC } from './backtest.js';
import { budgetLabel, isMatchedBudget } from './experiment.js';
import { markSetCut, SET_CUT_NOTE } from './set-cuts.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '–' : String(x);
  return x.toFixed(3);
}

/** The cross-sensor metrics summaryTables adds to the headline ones in a run across sensors. */
const CROSS_SENSOR_COLUMNS = ['fp_elsewhere_share', 'recall_unseen'];

/**
 * The summary as a table per budget: models × headline metrics (across sensors, fp_elsewhere_share and recall_unseen
 * too), each `mean [CI]`, after the mean list size (and for a
 * matched budget the mean K, which changes by day). A set model's row at a numeric or matched budget is marked † (a
 * cut of a set list, not a ranking), with the footnote under the tables.
 */
export function summaryTables(run: BacktestRun, analysis: Analysis): string {
  // Across sensors, what the truth's network pays and gains beside the headline metrics.
  const metrics = [...HEADLINE_METRICS, ...(run.sensors ? CROSS_SENSOR_COLUMNS : [])].filter((m) =>
    run.metricColumns.includes(m),
  );
  const level = Math.round(run.experiment.bootstrap.level * 100);
  const unranked = run.unrankedModels ?? [];
  let marked = false;
  const parts: string[] = [];
  for (const budget of run.experiment.budgets.map(budgetLabel)) {
    // A matched budget's K changes by day: its mean K (budget_k) beside the mean size.
    const matched = run.experiment.budgets.some((b) => isMatchedBudget(b) && budgetLabel(b) === budget);
    const table = new Table({
      head: [`budget ${budget}`, ...(matched ? ['K'] : []), 'size', ...metrics],
      style: { head: [], border: [] },
    });
    for (const model of run.experiment.models.map((m) => m.label)) {
      const cell = (metric: string) => {
        const s = analysis.summary.find(
          (r) => r.model === model && r.budget === budget && r.metric === metric,
        );
        return s && s.n > 0 ? `${fmt(s.mean)} [${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]` : '–';
      };
      const name = markSetCut(unranked, model, budget);
      if (name !== model) marked = true;
      const mean = (metric: string) => {
        const s = analysis.summary.find(
          (r) => r.model === model && r.budget === budget && r.metric === metric,
        );
        return s && s.n > 0 ? String(Math.round(s.mean)) : '–';
      };
      table.push([name, ...(matched ? [mean(BUDGET_K_METRIC)] : []), mean('size'), ...metrics.map(cell)]);
    }
    parts.push(table.toString());
  }
  const note = marked ? `${SET_CUT_NOTE}\n` : '';
  return `mean across days [${level}% bootstrap CI of the mean]\n${parts.join('\n')}\n${note}`;
}

/**
 * What `aiplab backtest` prints and writes as summary.txt: the sensors of each side (a run across sensors), skipped
 * days, the tables, the headline statements; when a metric read the AS data, its credit (asnCreditLines) last.
 */
export function summaryText(run: BacktestRun, analysis: Analysis): string {
  const lines: string[] = [];
  if (run.sensors)
    lines.push(
      `lists from sensors ${run.sensors.train.join(', ')}; scored on sensors ${run.sensors.truth.join(', ')}`,
    );
  const missing = run.skipped.filter((s) => s.horizon === 0);
  if (missing.length > 0) lines.push(`not scored (no data): ${missing.map((s) => s.date).join(', ')}`);
  lines.push(summaryTables(run, analysis));
  lines.push(...headlineStatements(run, analysis));
  if (usesAsnData(run.metricColumns)) lines.push(...asnCreditLines(asnVersion()));
  return `${lines.join('\n')}\n`;
}

/** The installed AS data package's version, or undefined when it cannot be read. */
function asnVersion(): string | undefined {
  try {
    return enrichPackage('asn').source.version;
  } catch {
    return undefined;
  }
}
