import type { Command } from 'commander';
import { UsageError } from '../../util/errors.js';

/** Placeholder until src/synth lands. */
export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('generate a seeded synthetic honeypot dataset (Zeek conn logs + honeypot list)')
    .action(() => {
      throw new UsageError('synth is being built');
    });
}
