import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';
import { checkOutputFolder } from '../../util/output-path.js';
import { completeLater, optionOf } from '../lazy-help.js';

interface RunFlags {
  data: string;
  date: string;
  model: string[];
  allowlist?: string;
  budget?: string;
  format: string;
  columns?: string;
  out: string;
  seed: string;
  quiet?: boolean;
  trustChanges?: boolean;
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description("the daily job: build each model's blocklist for a date from the days before it")
    .requiredOption(
      '--data <dataset-dir>',
      'dataset folder (aiplab ingest output or an AIP data/processed folder)',
    )
    .requiredOption(
      '--date <YYYY-MM-DD>',
      'the day the lists are for (at most the day after the last data day)',
    )
    .option('--model <name...>', 'model name(s), or all', ['all'])
    .option('--allowlist <csv>', 'AIP do_not_block_these_ips.csv (IPs and CIDR ranges) never to list')
    .option('--budget <K>', "cut every list to its top K instead of the model's own rule")
    .option('--format <format>', 'output format', 'aip')
    .option(
      '--columns <list>',
      'csv format: extra columns, comma-separated: country, asn, as_name, first_seen, last_seen, days_seen',
    )
    .option('--seed <S>', 'seed for models that draw random numbers', '0')
    .requiredOption('--out <dir>', 'output root: <out>/<Model>/AIP-<Model>-<date>.csv.gz for the aip format')
    .option('-q, --quiet', 'no summary, no warnings')
    .option(
      '--trust-changes',
      'accept day tables changed since ingest: re-fingerprint the dataset (rewrites its manifest.json) instead of stopping',
    )
    .action(async (flags: RunFlags) => {
      // Before anything is read: a bad --out fails now, not after the work (issue 12).
      await checkOutputFolder(flags.out, { purpose: 'the blocklists' });
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const { dailyBlocklists } = await import('../../blocklist/daily-blocklists.js');
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const number = (text: string | undefined, flag: string) => {
        if (text === undefined) return undefined;
        if (!/^\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, not '${text}'`);
        return Number(text);
      };
      const names = flags.model.includes('all') ? 'all' : flags.model;
      const warnings: string[] = [];
      const result = await dailyBlocklists({
        data: flags.data,
        date: flags.date,
        models: names,
        allowlist: flags.allowlist,
        budget: number(flags.budget, '--budget'),
        format: flags.format,
        columns: flags.columns,
        out: flags.out,
        seed: number(flags.seed, '--seed') ?? 0,
        warn: (m) => warnings.push(m),
        trustChanges: Boolean(flags.trustChanges),
      });
      if (quiet) return;
      const lines = result.lists.map(
        (l) =>
          `${l.model.padEnd(22)} ${String(l.entries).padStart(7)} IPs${l.removedByAllowlist ? ` (${l.removedByAllowlist} allowlisted removed)` : ''}  ${l.files.join(' ')}`,
      );
      for (const w of [...new Set(warnings)]) lines.push(`warning: ${w}`);
      process.stderr.write(`${lines.join('\n')}\n`);
    });
  completeLater(command, async () => {
    const [{ modelNames }, { listFormatNames }] = await Promise.all([
      import('../../models/index.js'),
      import('../../blocklist/formats/registry.js'),
    ]);
    optionOf(command, '--model').description = `model name(s), or all: ${modelNames().join(', ')}`;
    optionOf(command, '--format').description = `output format: ${listFormatNames().join(', ')}`;
  });
}
