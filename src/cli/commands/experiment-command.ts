/**
 * What `aiplab backtest` and `aiplab tune` share: an experiment file, the options both take, the --shard branch, the
 * run options and progress bars taken from the flags, and the end of a run (--report, the summary, where it went).
 * Nothing heavy is imported at the top, so that `aiplab --help` stays fast (issue 11).
 */
import type { Command } from 'commander';
import { checkOutputFolder } from '../../util/output-path.js';

/** The flags of `aiplab backtest` and `aiplab tune`. */
export interface ExperimentFlags {
  out: string;
  cache: string;
  quiet?: boolean;
  report?: boolean;
  shard?: string;
  trustChanges?: boolean;
}

/** The help texts that differ between the two commands. */
export interface ExperimentCommandHelp {
  description: string;
  /** Of the `<experiment>` argument. */
  experiment: string;
  report: string;
  shard: string;
}

/**
 * Registers `aiplab backtest` or `aiplab tune`. Its action checks --out before anything is read (a bad one fails now,
 * not after the work: issue 12), hands --shard i/N to shard.ts, and otherwise calls `run`.
 */
export function registerExperimentCommand(
  program: Command,
  name: 'backtest' | 'tune',
  help: ExperimentCommandHelp,
  run: (file: string, flags: ExperimentFlags, quiet: boolean) => Promise<void>,
): void {
  program
    .command(name)
    .description(help.description)
    .argument('<experiment>', help.experiment)
    .option('--out <dir>', 'results root: writes <out>/<id>/<UTC timestamp>/', 'results')
    .option('--cache <dir>', 'where synthetic datasets are made and kept', '.aiplab-cache')
    .option('--report', help.report)
    .option('-q, --quiet', 'no progress, no summary')
    .option('--shard <i/N>', help.shard)
    .option(
      '--trust-changes',
      'accept day tables changed since ingest: re-fingerprint the dataset (rewrites its manifest.json) instead of stopping',
    )
    .action(async (file: string, flags: ExperimentFlags) => {
      await checkOutputFolder(flags.out, { purpose: 'the results' });
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      if (flags.shard !== undefined) {
        const shards = await import('./shard.js');
        const runShard = name === 'backtest' ? shards.backtestShard : shards.tuneShard;
        return runShard(file, { ...flags, shard: flags.shard }, quiet);
      }
      return run(file, flags, quiet);
    });
}

/**
 * The options a run takes from the flags (runExperiment, runLeaveOneSensorOut, runTuneExperiment), with progress bars
 * on stderr: `bars.synth` while a synthetic dataset is made, then one bar per phase of the run (`bars.phases`).
 */
export async function experimentRun(
  name: 'backtest' | 'tune',
  file: string,
  flags: ExperimentFlags,
  quiet: boolean,
  bars: { synth: string; phases: string[] },
) {
  const { createProgress } = await import('../progress.js');
  const synth = createProgress(bars.synth, quiet, ' days');
  const phases = bars.phases.map((label) => createProgress(label, quiet, ' days'));
  const stopAll = () => {
    synth.stop();
    for (const p of phases) p.stop();
  };
  return {
    options: {
      out: flags.out,
      cacheDir: flags.cache,
      trustChanges: Boolean(flags.trustChanges),
      onDatasetWarning: (m: string) => {
        synth.stop();
        if (!quiet) process.stderr.write(`warning: ${m}\n`);
      },
      onSynthProgress: (done: number, total: number) => synth.update(done, total),
      command: [name, file, '--out', flags.out, ...(flags.report ? ['--report'] : [])],
    },
    /** Progress of phase `i`: the synth bar and those of the phases before it are done. */
    progress(i: number, done: number, total: number): void {
      synth.stop();
      for (const p of phases.slice(0, i)) p.stop();
      phases[i]!.update(done, total);
    },
    /** Runs the work, every bar stopped however it ends. */
    async run<T>(work: () => Promise<T>): Promise<T> {
      try {
        return await work();
      } finally {
        stopAll();
      }
    },
  };
}

/** The first ten of a run's warnings, a line each. */
export function warningLines(warnings: { message: string; count: number }[]): string[] {
  return warnings.slice(0, 10).map((w) => `warning (${w.count}×): ${w.message}`);
}

/**
 * The end of a run: with --report, report.html written into each of `reportDirs(results folder)`; then, unless quiet,
 * the `summary` lines, the results folder and the reports on stdout.
 */
export async function finishRun(
  flags: ExperimentFlags,
  quiet: boolean,
  written: { dir: string } | undefined,
  summary: () => string[],
  reportDirs: (dir: string) => string[] = (dir) => [dir],
): Promise<void> {
  const reports: string[] = [];
  if (flags.report && written) {
    const { writeReport } = await import('../../reports/write-report.js');
    for (const dir of reportDirs(written.dir)) reports.push((await writeReport(dir)).html);
  }
  if (quiet) return;
  const lines = summary();
  if (written) lines.push(`results: ${written.dir}`);
  for (const html of reports) lines.push(`report: ${html}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
