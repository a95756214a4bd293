import type { Command } from 'commander';
import { DataError, UsageError } from '../../util/errors.js';
import { checkOutputFolder } from '../../util/output-path.js';
import { completeLater, optionOf } from '../lazy-help.js';

interface DailyFlags {
  input: string[];
  honeypots?: string;
  data: string;
  out: string;
  model: string[];
  format: string[];
  columns?: string;
  budget?: string;
  allowlist?: string;
  maxChange: string;
  force?: boolean;
  now?: string;
  rebuild?: boolean;
  tz?: string;
  attack?: string;
  seed: string;
  quiet?: boolean;
}

/** `--now`: an ISO 8601 time (a date alone is its midnight UTC). */
function parseNow(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(date.getTime()))
    throw new UsageError(`--now must be an ISO 8601 time (2026-12-06T00:15:00Z), not '${text}'`);
  return date;
}

export function registerDaily(program: Command): void {
  const command = program
    .command('daily')
    .description(
      "the operator's daily feed: read the complete new days of a log folder into a dataset, then write today's lists (see docs/daily-feed.md)",
    )
    .requiredOption(
      '--input <format> <dir...>',
      'input format and log folder (Zeek <root>, var/log/cowrie, …)',
    )
    .option(
      '--honeypots <csv>',
      'AIP honeypot list public_ip,operation_start_date,operation_end_date (zeek, argus, suricata, nfdump)',
    )
    .requiredOption('--data <dataset-dir>', 'the dataset daily keeps (made on the first run)')
    .requiredOption(
      '--out <dir>',
      'output root: <out>/<Model>/<Model>-<date>.txt, and <out>/<Model>.txt the latest',
    )
    .requiredOption('--model <name...>', 'model name(s), or all')
    .option('--format <formats...>', 'list format(s), comma-separated or repeated', ['txt'])
    .option(
      '--columns <list>',
      'csv format: extra columns, comma-separated: country, asn, as_name, first_seen, last_seen, days_seen',
    )
    .option('--budget <K>', "cut every list to its top K instead of the model's own rule")
    .option('--allowlist <csv>', 'AIP do_not_block_these_ips.csv (IPs and CIDR ranges) never to list')
    .option('--max-change <F>', 'hold back a list whose size leaves [previous/F, previous×F]', '2')
    .option('--force', 'publish lists --max-change would hold back')
    .option(
      '--now <time>',
      'the time of the run, ISO 8601 (default: the clock); the lists are for its UTC date',
    )
    .option('--rebuild', 're-read every complete day into a new dataset (after an input file changed)')
    .option('--tz <zone>', 'IANA time zone of the local times the input prints (nfdump)')
    .option('--attack <rule>', 'which records are attacks (cowrie: connections, login-success)')
    .option('--seed <S>', 'seed for models that draw random numbers', '0')
    .option('-q, --quiet', 'no progress bar, no summary')
    .action(async (flags: DailyFlags) => {
      if (flags.input.length !== 2)
        throw new UsageError('--input takes two values: the input format and the log folder');
      const [format, input] = flags.input as [string, string];
      // Before anything is read: a bad --out or --data fails now (issue 12).
      await checkOutputFolder(flags.out, { purpose: 'the lists' });
      await checkOutputFolder(flags.data, { flag: '--data', purpose: 'the dataset', viaSibling: true });
      const number = (text: string | undefined, flag: string, whole: boolean) => {
        if (text === undefined) return undefined;
        if (!(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(text))
          throw new UsageError(`${flag} must be a ${whole ? 'whole ' : ''}number, not '${text}'`);
        return Number(text);
      };
      const now = parseNow(flags.now);
      const formats = flags.format.flatMap((f) => f.split(',')).filter((f) => f !== '');
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ dailyFeed }, { withProgress }] = await Promise.all([
        import('../../daily/daily-feed.js'),
        import('../progress.js'),
      ]);
      const warnings: string[] = [];
      const result = await withProgress('daily', quiet, ' B', (onProgress) =>
        dailyFeed({
          format,
          input,
          honeypots: flags.honeypots,
          data: flags.data,
          out: flags.out,
          models: flags.model.includes('all') ? 'all' : flags.model,
          formats,
          columns: flags.columns,
          budget: number(flags.budget, '--budget', true),
          allowlist: flags.allowlist,
          maxChange: number(flags.maxChange, '--max-change', false),
          force: Boolean(flags.force),
          ...(now ? { now } : {}),
          rebuild: Boolean(flags.rebuild),
          reader: { tz: flags.tz, attack: flags.attack },
          seed: number(flags.seed, '--seed', true) ?? 0,
          onProgress,
          warn: (m) => warnings.push(m),
        }),
      );
      if (!quiet) {
        const lines: string[] = [];
        if (result.read.length > 0)
          lines.push(
            `read ${result.read.length} new file(s)${result.newDays.length ? `: new day(s) ${result.newDays.join(', ')}` : ''}`,
          );
        for (const d of result.extendedDays)
          lines.push(
            `summed ${d.flows} attack flow(s) of the new files into ${d.date}, read before (spill across midnight)`,
          );
        for (const l of result.lists) {
          const removed = [
            l.removedByAllowlist ? `${l.removedByAllowlist} allowlisted` : '',
            l.removedAsBogons ? `${l.removedAsBogons} bogon(s)` : '',
          ].filter((x) => x !== '');
          const was = l.previous ? ` (was ${l.previous.entries} on ${l.previous.date})` : '';
          const what = l.held
            ? 'HELD BACK'
            : l.written > 0
              ? l.latest.join(' ') || l.files.join(' ')
              : 'unchanged';
          lines.push(
            `${result.date} ${l.model.padEnd(22)} ${String(l.entries).padStart(7)} IPs${was}${removed.length ? `, removed ${removed.join(', ')}` : ''}  ${what}`,
          );
        }
        for (const w of [...new Set(warnings)]) lines.push(`warning: ${w}`);
        process.stderr.write(`${lines.join('\n')}\n`);
      }
      const held = result.held;
      if (held.length > 0) {
        const h = held[0]!;
        const others = held.length > 1 ? `; ${held.length - 1} other list(s) held too` : '';
        throw new DataError(
          `${h.model} list held back: ${h.entries} IPs against ${h.previous!.entries} published for ${h.previous!.date}, outside a factor of ${flags.maxChange} (--max-change): the previous feed stays; pass --force to publish it${others}`,
        );
      }
    });
  completeLater(command, async () => {
    const [{ modelNames }, { listFormatNames }, { inputFormatNames }] = await Promise.all([
      import('../../models/index.js'),
      import('../../blocklist/formats/registry.js'),
      import('../../ingest/formats/registry.js'),
    ]);
    optionOf(command, '--model').description = `model name(s), or all: ${modelNames().join(', ')}`;
    optionOf(command, '--format').description =
      `list format(s), comma-separated or repeated: ${listFormatNames().join(', ')}`;
    optionOf(command, '--input').description =
      `input format (${inputFormatNames().join(', ')}) and log folder`;
  });
}
