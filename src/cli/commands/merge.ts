import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkOutputFolder } from '../../util/output-path.js';

interface MergeFlags {
  out?: string;
  cache: string;
  report?: boolean;
  quiet?: boolean;
  trustChanges?: boolean;
}

const SHARD_FILE_RE = /^shard-\d+-of-\d+\.json$/;
const INGEST_PARTIAL_FILE = 'ingest-partial.json';

/**
 * What the arguments name: shard files (`shard-i-of-N.json`, given or found in a given folder) and partial ingest
 * folders (holding ingest-partial.json, given or found one level down).
 */
async function expandPartials(paths: string[]): Promise<{ shards: string[]; ingests: string[] }> {
  const { UsageError, DataError } = await import('../../util/errors.js');
  const shards: string[] = [];
  const ingests: string[] = [];
  const isIngest = async (dir: string) =>
    (await stat(join(dir, INGEST_PARTIAL_FILE)).catch(() => null))?.isFile() === true;
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new DataError(`cannot read partial: ${error.code ?? String(error)}`, { file: path });
    });
    if (info.isFile()) {
      shards.push(path);
      continue;
    }
    if (await isIngest(path)) {
      ingests.push(path);
      continue;
    }
    let found = 0;
    for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const sub = join(path, entry.name);
      if (entry.isFile() && SHARD_FILE_RE.test(entry.name)) {
        shards.push(sub);
        found++;
      } else if (entry.isDirectory() && (await isIngest(sub))) {
        ingests.push(sub);
        found++;
      }
    }
    if (found === 0)
      throw new UsageError(
        `merge: ${path} holds no partial (no shard-<i>-of-<N>.json, no folder with ${INGEST_PARTIAL_FILE})`,
      );
  }
  if (shards.length > 0 && ingests.length > 0)
    throw new UsageError(
      `merge: ${shards[0]} is a shard's result and ${ingests[0]} a partial ingest: merge one kind at a time`,
    );
  return { shards, ingests };
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description(
      'join partial results into the folder one run would have made: the N shards of backtest/tune --shard, or partial ingests (ingest --partial)',
    )
    .argument(
      '<partial...>',
      'shard files (shard-i-of-N.json) or folders holding them; partial ingest folders or a folder holding them',
    )
    .option(
      '--out <dir>',
      'backtest/tune: results root, writes <out>/<id>/<UTC timestamp>/ (default: results); ingest: the dataset folder to write (required)',
    )
    .option(
      '--cache <dir>',
      'where synthetic datasets are made and kept (tune runs its test windows)',
      '.aiplab-cache',
    )
    .option('--report', 'also write report.html and charts/ into the merged results folder')
    .option('-q, --quiet', 'no progress, no summary')
    .option(
      '--trust-changes',
      'tune: accept day tables changed since ingest in the dataset the test windows read (re-fingerprints it; the shards must then be re-run)',
    )
    .action(async (paths: string[], flags: MergeFlags) => {
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const { UsageError } = await import('../../util/errors.js');
      // Before anything is read: a bad --out fails now, not after the merge (issue 12).
      if (flags.out !== undefined) await checkOutputFolder(flags.out, { purpose: 'the merged output' });
      const { shards, ingests } = await expandPartials(paths);
      const command = ['merge', ...paths, ...(flags.out ? ['--out', flags.out] : [])];

      if (ingests.length > 0) {
        if (flags.out === undefined)
          throw new UsageError(
            'merge of partial ingests needs --out <dataset-dir>: the dataset folder to write',
          );
        if (flags.report) throw new UsageError('--report is for backtest and tune results, not datasets');
        const { mergeIngestPartials } = await import('../../ingest/ingest-partial.js');
        const m = await mergeIngestPartials(ingests, flags.out);
        if (!quiet)
          process.stderr.write(
            `merged ${ingests.length} partial ingest(s): ${m.inputs.length} ${m.format} file(s), ${m.records} records, ${m.attackFlows} attack flows; wrote ${m.days.length} day table(s) ${m.from ?? ''}..${m.to ?? ''} to ${flags.out}\n`,
          );
        return;
      }

      const [{ readPartial, checkShards }, { createProgress }] = await Promise.all([
        import('../../backtest/shard.js'),
        import('../progress.js'),
      ]);
      const read = await Promise.all(
        shards.map(async (path) => ({ path, partial: await readPartial(path) })),
      );
      const partials = checkShards(read);
      const out = flags.out ?? 'results';
      if (flags.out === undefined) await checkOutputFolder(out, { purpose: 'the merged output' });
      let dir: string | undefined;
      const lines: string[] = [];
      if (partials[0]!.kind === 'backtest') {
        const [{ mergeBacktestPartials }, { summaryText }] = await Promise.all([
          import('../../backtest/merge-backtest.js'),
          import('../../backtest/summary-text.js'),
        ]);
        const { run, analysis, written } = await mergeBacktestPartials(
          partials as Parameters<typeof mergeBacktestPartials>[0],
          { out, command },
        );
        dir = written?.dir;
        const e = run.experiment;
        lines.push(
          `${e.id}: merged ${partials.length} shards: ${run.days.length} days ${e.from} .. ${e.to}, ${run.scoredDays.length} scored, ${e.models.length} models × ${e.budgets.length} budgets`,
        );
        lines.push(summaryText(run, analysis));
        for (const w of run.warnings.slice(0, 10)) lines.push(`warning (${w.count}×): ${w.message}`);
        if (run.warnings.length > 10)
          lines.push(`… ${run.warnings.length - 10} more warnings in manifest.json`);
      } else {
        const [{ mergeTunePartials }, { tuneSummaryText }] = await Promise.all([
          import('../../tune/tune-shard.js'),
          import('../../tune/tune-summary-text.js'),
        ]);
        const testProgress = createProgress('test ', quiet, ' days');
        let result: Awaited<ReturnType<typeof mergeTunePartials>>;
        try {
          result = await mergeTunePartials(partials as Parameters<typeof mergeTunePartials>[0], {
            out,
            cacheDir: flags.cache,
            trustChanges: Boolean(flags.trustChanges),
            onDatasetWarning: (m) => {
              if (!quiet) process.stderr.write(`warning: ${m}\n`);
            },
            command,
            onProgress: (done, total) => testProgress.update(done, total),
          });
        } finally {
          testProgress.stop();
        }
        dir = result.written?.dir;
        lines.push(`merged ${partials.length} shards`, tuneSummaryText(result.run));
        for (const w of result.run.test.run.warnings.slice(0, 10))
          lines.push(`warning (${w.count}×): ${w.message}`);
      }
      const report =
        flags.report && dir
          ? await (await import('../../reports/write-report.js')).writeReport(dir)
          : undefined;
      if (quiet) return;
      if (dir) lines.push(`results: ${dir}`);
      if (report) lines.push(`report: ${report.html}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
