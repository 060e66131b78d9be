/**
 * How a CLI subcommand is declared: its name, description and positional arguments in one call, and the
 * options several commands share (`--json`, `-p/--partition`, a point in time), declared once so their
 * flags, parsers and help read the same in every command.
 */
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { formatTable, parseNonNegativeInt, parseTimestamp, writeLine } from '../output.js';

/** A positional argument: its commander syntax (`<topic>`, `[topics...]`) and its help. */
export type ArgumentSpec = readonly [syntax: string, help: string];

export const TOPIC_ARGUMENT: ArgumentSpec = ['<topic>', 'topic name'];

/** `parent <name> [arguments]`, described. */
export function subcommand(
  parent: Command,
  name: string,
  description: string,
  ...args: readonly ArgumentSpec[]
): Command {
  const command = parent.command(name).description(description);
  for (const [syntax, help] of args) command.argument(syntax, help);
  return command;
}

/** `--json`: the command prints JSON instead of a table. */
export function jsonOption(command: Command, help = 'print JSON'): Command {
  return command.option('--json', help, false);
}

/** `-p, --partition <n>`: one partition of the topic. */
export function partitionOption(command: Command, help = 'only this partition', required = false): Command {
  return required
    ? command.requiredOption('-p, --partition <n>', help, parseNonNegativeInt)
    : command.option('-p, --partition <n>', help, parseNonNegativeInt);
}

/** An option naming a point in time, as ISO-8601 or epoch ms. */
export function timeOption(command: Command, flags: string, help: string): Command {
  return command.option(flags, `${help} this ISO-8601 time or epoch ms`, parseTimestamp);
}

/** The `--json` choice: `value` as JSON, or the rows as a table (the first row is the header). */
export async function printJsonOrTable(
  io: CliIo,
  json: boolean,
  value: unknown,
  rows: () => ReadonlyArray<ReadonlyArray<string | number>>,
): Promise<void> {
  await writeLine(io.stdout, json ? JSON.stringify(value) : formatTable(rows()));
}
