import type { Command } from 'commander';
import { inputFormatNames } from '../../ingest/formats/registry.js';
import { ingest } from '../../ingest/ingest.js';
import type { OnError } from '../../ingest/skips.js';
import { createProgress } from '../progress.js';

interface IngestFlags {
  out: string;
  honeypots?: string;
  from?: string;
  to?: string;
  onError: OnError;
  quiet?: boolean;
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'read honeypot logs into a dataset of AIP day tables (attacks.YYYY-MM-DD.csv.gz + manifest.json)',
    )
    .argument('<format>', `input format: ${inputFormatNames().join(', ')}`)
    .argument('<input...>', 'files and/or folders (Zeek: <root>/YYYY-MM-DD/conn.*.log[.gz] is walked)')
    .requiredOption(
      '--out <dataset-dir>',
      'dataset folder to write (new, empty, or an earlier dataset to replace)',
    )
    .option(
      '--honeypots <csv>',
      'AIP honeypot list public_ip,operation_start_date,operation_end_date (zeek, argus)',
    )
    .option('--from <YYYY-MM-DD>', 'first UTC day to keep')
    .option('--to <YYYY-MM-DD>', 'last UTC day to keep')
    .option(
      '--on-error <mode>',
      'skip: count malformed lines and report them; fail: stop at the first',
      'skip',
    )
    .option('-q, --quiet', 'no progress bar, no summary')
    .action(async (format: string, inputs: string[], flags: IngestFlags) => {
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      const progress = createProgress('ingest', quiet, ' B');
      let result: Awaited<ReturnType<typeof ingest>>;
      try {
        result = await ingest({
          format,
          inputs,
          out: flags.out,
          honeypots: flags.honeypots,
          from: flags.from,
          to: flags.to,
          onError: flags.onError,
          onProgress: (done, total) => progress.update(done, total),
        });
      } finally {
        progress.stop();
      }
      const m = result.manifest;
      if (quiet) return;
      const rows = m.days.reduce((a, d) => a + d.rows, 0);
      const empty = m.days.filter((d) => d.rows === 0).length;
      const lines = [
        `ingested ${m.inputs.length} ${m.format} file(s): ${m.records} records, ${m.attackFlows} attack flows`,
        `wrote ${m.days.length} day table(s) ${m.from ?? ''}..${m.to ?? ''} to ${result.out} (${rows} IP-day rows${empty ? `, ${empty} empty day(s)` : ''})`,
      ];
      if (m.missingDays.length > 0) lines.push(`missing days (no input): ${m.missingDays.join(', ')}`);
      for (const [reason, n] of Object.entries(m.skipped.dropped)) lines.push(`dropped ${n}: ${reason}`);
      for (const [reason, n] of Object.entries(m.skipped.malformed)) {
        lines.push(`skipped ${n} malformed: ${reason}`);
        for (const ex of m.skipped.examples[reason] ?? []) lines.push(`  e.g. ${ex}`);
      }
      for (const w of m.warnings) lines.push(`warning: ${w}`);
      process.stderr.write(`${lines.join('\n')}\n`);
    });
}
