import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('search model parameters on a tuning window (not yet available)')
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(() => {
      throw new UsageError(`'aiplab tune' is not yet available in this version`);
    });
}
