/** `tributary user scram set|delete|list` and `tributary user whoami` (docs/cli.md, "Security"). */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { ScramMechanismName } from '../../client/index.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { parsePositiveInt, UsageError, writeLine } from '../output.js';
import { jsonOption, printJsonOrTable, subcommand } from './subcommand.js';

const MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** A new password: from `file`, else the first line of stdin (never a command-line argument). */
export async function readNewPassword(io: CliIo, file: string | undefined): Promise<string> {
  if (file !== undefined) return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  let text = '';
  for await (const chunk of io.stdin) {
    text += chunk.toString();
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

export function registerUserCommand(program: Command, io: CliIo): void {
  const user = program.command('user').description('SCRAM users; who the broker sees you as');
  const scram = user
    .command('scram')
    .description('SCRAM credentials (salted, iterated hashes: the password never leaves this process)');

  subcommand(scram, 'set', "set a user's password", ['<user>', 'user name'])
    .option('--new-password-file <file>', 'file holding the new password (default: the first line of stdin)')
    .addOption(
      new Option('--mechanism <m>', 'SCRAM-SHA-256 or SCRAM-SHA-512')
        .choices(MECHANISMS)
        .default('SCRAM-SHA-512'),
    )
    .option('--iterations <n>', 'PBKDF2 iterations (4096 to 16384; default 8192)', parsePositiveInt)
    .action(
      async (
        name: string,
        o: { newPasswordFile?: string; mechanism: string; iterations?: number },
        command: Command,
      ) => {
        const password = await readNewPassword(io, o.newPasswordFile);
        if (password === '') throw new UsageError('the new password is empty');
        await withClient(command, (t) =>
          t.securityAdmin().setUserPassword(name, password, {
            mechanism: o.mechanism as ScramMechanismName,
            ...(o.iterations === undefined ? {} : { iterations: o.iterations }),
          }),
        );
        await writeLine(io.stdout, `set the ${o.mechanism} credential of ${name}`);
      },
    );

  subcommand(scram, 'delete', "delete a user's credential", ['<user>', 'user name'])
    .addOption(
      new Option('--mechanism <m>', 'the credential to delete').choices(MECHANISMS).default('SCRAM-SHA-512'),
    )
    .action(async (name: string, o: { mechanism: string }, command: Command) => {
      await withClient(command, (t) =>
        t.securityAdmin().deleteUserScramCredential(name, o.mechanism as ScramMechanismName),
      );
      await writeLine(io.stdout, `deleted the ${o.mechanism} credential of ${name}`);
    });

  jsonOption(
    subcommand(scram, 'list', 'users with credentials (mechanism and iterations, never keys)', [
      '[users...]',
      'only these',
    ]),
  ).action(async (users: string[], o: { json: boolean }, command: Command) => {
    const list = await withClient(command, (t) => t.securityAdmin().describeUserScramCredentials(users));
    await printJsonOrTable(io, o.json, list, () => [
      ['USER', 'MECHANISM', 'ITERATIONS'],
      ...list.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations])),
    ]);
  });

  jsonOption(subcommand(user, 'whoami', 'the principal the broker sees for these credentials')).action(
    async (o: { json: boolean }, command: Command) => {
      const me = await withClient(command, (t) => t.securityAdmin().whoAmI());
      await writeLine(
        io.stdout,
        o.json
          ? JSON.stringify(me)
          : `${me.principal} (${me.mechanism}${me.superUser ? ', super user' : ''})`,
      );
    },
  );
}
