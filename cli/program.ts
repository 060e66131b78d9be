/**
 * The `tributary` command tree. `run` parses argv, runs the command and returns the exit code instead
 * of exiting, so tests drive it in-process; `main.ts` is the process entry and adds the broker command
 * (kept out of here so the client-side commands and their tests never load broker code).
 */
import { Command, CommanderError, Option } from 'commander';
import { AUTH_OPTIONS_WITH_VALUE, addAuthOptions } from './auth-options.js';
import { registerAclCommand } from './commands/acl.js';
import { registerConsumeCommand } from './commands/consume.js';
import { registerGroupCommand } from './commands/group.js';
import { registerOffsetsCommand } from './commands/offsets.js';
import { registerPartitionCommand } from './commands/partition.js';
import { registerProduceCommand } from './commands/produce.js';
import { registerQuotaCommand } from './commands/quota.js';
import { registerTopicCommand } from './commands/topic.js';
import { registerUserCommand } from './commands/user.js';
import { type CliIo, DEFAULT_BOOTSTRAP } from './context.js';
import { describeError, EXIT_OK, EXIT_USAGE } from './output.js';
import { addTlsOptions, TLS_OPTIONS_WITH_VALUE } from './tls-options.js';

export const processIo: CliIo = {
  get stdin() {
    return process.stdin;
  },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
};

/** Registers commands that live outside the client-side CLI (the broker), given by the entry point. */
export type RegisterCommand = (program: Command) => void;

/**
 * A top-level command whose module is loaded only when it can be the one that runs: when argv names it,
 * or names no known command (help, a typo), so help and suggestions still list it. The broker and bench
 * commands are lazy, so `tributary broker start` never loads the benchmarks and their peers' clients.
 */
export interface LazyCommand {
  name: string;
  load: () => Promise<RegisterCommand>;
}

/** Global options that take a value, as separate arguments (`--bootstrap host:port`). */
const GLOBAL_OPTIONS_WITH_VALUE = new Set([
  '--bootstrap',
  ...AUTH_OPTIONS_WITH_VALUE,
  ...TLS_OPTIONS_WITH_VALUE,
]);

/** The command `args` (argv without node and script) names: its first operand after global options. */
export function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) return arg;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
  }
  return undefined;
}

/** The lazy commands `argv` needs registered (see `LazyCommand`), loaded. */
async function neededCommands(
  argv: string[],
  known: Command,
  lazy: LazyCommand[],
): Promise<RegisterCommand[]> {
  const name = commandName(argv.slice(2));
  const names = new Set([...known.commands.map((c) => c.name()), ...lazy.map((c) => c.name)]);
  const needed = lazy.filter((c) => name === undefined || name === c.name || !names.has(name));
  return Promise.all(needed.map((c) => c.load()));
}

export function buildProgram(io: CliIo = processIo, extra: RegisterCommand[] = []): Command {
  const program = new Command('tributary')
    .description('Tributary: a Kafka-class commit log. Manage topics, produce and consume records.')
    .addOption(
      new Option('--bootstrap <host:port>', 'a broker to connect to')
        .env('TRIBUTARY_BOOTSTRAP')
        .default(DEFAULT_BOOTSTRAP),
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  addAuthOptions(program);
  addTlsOptions(program);
  for (const register of extra) register(program);
  registerTopicCommand(program, io);
  registerPartitionCommand(program, io);
  registerGroupCommand(program, io);
  registerProduceCommand(program, io);
  registerConsumeCommand(program, io);
  registerOffsetsCommand(program, io);
  registerAclCommand(program, io);
  registerUserCommand(program, io);
  registerQuotaCommand(program, io);
  return program;
}

/**
 * Runs the CLI on `argv` (as process.argv: node, script, args...) and returns the exit code. `extra`
 * commands are always registered, `lazy` ones only when argv may run them, before the `extra` ones.
 */
export async function run(
  argv: string[],
  io: CliIo = processIo,
  extra: RegisterCommand[] = [],
  lazy: LazyCommand[] = [],
): Promise<number> {
  try {
    const program = buildProgram(io, [
      ...(await neededCommands(argv, buildProgram(io, extra), lazy)),
      ...extra,
    ]);
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    // Commander has already printed its own message (usage errors) or the help.
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const { line, exitCode } = describeError(err);
    if (line !== '') io.stderr.write(`${line}\n`);
    if (process.env['TRIBUTARY_DEBUG'] && err instanceof Error && err.stack)
      io.stderr.write(`${err.stack}\n`);
    return exitCode;
  }
}
