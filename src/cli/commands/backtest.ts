import { join } from 'node:path';
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
      const options = {
        out: flags.out,
        cacheDir: flags.cache,
        trustChanges: Boolean(flags.trustChanges),
        onDatasetWarning: (m: string) => {
          synthProgress.stop();
          if (!quiet) process.stderr.write(`warning: ${m}\n`);
        },
        onSynthProgress: (done: number, total: number) => synthProgress.update(done, total),
        onProgress: (done: number, total: number) => {
          synthProgress.stop();
          progress.update(done, total);
        },
        command: ['backtest', file, '--out', flags.out, ...(flags.report ? ['--report'] : [])],
      };
      if (experiment.truth?.leaveOneSensorOut) {
        // One backtest per held-out sensor: its folders under held-out/, the table and the summary above them.
        const { runLeaveOneSensorOut } = await import('../../backtest/leave-one-sensor-out.js');
        let loso: Awaited<ReturnType<typeof runLeaveOneSensorOut>>;
        try {
          loso = await runLeaveOneSensorOut(experiment, options);
        } finally {
          synthProgress.stop();
          progress.stop();
        }
        const reports: string[] = [];
        if (flags.report && loso.written) {
          const { writeReport } = await import('../../reports/write-report.js');
          for (const h of loso.heldOut)
            reports.push((await writeReport(join(loso.written.dir, 'held-out', h.dir))).html);
        }
        if (quiet) return;
        const { leaveOneSensorOutText } = await import('../../backtest/leave-one-sensor-out.js');
        const ms = loso.heldOut.reduce((sum, h) => sum + h.run.timings.totalMs, 0);
        const first = loso.heldOut[0]!.run;
        const lines = [
          `${experiment.id}: ${first.days.length} days ${experiment.from} .. ${experiment.to}, ${first.scoredDays.length} scored, ${loso.heldOut.length} held-out sensors × ${experiment.models.length} models × ${experiment.budgets.length} budgets in ${(ms / 1000).toFixed(1)} s`,
          leaveOneSensorOutText(loso),
        ];
        const warnings = loso.heldOut.reduce((n, h) => n + h.run.warnings.length, 0);
        if (warnings > 0)
          lines.push(`${warnings} distinct model warnings: in each held-out folder's manifest.json`);
        if (loso.written) lines.push(`results: ${loso.written.dir}`);
        for (const r of reports) lines.push(`report: ${r}`);
        process.stdout.write(`${lines.join('\n')}\n`);
        return;
      }
      let result: Awaited<ReturnType<typeof runExperiment>>;
      try {
        result = await runExperiment(experiment, options);
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
