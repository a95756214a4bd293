import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('charts and an HTML report from a results folder (not yet available)')
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(() => {
      throw new UsageError(`'aiplab report' is not yet available in this version`);
    });
}
