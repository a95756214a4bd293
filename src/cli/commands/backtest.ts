import Table from 'cli-table3';
import type { Command } from 'commander';
import { type Analysis, headlineStatements } from '../../backtest/analyze.js';
import type { BacktestRun } from '../../backtest/backtest.js';
import { readExperiment } from '../../backtest/experiment.js';
import { HEADLINE_METRICS } from '../../backtest/metrics/index.js';
import { runExperiment } from '../../backtest/run-experiment.js';
import { formatDuration } from '../../util/index.js';
import { createProgress } from '../progress.js';

interface BacktestFlags {
  out: string;
  cache: string;
  quiet?: boolean;
}

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

export function registerBacktest(program: Command): void {
  program
    .command('backtest')
    .description(
      "walk-forward evaluation: every model's list for each day from the days before it, scored against that day's attackers",
    )
    .argument('<experiment>', 'experiment file (.json, .yaml or .yml)')
    .option('--out <dir>', 'results root: writes <out>/<id>/<UTC timestamp>/', 'results')
    .option('--cache <dir>', 'where synthetic datasets are made and kept', '.aiplab-cache')
    .option('-q, --quiet', 'no progress, no summary')
    .action(async (file: string, flags: BacktestFlags) => {
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const experiment = await readExperiment(file);
      const synthProgress = createProgress('synth   ', quiet, ' days');
      const progress = createProgress('backtest', quiet, ' days');
      let result: Awaited<ReturnType<typeof runExperiment>>;
      try {
        result = await runExperiment(experiment, {
          out: flags.out,
          cacheDir: flags.cache,
          onSynthProgress: (done, total) => synthProgress.update(done, total),
          onProgress: (done, total) => {
            synthProgress.stop();
            progress.update(done, total);
          },
          command: ['backtest', file, '--out', flags.out],
        });
      } finally {
        synthProgress.stop();
        progress.stop();
      }
      if (quiet) return;
      const { run, analysis, written } = result;
      const lines: string[] = [];
      lines.push(
        `${experiment.id}: ${run.days.length} days ${experiment.from} .. ${experiment.to}, ${run.scoredDays.length} scored, ${experiment.models.length} models × ${experiment.budgets.length} budgets in ${formatDuration(run.timings.totalMs / 1000)}`,
      );
      const missing = run.skipped.filter((s) => s.horizon === 0);
      if (missing.length > 0) lines.push(`not scored (no data): ${missing.map((s) => s.date).join(', ')}`);
      lines.push(summaryTables(run, analysis));
      for (const s of headlineStatements(run, analysis)) lines.push(s);
      for (const w of run.warnings.slice(0, 10)) lines.push(`warning (${w.count}×): ${w.message}`);
      if (run.warnings.length > 10)
        lines.push(`… ${run.warnings.length - 10} more warnings in manifest.json`);
      if (written) lines.push(`results: ${written.dir}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
