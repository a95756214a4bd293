import { Command, CommanderError } from 'commander';
import { AiplabError, DataError, UsageError } from '../util/errors.js';
import { VERSION } from '../version.js';
import { registerBacktest } from './commands/backtest.js';
import { registerIngest } from './commands/ingest.js';
import { registerMerge } from './commands/merge.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSynth } from './commands/synth.js';
import { registerTune } from './commands/tune.js';
import { completeNamed } from './lazy-help.js';

/** Exit codes: 0 success, 1 data error, 2 usage error. */
export const EXIT = { ok: 0, data: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('aiplab')
    .description(
      'aiplab: build, backtest and tune attacker-IP blocklists from honeypot traffic (a lab around the AIP models)',
    )
    .version(VERSION)
    .option('--debug', 'print stack traces on errors')
    .option('-q, --quiet', 'no progress bars or summaries')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerIngest(program);
  registerSynth(program);
  registerRun(program);
  registerBacktest(program);
  registerReport(program);
  registerTune(program);
  registerMerge(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await completeNamed(program, argv);
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const code = error instanceof UsageError ? EXIT.usage : EXIT.data;
    const kind =
      error instanceof UsageError ? 'usage error' : error instanceof DataError ? 'data error' : 'error';
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`aiplab: ${kind}: ${message.split('\n')[0]}\n`);
    if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    else if (!(error instanceof AiplabError))
      process.stderr.write('(run with --debug for the stack trace)\n');
    return code;
  }
}
