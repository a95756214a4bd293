import type { Command } from 'commander';
import type { SynthFormat } from '../../synth/index.js';
import { UsageError } from '../../util/errors.js';
import { checkOutputFolder } from '../../util/output-path.js';
import { completeLater, setDefault } from '../lazy-help.js';

interface SynthFlags {
  days: string;
  attackersPerDay: string;
  honeypots: string;
  seed: string;
  out: string;
  format: string;
  startDate: string;
  meanFlows: string;
  sensorOverlap?: string;
  quiet?: boolean;
}

function integer(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new UsageError(`${flag} must be a whole number, not '${value}'`);
  return n;
}

function share(value: string): number {
  const n = Number(value);
  if (!/^\s*(0|1|0?\.\d+|1\.0*)\s*$/.test(value) || !(n >= 0 && n <= 1))
    throw new UsageError(`--sensor-overlap must be a number from 0 to 1, not '${value}'`);
  return n;
}

export function registerSynth(program: Command): void {
  const command = program
    .command('synth')
    .description(
      'generate seeded synthetic honeypot traffic: Zeek conn logs in Zeek folder layout + honeypots.csv',
    )
    .requiredOption(
      '--out <dir>',
      'folder to write (Zeek day folders, or day tables with --format aip): new, empty, or an earlier synth output, which is replaced',
    )
    // Defaults from SYNTH_DEFAULTS, set by completeLater below.
    .option('--days <N>', 'number of UTC days')
    .option('--attackers-per-day <K>', 'mean distinct attacker IPs a day')
    .option('--honeypots <H>', 'number of honeypots (one starts late)')
    .option('--seed <S>', 'seed of the random generator')
    .option('--format <zeek|aip>', 'zeek: conn logs; aip: the day tables ingest would make of them', 'zeek')
    .option('--start-date <YYYY-MM-DD>', 'first simulated day')
    .option('--mean-flows <F>', 'mean attack flows per attacker per day')
    .option(
      '--sensor-overlap <p>',
      'share (0..1) of attackers that hit more than their home honeypot; each honeypot is a sensor (docs/sensors.md)',
    )
    .option('-q, --quiet', 'no progress bar, no summary')
    .action(async (flags: SynthFlags) => {
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      if (flags.format !== 'zeek' && flags.format !== 'aip') {
        throw new UsageError(`--format must be zeek or aip, not '${flags.format}'`);
      }
      await checkOutputFolder(flags.out, { purpose: 'the synthetic data', viaSibling: true });
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const [{ synthesize }, { createProgress }, { abortOnSignals }] = await Promise.all([
        import('../../synth/index.js'),
        import('../progress.js'),
        import('../interrupt.js'),
      ]);
      const progress = createProgress('synth', quiet, ' days');
      let report: Awaited<ReturnType<typeof synthesize>>;
      try {
        // Ctrl-C stops it between files: the temporary folder goes, --out is left as it was.
        report = await abortOnSignals((signal) =>
          synthesize({
            out: flags.out,
            days: integer(flags.days, '--days'),
            attackersPerDay: integer(flags.attackersPerDay, '--attackers-per-day'),
            honeypots: integer(flags.honeypots, '--honeypots'),
            seed: integer(flags.seed, '--seed'),
            format: flags.format as SynthFormat,
            startDate: flags.startDate,
            meanFlowsPerAttacker: Number(flags.meanFlows),
            ...(flags.sensorOverlap === undefined ? {} : { sensorOverlap: share(flags.sensorOverlap) }),
            onProgress: (done, total) => progress.update(done, total),
            signal,
          }),
        );
      } finally {
        progress.stop();
      }
      if (quiet) return;
      const mean = report.perDay.reduce((a, d) => a + d.attackers, 0) / Math.max(1, report.perDay.length);
      process.stderr.write(
        `${[
          `wrote ${report.files.length} ${report.format} file(s) for ${report.days} day(s) ${report.startDate}..${report.endDate} to ${report.out}`,
          `${report.records} records: ${report.attackFlows} attack flows, ${report.decoys.total} decoys ingest must drop`,
          `${mean.toFixed(0)} attackers a day on average; yesterday's attackers catch ${(100 * report.alphaRecall).toFixed(1)}% of a day's (Alpha recall)`,
          `honeypot list: ${report.out}/honeypots.csv (${report.honeypots.length} honeypots, ${report.lateHoneypot.ip} starts ${report.lateHoneypot.start})`,
        ].join('\n')}\n`,
      );
    });
  completeLater(command, async () => {
    const { SYNTH_DEFAULTS: d } = await import('../../synth/index.js');
    setDefault(command, '--days', String(d.days));
    setDefault(command, '--attackers-per-day', String(d.attackersPerDay));
    setDefault(command, '--honeypots', String(d.honeypots));
    setDefault(command, '--seed', String(d.seed));
    setDefault(command, '--start-date', d.startDate);
    setDefault(command, '--mean-flows', String(d.meanFlowsPerAttacker));
  });
}
