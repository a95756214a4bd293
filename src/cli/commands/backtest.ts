import type { Command } from 'commander';
import { checkOutputFolder } from '../../util/output-path.js';

interface BacktestFlags {
  out: string;
  cache: string;
  quiet?: boolean;
  report?: boolean;
  shard?: string;
  trustChanges?: boolean;
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
    .option('--report', 'also write report.html and charts/ into the results folder (as aiplab report does)')
    .option('-q, --quiet', 'no progress, no summary')
    .option(
      '--shard <i/N>',
      'run shard i of N only, written as a partial for aiplab merge (README: Past one machine)',
    )
    .option(
      '--trust-changes',
      'accept day tables changed since ingest: re-fingerprint the dataset (rewrites its manifest.json) instead of stopping',
    )
    .action(async (file: string, flags: BacktestFlags) => {
      // Before anything is read: a bad --out fails now, not after the work (issue 12).
      await checkOutputFolder(flags.out, { purpose: 'the results' });
      if (flags.shard !== undefined) {
        const { backtestShard } = await import('./shard.js');
        return backtestShard(
          file,
          { ...flags, shard: flags.shard },
          Boolean(flags.quiet || program.opts().quiet),
        );
      }
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ readExperiment }, { runExperiment }, { summaryText }, { createProgress }] = await Promise.all([
        import('../../backtest/experiment.js'),
        import('../../backtest/run-experiment.js'),
        import('../../backtest/summary-text.js'),
        import('../progress.js'),
      ]);
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const experiment = await readExperiment(file);
      const synthProgress = createProgress('synth   ', quiet, ' days');
      const progress = createProgress('backtest', quiet, ' days');
      let result: Awaited<ReturnType<typeof runExperiment>>;
      try {
        result = await runExperiment(experiment, {
          out: flags.out,
          cacheDir: flags.cache,
          trustChanges: Boolean(flags.trustChanges),
          onDatasetWarning: (m) => {
            synthProgress.stop();
            if (!quiet) process.stderr.write(`warning: ${m}\n`);
          },
          onSynthProgress: (done, total) => synthProgress.update(done, total),
          onProgress: (done, total) => {
            synthProgress.stop();
            progress.update(done, total);
          },
          command: ['backtest', file, '--out', flags.out, ...(flags.report ? ['--report'] : [])],
        });
      } finally {
        synthProgress.stop();
        progress.stop();
      }
      const { run, analysis, written } = result;
      const report =
        flags.report && written
          ? await (await import('../../reports/write-report.js')).writeReport(written.dir)
          : undefined;
      if (quiet) return;
      const lines: string[] = [];
      lines.push(
        `${experiment.id}: ${run.days.length} days ${experiment.from} .. ${experiment.to}, ${run.scoredDays.length} scored, ${experiment.models.length} models × ${experiment.budgets.length} budgets in ${(run.timings.totalMs / 1000).toFixed(1)} s`,
      );
      lines.push(summaryText(run, analysis));
      for (const w of run.warnings.slice(0, 10)) lines.push(`warning (${w.count}×): ${w.message}`);
      if (run.warnings.length > 10)
        lines.push(`… ${run.warnings.length - 10} more warnings in manifest.json`);
      if (written) lines.push(`results: ${written.dir}`);
      if (report) lines.push(`report: ${report.html}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
