import { join } from 'node:path';
import type { Command } from 'commander';
import { experimentRun, finishRun, registerExperimentCommand, warningLines } from './experiment-command.js';

export function registerBacktest(program: Command): void {
  registerExperimentCommand(
    program,
    'backtest',
    {
      description:
        "walk-forward evaluation: every model's list for each day from the days before it, scored against that day's attackers",
      experiment: 'experiment file (.json, .yaml or .yml)',
      report: 'also write report.html and charts/ into the results folder (as aiplab report does)',
      shard: 'run shard i of N only, written as a partial for aiplab merge (docs/speed.md: Past one machine)',
    },
    async (file, flags, quiet) => {
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ readExperiment }, { runExperiment }, { summaryText }] = await Promise.all([
        import('../../backtest/experiment.js'),
        import('../../backtest/run-experiment.js'),
        import('../../backtest/summary-text.js'),
      ]);
      const experiment = await readExperiment(file);
      const session = await experimentRun('backtest', file, flags, quiet, {
        synth: 'synth   ',
        phases: ['backtest'],
      });
      const options = {
        ...session.options,
        onProgress: (done: number, total: number) => session.progress(0, done, total),
      };
      const size = `${experiment.models.length} models × ${experiment.budgets.length} budgets`;
      if (experiment.truth?.leaveOneSensorOut) {
        // One backtest per held-out sensor: its folders under held-out/, the table and the summary above them.
        const { runLeaveOneSensorOut, leaveOneSensorOutText } = await import(
          '../../backtest/leave-one-sensor-out.js'
        );
        const loso = await session.run(() => runLeaveOneSensorOut(experiment, options));
        return finishRun(
          flags,
          quiet,
          loso.written,
          () => {
            const ms = loso.heldOut.reduce((sum, h) => sum + h.run.timings.totalMs, 0);
            const first = loso.heldOut[0]!.run;
            const lines = [
              `${experiment.id}: ${first.days.length} days ${experiment.from} .. ${experiment.to}, ${first.scoredDays.length} scored, ${loso.heldOut.length} held-out sensors × ${size} in ${(ms / 1000).toFixed(1)} s`,
              leaveOneSensorOutText(loso),
            ];
            const warnings = loso.heldOut.reduce((n, h) => n + h.run.warnings.length, 0);
            if (warnings > 0)
              lines.push(`${warnings} distinct model warnings: in each held-out folder's manifest.json`);
            return lines;
          },
          (dir) => loso.heldOut.map((h) => join(dir, 'held-out', h.dir)),
        );
      }
      const { run, analysis, written } = await session.run(() => runExperiment(experiment, options));
      return finishRun(flags, quiet, written, () => {
        const lines = [
          `${experiment.id}: ${run.days.length} days ${experiment.from} .. ${experiment.to}, ${run.scoredDays.length} scored, ${size} in ${(run.timings.totalMs / 1000).toFixed(1)} s`,
          summaryText(run, analysis),
          ...warningLines(run.warnings),
        ];
        if (run.warnings.length > 10)
          lines.push(`… ${run.warnings.length - 10} more warnings in manifest.json`);
        return lines;
      });
    },
  );
}
