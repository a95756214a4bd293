import type { Command } from 'commander';
import { checkOutputFolder } from '../../util/output-path.js';

interface TuneFlags {
  out: string;
  cache: string;
  quiet?: boolean;
  report?: boolean;
  shard?: string;
  trustChanges?: boolean;
}

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description(
      'search any model’s tunable parameters on tuning windows (one fold or rolling folds), then backtest each best config beside the defaults on the later test windows',
    )
    .argument('<experiment>', 'tuning experiment file (.json, .yaml or .yml)')
    .option('--out <dir>', 'results root: writes <out>/<id>/<UTC timestamp>/', 'results')
    .option('--cache <dir>', 'where synthetic datasets are made and kept', '.aiplab-cache')
    .option(
      '--report',
      "also write report.html and charts/ of the test window's backtest into the results folder",
    )
    .option('-q, --quiet', 'no progress, no summary')
    .option(
      '--shard <i/N>',
      'score shard i of N of configs × folds only, for aiplab merge (no halving; README: Past one machine)',
    )
    .option(
      '--trust-changes',
      'accept day tables changed since ingest: re-fingerprint the dataset (rewrites its manifest.json) instead of stopping',
    )
    .action(async (file: string, flags: TuneFlags) => {
      // Before anything is read: a bad --out fails now, not after the work (issue 12).
      await checkOutputFolder(flags.out, { purpose: 'the results' });
      if (flags.shard !== undefined) {
        const { tuneShard } = await import('./shard.js');
        return tuneShard(
          file,
          { ...flags, shard: flags.shard },
          Boolean(flags.quiet || program.opts().quiet),
        );
      }
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ runTuneExperiment }, { readTuneExperiment }, { tuneSummaryText }, { createProgress }] =
        await Promise.all([
          import('../../tune/run-tune-experiment.js'),
          import('../../tune/tune-experiment.js'),
          import('../../tune/tune-summary-text.js'),
          import('../progress.js'),
        ]);
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const experiment = await readTuneExperiment(file);
      const synthProgress = createProgress('synth', quiet, ' days');
      const tuneProgress = createProgress('tune ', quiet, ' days');
      const testProgress = createProgress('test ', quiet, ' days');
      let result: Awaited<ReturnType<typeof runTuneExperiment>>;
      try {
        result = await runTuneExperiment(experiment, {
          out: flags.out,
          cacheDir: flags.cache,
          trustChanges: Boolean(flags.trustChanges),
          onDatasetWarning: (m) => {
            synthProgress.stop();
            if (!quiet) process.stderr.write(`warning: ${m}\n`);
          },
          onSynthProgress: (done, total) => synthProgress.update(done, total),
          onProgress: (done, total, _date, phase) => {
            synthProgress.stop();
            if (phase === 'tune') tuneProgress.update(done, total);
            else {
              tuneProgress.stop();
              testProgress.update(done, total);
            }
          },
          command: ['tune', file, '--out', flags.out, ...(flags.report ? ['--report'] : [])],
        });
      } finally {
        synthProgress.stop();
        tuneProgress.stop();
        testProgress.stop();
      }
      const { run, written } = result;
      const report =
        flags.report && written
          ? await (await import('../../reports/write-report.js')).writeReport(written.dir)
          : undefined;
      if (quiet) return;
      const lines = [tuneSummaryText(run)];
      for (const w of run.test.run.warnings.slice(0, 10)) lines.push(`warning (${w.count}×): ${w.message}`);
      if (written) lines.push(`results: ${written.dir}`);
      if (report) lines.push(`report: ${report.html}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
