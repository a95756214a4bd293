import type { Command } from 'commander';
import { checkOutputFolder } from '../../util/output-path.js';

interface ReportFlags {
  out?: string;
  quiet?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'charts and a self-contained report.html from a results folder (<out>/<id>/<timestamp>/ of aiplab backtest)',
    )
    .argument('<results-dir>', 'results folder written by aiplab backtest')
    .option('--out <dir>', 'write report.html and charts/ here instead of into the results folder')
    .option('-q, --quiet', 'print nothing')
    .action(async (dir: string, flags: ReportFlags) => {
      // Before anything is read (without --out, writeReport checks the results folder itself).
      if (flags.out !== undefined) await checkOutputFolder(flags.out, { purpose: 'the report' });
      const quiet = Boolean(flags.quiet || program.opts().quiet);
      // Loaded here, not at the top, so that `aiplab --help` stays fast (issue 11).
      const { writeReport } = await import('../../reports/write-report.js');
      const written = await writeReport(dir, flags.out !== undefined ? { out: flags.out } : {});
      if (!quiet)
        process.stdout.write(
          `report: ${written.html} (${written.charts.length} charts in ${written.dir}/charts)\n`,
        );
    });
}
