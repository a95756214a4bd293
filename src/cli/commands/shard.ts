/**
 * The `--shard i/N` branch of `aiplab backtest` and `aiplab tune`, and the `--partial` branch of `aiplab ingest`:
 * kept here, and loaded only when the flag is given, so the commands themselves gain three lines each.
 */
import type { IngestOptions } from '../../ingest/ingest.js';
import { createProgress, withProgress } from '../progress.js';

/** The help text of `--shard`. */
export const SHARD_HELP =
  'run shard i of N (e.g. 2/8): only its block of units, written as a partial to <out>/<id>/shard-i-of-N.json; join the N partials with aiplab merge';

export interface ShardFlags {
  out: string;
  cache: string;
  shard: string;
  report?: boolean;
  trustChanges?: boolean;
}

/** The dataset options of a shard: --trust-changes, and opening's warnings printed (unless quiet). */
function datasetOptions(flags: ShardFlags, quiet: boolean) {
  return {
    trustChanges: Boolean(flags.trustChanges),
    onDatasetWarning: (m: string) => {
      if (!quiet) process.stderr.write(`warning: ${m}\n`);
    },
  };
}

/** `aiplab backtest <experiment> --shard i/N`. */
export async function backtestShard(file: string, flags: ShardFlags, quiet: boolean): Promise<void> {
  const [{ readExperiment }, { runBacktestShard }, { parseShard }, { UsageError }] = await Promise.all([
    import('../../backtest/experiment.js'),
    import('../../backtest/shard-backtest.js'),
    import('../../backtest/shard.js'),
    import('../../util/errors.js'),
  ]);
  const shard = parseShard(flags.shard);
  if (flags.report)
    throw new UsageError('--report needs the whole run: give it to aiplab merge instead of --shard');
  const experiment = await readExperiment(file);
  const progress = createProgress(`shard ${shard.index}/${shard.count}`, quiet, ' days');
  let written: Awaited<ReturnType<typeof runBacktestShard>>;
  try {
    written = await runBacktestShard(experiment, shard, {
      out: flags.out,
      cacheDir: flags.cache,
      ...datasetOptions(flags, quiet),
      onProgress: (done, total) => progress.update(done, total),
      command: ['backtest', file, '--shard', flags.shard, '--out', flags.out],
    });
  } finally {
    progress.stop();
  }
  if (quiet) return;
  const p = written.partial;
  process.stdout.write(
    `${experiment.id}: shard ${shard.index}/${shard.count}: ${p.unitLabels.length} of ${p.units.total} units (${p.unitLabels.map(([m, b]) => `${m} @ ${b}`).join(', ')}), ${p.days} days in ${(p.timings.totalMs / 1000).toFixed(1)} s\npartial: ${written.path}\n`,
  );
}

/** `aiplab tune <experiment> --shard i/N`. */
export async function tuneShard(file: string, flags: ShardFlags, quiet: boolean): Promise<void> {
  const [{ readTuneExperiment }, { runTuneShard }, { parseShard }, { UsageError }] = await Promise.all([
    import('../../tune/tune-experiment.js'),
    import('../../tune/tune-shard.js'),
    import('../../backtest/shard.js'),
    import('../../util/errors.js'),
  ]);
  const shard = parseShard(flags.shard);
  if (flags.report)
    throw new UsageError('--report needs the whole run: give it to aiplab merge instead of --shard');
  const experiment = await readTuneExperiment(file);
  const progress = createProgress(`shard ${shard.index}/${shard.count}`, quiet, ' days');
  let written: Awaited<ReturnType<typeof runTuneShard>>;
  try {
    written = await runTuneShard(experiment, shard, {
      out: flags.out,
      cacheDir: flags.cache,
      ...datasetOptions(flags, quiet),
      onProgress: (done, total) => progress.update(done, total),
      command: ['tune', file, '--shard', flags.shard, '--out', flags.out],
    });
  } finally {
    progress.stop();
  }
  if (quiet) return;
  const p = written.partial;
  const nf = experiment.folds.length;
  process.stdout.write(
    `${experiment.id}: shard ${shard.index}/${shard.count}: units ${p.units.start + 1}..${p.units.end} of ${p.units.total} (${p.configs} configs × ${nf} fold${nf === 1 ? '' : 's'}) × ${p.tuneDays.length} tuning days in ${(p.timings.totalMs / 1000).toFixed(1)} s\npartial: ${written.path}\n`,
  );
}

/** `aiplab ingest <format> <input...> --from D --to D --partial`. */
export async function ingestPartialCommand(options: IngestOptions, quiet: boolean): Promise<void> {
  const { ingestPartial } = await import('../../ingest/ingest-partial.js');
  const result = await withProgress('ingest', quiet, ' B', (onProgress) =>
    ingestPartial({ ...options, onProgress }),
  );
  if (quiet) return;
  const p = result.partial;
  const read = p.parts.reduce((a, x) => a + x.files, 0);
  const days = new Set(p.parts.flatMap((x) => x.result.entries.map((e) => e.date)));
  process.stderr.write(
    `partial ingest of ${p.range.from ?? 'the first day'} .. ${p.range.to ?? 'the last day'}: read ${read} of ${p.inputFiles.length} ${p.inputFormat} file(s), ${p.parts.reduce((a, x) => a + x.result.records, 0)} records, day tables of ${days.size} day(s) (spill into neighbours' days included) in ${result.out}\njoin the partials with: aiplab merge <partial-dirs...> --out <dataset-dir>\n`,
  );
}
