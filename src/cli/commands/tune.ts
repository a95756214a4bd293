import type { Command } from 'commander';
import { experimentRun, finishRun, registerExperimentCommand, warningLines } from './experiment-command.js';

export function registerTune(program: Command): void {
  registerExperimentCommand(
    program,
    'tune',
    {
      description:
        'search any model’s tunable parameters on tuning windows (one fold or rolling folds), then backtest each best config beside the defaults on the later test windows',
      experiment: 'tuning experiment file (.json, .yaml or .yml)',
      report: "also write report.html and charts/ of the test window's backtest into the results folder",
      shard:
        'score shard i of N of configs × folds only, for aiplab merge (no halving; docs/speed.md: Past one machine)',
    },
    async (file, flags, quiet) => {
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ runTuneExperiment }, { readTuneExperiment }, { tuneSummaryText }] = await Promise.all([
        import('../../tune/run-tune-experiment.js'),
        import('../../tune/tune-experiment.js'),
        import('../../tune/tune-summary-text.js'),
      ]);
      const experiment = await readTuneExperiment(file);
      const session = await experimentRun('tune', file, flags, quiet, {
        synth: 'synth',
        phases: ['tune ', 'test '],
      });
      const { run, written } = await session.run(() =>
        runTuneExperiment(experiment, {
          ...session.options,
          onProgress: (done, total, _date, phase) => session.progress(phase === 'tune' ? 0 : 1, done, total),
        }),
      );
      return finishRun(flags, quiet, written, () => [
        tuneSummaryText(run),
        ...warningLines(run.test.run.warnings),
      ]);
    },
  );
}
