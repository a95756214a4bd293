import type { Command, Option } from 'commander';

const completions = new WeakMap<Command, () => Promise<void>>();

/**
 * Registers `complete`, which fills in the help text of `command` that names registry entries (model names, formats)
 * or module defaults: it loads the modules behind them, so building the program (and `aiplab --help`) must not.
 * main runs it before parsing when the command is named (completeNamed).
 */
export function completeLater(command: Command, complete: () => Promise<void>): void {
  completions.set(command, complete);
}

/**
 * Completes the subcommands of `program` that `argv` names, whether as the command (`synth --days 3`, `synth --help`)
 * or otherwise (`help synth`); a command named only as a value (a file called `run`) is completed for nothing.
 */
export async function completeNamed(program: Command, argv: readonly string[]): Promise<void> {
  await Promise.all(
    program.commands.filter((c) => argv.includes(c.name())).map((c) => completions.get(c)?.()),
  );
}

/** The option of `command` with this long flag (e.g. `--model`). */
export function optionOf(command: Command, long: string): Option {
  const option = command.options.find((o) => o.long === long);
  if (option === undefined) throw new Error(`${command.name()} has no option ${long}`);
  return option;
}

/** Gives an option of `command` its default once it is known: shown in the help, used when the flag is absent. */
export function setDefault(command: Command, long: string, value: string): void {
  const option = optionOf(command, long);
  option.default(value);
  command.setOptionValueWithSource(option.attributeName(), value, 'default');
}
