import { Command, CommanderError } from 'commander';
import { AiplabError, DataError, UsageError } from '../util/errors.js';
import { VERSION } from '../version.js';
import { registerBacktest } from './commands/backtest.js';
import { registerDaily } from './commands/daily.js';
import { registerIngest } from './commands/ingest.js';
import { registerMerge } from './commands/merge.js';
import { registerReport } from './commands/report.js';
import { registerRun } from './commands/run.js';
import { registerSynth } from './commands/synth.js';
import { registerTune } from './commands/tune.js';
import { InterruptedError } from './interrupt.js';
import { completeNamed } from './lazy-help.js';

/** Exit codes: 0 success, 1 data error, 2 usage error; interrupted: 130 (Ctrl-C) or 143 (SIGTERM). */
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
  registerDaily(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** What to do about an OS error, by its code: the message is `<path>: <what>: <todo>`. */
const OS_ERRORS: Record<string, [what: string, todo: string]> = {
  EACCES: ['permission denied', 'choose a path you may use, or change its permissions'],
  EPERM: ['operation not permitted', 'choose a path you may use, or change its permissions'],
  ENOTDIR: ['a part of this path is a file, not a folder', 'choose another path'],
  EISDIR: ['is a folder, not a file', 'give the path of a file'],
  ENOSPC: ['no space left on the device', 'free some space or write elsewhere'],
  EROFS: ['read-only file system', 'choose a folder you can write to'],
  ENOENT: ['no such file or folder', 'check the path'],
  EEXIST: ['already exists', 'remove it or choose another path'],
};

/**
 * An OS error (err.code, err.path) as one line naming the path and what to do, or undefined for any other error.
 * Such errors reach here from file operations no command checked beforehand (a disk that fills up, a folder whose
 * permissions change mid-run).
 */
export function osErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  let { code, path, dest } = error as NodeJS.ErrnoException & { dest?: string };
  if (code === undefined) {
    // Re-thrown from a worker thread, only the message is left: "EACCES: permission denied, open '/x/y'".
    const m = /^(E[A-Z]+): [^,]*, \w+ '([^']*)'(?: -> '([^']*)')?$/.exec(error.message);
    if (m) {
      code = m[1];
      path = m[2];
      dest = m[3];
    }
  }
  if (typeof code !== 'string' || !(code in OS_ERRORS)) return undefined;
  const [what, todo] = OS_ERRORS[code]!;
  const where = path === undefined ? '' : dest === undefined ? `${path}: ` : `${path} → ${dest}: `;
  return `${where}${what}: ${todo}`;
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
    if (error instanceof InterruptedError) {
      process.stderr.write(`aiplab: ${error.message}\n`);
      return error.exitCode;
    }
    const os = osErrorMessage(error);
    if (os !== undefined) {
      process.stderr.write(`aiplab: error: ${os}\n`);
      if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      return EXIT.data;
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
