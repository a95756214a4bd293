import Table from 'cli-table3';
import { type Analysis, headlineStatements } from './analyze.js';
import type { BacktestRun } from './backtest.js';
import { HEADLINE_METRICS } from './metrics/index.js';

function fmt(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '–' : String(x);
  return x.toFixed(3);
}

/** The summary as a table per budget: models × headline metrics, each `mean [CI]`. */
export function summaryTables(run: BacktestRun, analysis: Analysis): string {
  const metrics = HEADLINE_METRICS.filter((m) => run.metricColumns.includes(m));
  const level = Math.round(run.experiment.bootstrap.level * 100);
  const parts: string[] = [];
  for (const budget of run.experiment.budgets.map(String)) {
    const table = new Table({
      head: [`budget ${budget}`, 'size', ...metrics],
      style: { head: [], border: [] },
    });
    for (const model of run.experiment.models.map((m) => m.label)) {
      const cell = (metric: string) => {
        const s = analysis.summary.find(
          (r) => r.model === model && r.budget === budget && r.metric === metric,
        );
        return s && s.n > 0 ? `${fmt(s.mean)} [${fmt(s.ciLow)}, ${fmt(s.ciHigh)}]` : '–';
      };
      const size = analysis.summary.find(
        (r) => r.model === model && r.budget === budget && r.metric === 'size',
      );
      table.push([model, size && size.n > 0 ? String(Math.round(size.mean)) : '–', ...metrics.map(cell)]);
    }
    parts.push(table.toString());
  }
  return `mean across days [${level}% bootstrap CI of the mean]\n${parts.join('\n')}\n`;
}

/** What `aiplab backtest` prints and writes as summary.txt: skipped days, the tables, the headline statements. */
export function summaryText(run: BacktestRun, analysis: Analysis): string {
  const lines: string[] = [];
  const missing = run.skipped.filter((s) => s.horizon === 0);
  if (missing.length > 0) lines.push(`not scored (no data): ${missing.map((s) => s.date).join(', ')}`);
  lines.push(summaryTables(run, analysis));
  lines.push(...headlineStatements(run, analysis));
  return `${lines.join('\n')}\n`;
}
