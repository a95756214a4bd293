import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';

/** Subcommands that later stages of the pipeline fill in; until then they say so (exit 2). */
export function registerNotYet(program: Command): void {
  const later: [string, string][] = [
    ['report', 'charts and an HTML report from a results folder (not yet available)'],
    ['tune', 'search model parameters on a tuning window (not yet available)'],
  ];
  for (const [name, description] of later) {
    program
      .command(name)
      .description(description)
      .allowUnknownOption(true)
      .argument('[args...]')
      .action(() => {
        throw new UsageError(`'aiplab ${name}' is not yet available in this version`);
      });
  }
}
