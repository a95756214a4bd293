import type { Command } from 'commander';
import type { IngestOptions } from '../../ingest/ingest.js';
import type { OnError } from '../../ingest/skips.js';
import { checkOutputFolder } from '../../util/output-path.js';
import { completeLater } from '../lazy-help.js';

interface IngestFlags {
  out: string;
  honeypots?: string;
  from?: string;
  to?: string;
  onError: OnError;
  quiet?: boolean;
  partial?: boolean;
  tz?: string;
  attack?: string;
  perSensor?: boolean;
}

export function registerIngest(program: Command): void {
  const command = program
    .command('ingest')
    .description(
      'read honeypot logs into a dataset of AIP day tables (attacks.YYYY-MM-DD.csv.gz + manifest.json)',
    )
    .argument('<format>', 'input format')
    .argument('<input...>', 'files and/or folders (Zeek: <root>/YYYY-MM-DD/conn.*.log[.gz] is walked)')
    .requiredOption(
      '--out <dataset-dir>',
      'dataset folder to write (new, empty, or an earlier dataset to replace)',
    )
    .option(
      '--honeypots <csv>',
      'AIP honeypot list public_ip,operation_start_date,operation_end_date (required for zeek, argus, suricata, nfdump)',
    )
    .option('--from <YYYY-MM-DD>', 'first UTC day to keep')
    .option('--to <YYYY-MM-DD>', 'last UTC day to keep')
    .option(
      '--on-error <mode>',
      'skip: count malformed lines and report them; fail: stop at the first',
      'skip',
    )
    .option(
      '--tz <zone>',
      'IANA time zone of the local times the input prints (nfdump prints the local time of its machine); default UTC',
    )
    .option(
      '--attack <rule>',
      'which records are attacks (cowrie: connections, every session [default]; login-success, only IPs that logged in that day)',
    )
    .option(
      '--per-sensor',
      'also write a day table per sensor, sensors/<sensor>/attacks.YYYY-MM-DD.csv.gz (the honeypot address; Cowrie: its sensor field); see docs/sensors.md',
    )
    .option('-q, --quiet', 'no progress bar, no summary')
    .option(
      '--partial',
      'read only the day files/folders --from .. --to, into a partial dataset for aiplab merge',
    )
    .action(async (format: string, inputs: string[], flags: IngestFlags) => {
      // Before anything is read: a bad --out fails now, not after the work (issue 12).
      await checkOutputFolder(flags.out, {
        purpose: flags.partial ? 'the partial dataset' : 'the dataset',
        viaSibling: true,
      });
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const options: IngestOptions = {
        format,
        inputs,
        out: flags.out,
        honeypots: flags.honeypots,
        from: flags.from,
        to: flags.to,
        onError: flags.onError,
        reader: { tz: flags.tz, attack: flags.attack },
        ...(flags.perSensor ? { perSensor: true } : {}),
      };
      if (flags.partial) {
        const { ingestPartialCommand } = await import('./shard.js');
        return ingestPartialCommand(options, quiet);
      }
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ ingest }, { withProgress }] = await Promise.all([
        import('../../ingest/ingest.js'),
        import('../progress.js'),
      ]);
      const result = await withProgress('ingest', quiet, ' B', (onProgress) =>
        ingest({ ...options, onProgress }),
      );
      const m = result.manifest;
      if (quiet) return;
      const rows = m.days.reduce((a, d) => a + d.rows, 0);
      const empty = m.days.filter((d) => d.rows === 0).length;
      const lines = [
        `ingested ${m.inputs.length} ${m.format} file(s): ${m.records} records, ${m.attackFlows} attack flows`,
        `wrote ${m.days.length} day table(s) ${m.from ?? ''}..${m.to ?? ''} to ${result.out} (${rows} IP-day rows${empty ? `, ${empty} empty day(s)` : ''})`,
      ];
      if (m.sensors) {
        const ids = m.sensors.map((s) => s.id);
        const named =
          ids.length > 10 ? `${ids.slice(0, 10).join(', ')}, … (${ids.length - 10} more)` : ids.join(', ');
        lines.push(
          `wrote the day tables of ${ids.length} sensor(s) under sensors/${named ? `: ${named}` : ''}`,
        );
      }
      if (m.missingDays.length > 0) lines.push(`missing days (no input): ${m.missingDays.join(', ')}`);
      for (const [reason, n] of Object.entries(m.skipped.dropped)) lines.push(`dropped ${n}: ${reason}`);
      for (const [reason, n] of Object.entries(m.skipped.malformed)) {
        lines.push(`skipped ${n} malformed: ${reason}`);
        for (const ex of m.skipped.examples[reason] ?? []) lines.push(`  e.g. ${ex}`);
      }
      for (const w of m.warnings) lines.push(`warning: ${w}`);
      process.stderr.write(`${lines.join('\n')}\n`);
    });
  completeLater(command, async () => {
    const { inputFormatNames } = await import('../../ingest/formats/registry.js');
    command.registeredArguments[0]!.description = `input format: ${inputFormatNames().join(', ')}`;
  });
}
