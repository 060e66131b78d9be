/**
 * The CLI's credentials (docs/cli.md, "Credentials"): global options, each with its environment variable,
 * turned into the SDK's `auth` and `clientId` options.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { ClientAuth } from '../client/index.js';
import { UsageError } from './output.js';

export interface AuthOptionValues {
  user?: string;
  passwordFile?: string;
  scramMechanism?: string;
  tokenFile?: string;
  clientId?: string;
}

/** The global options that take a value (the command-name finder skips their values). */
export const AUTH_OPTIONS_WITH_VALUE = [
  '--user',
  '--password-file',
  '--scram-mechanism',
  '--token-file',
  '--client-id',
];

export function addAuthOptions(program: Command): void {
  program
    .addOption(
      new Option('--user <name>', 'SCRAM user (password: --password-file or env TRIBUTARY_PASSWORD)').env(
        'TRIBUTARY_USERNAME',
      ),
    )
    .addOption(
      new Option('--password-file <file>', 'file holding the SCRAM password').env('TRIBUTARY_PASSWORD_FILE'),
    )
    .addOption(
      new Option('--scram-mechanism <m>', 'SCRAM-SHA-256 or SCRAM-SHA-512 (default)')
        .choices(['SCRAM-SHA-256', 'SCRAM-SHA-512'])
        .env('TRIBUTARY_SCRAM_MECHANISM'),
    )
    .addOption(
      new Option('--token-file <file>', 'a Kubernetes service-account token file').env(
        'TRIBUTARY_TOKEN_FILE',
      ),
    )
    .addOption(
      new Option('--client-id <id>', 'the client id brokers apply quotas to').env('TRIBUTARY_CLIENT_ID'),
    );
}

/** The SDK options for the credentials given; none given: no credentials. */
export function clientAuthOf(
  opts: AuthOptionValues,
  env: NodeJS.ProcessEnv = process.env,
): { auth: ClientAuth | false; clientId?: string } {
  const clientId = opts.clientId === undefined || opts.clientId === '' ? {} : { clientId: opts.clientId };
  if (opts.user !== undefined && opts.user !== '') {
    const password =
      opts.passwordFile !== undefined
        ? readFileSync(opts.passwordFile, 'utf8').replace(/\r?\n$/, '')
        : (env.TRIBUTARY_PASSWORD ?? '');
    if (password === '')
      throw new UsageError('--user needs a password: --password-file or env TRIBUTARY_PASSWORD');
    const mechanism = opts.scramMechanism as 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | undefined;
    return {
      auth: { username: opts.user, password, ...(mechanism === undefined ? {} : { mechanism }) },
      ...clientId,
    };
  }
  if (opts.tokenFile !== undefined && opts.tokenFile !== '')
    return { auth: { tokenFile: opts.tokenFile }, ...clientId };
  return { auth: false, ...clientId };
}
