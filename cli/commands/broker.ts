import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { brokerEnvNames, DEFAULT_BROKER_CONFIG, loadBrokerConfig } from '../../broker/config.js';
import { runBroker } from '../../broker/main.js';
import type { CliIo } from '../context.js';
import { processIo } from '../program.js';
import { registerBrokerStateCommands } from './balance.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `tributary broker start`: a broker on its embedded default (local metadata, data under ./data). */
export function registerBrokerCommand(program: Command, io: CliIo = processIo): void {
  const broker = program.command('broker').description('run a Tributary broker; set its balance state');
  registerBrokerStateCommands(broker, io);
  const env = brokerEnvNames();
  broker
    .command('start')
    .description('start a broker in the foreground; stops cleanly on SIGTERM or Ctrl-C')
    .option('-c, --config <file>', 'YAML or JSON file with broker settings (camelCase keys)')
    .option('--node-id <id>', `broker id (env ${env.nodeId})`)
    .option('--host <host>', `address to listen on (default ${DEFAULT_BROKER_CONFIG.host}; env ${env.host})`)
    .option(
      '--port <port>',
      `gRPC port, 0 for any free one (default ${DEFAULT_BROKER_CONFIG.port}; env ${env.port})`,
    )
    .option(
      '--data-dir <dir>',
      `where logs and metadata live (default ${DEFAULT_BROKER_CONFIG.dataDir}; env ${env.dataDir})`,
    )
    .option(
      '--metrics-port <port>',
      `Prometheus port, 0 for any, -1 to disable (default ${DEFAULT_BROKER_CONFIG.metricsPort}; env ${env.metricsPort})`,
    )
    .option('--log-level <level>', `trace|debug|info|warn|error (default info; env ${env.logLevel})`)
    .option(
      '--set <key=value>',
      'any other setting by its camelCase name, e.g. --set logSegmentBytes=1048576',
      collect,
      [],
    )
    .option('--quiet', 'do not print the how-to banner on stderr')
    .addHelpText(
      'after',
      '\nEvery setting, its default and its environment variable are listed in docs/operations.md.',
    )
    .action(async (opts: Record<string, string | string[] | boolean | undefined>) => {
      const flags: Record<string, unknown> = {
        nodeId: opts.nodeId,
        host: opts.host,
        port: opts.port,
        dataDir: opts.dataDir,
        metricsPort: opts.metricsPort,
        logLevel: opts.logLevel,
      };
      for (const pair of (opts.set as string[]) ?? []) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new Error(`--set wants key=value, got ${JSON.stringify(pair)}`);
        flags[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const config = loadBrokerConfig({ file: opts.config as string | undefined, env: process.env, flags });
      await runBroker(config, { banner: opts.quiet !== true });
    });
  registerAddScramUser(broker, io);
}

/** `--set key=value` pairs as settings. */
function settingFlags(pairs: string[]): Record<string, unknown> {
  const flags: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set wants key=value, got ${JSON.stringify(pair)}`);
    flags[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return flags;
}

/**
 * `tributary broker add-scram-user`: writes a SCRAM credential straight into the cluster metadata (the
 * DCS the broker settings name), the way Kafka's `kafka-storage format --add-scram` does: how the first
 * (super) user of a cluster with authorizer=acl gets its password, before any broker can be asked. With the
 * local DCS, run it while the broker is stopped (the broker holds the metadata directory's lock).
 */
function registerAddScramUser(broker: Command, io: CliIo): void {
  broker
    .command('add-scram-user')
    .description('store a SCRAM credential in the cluster metadata directly (bootstrap the first admin)')
    .requiredOption('--user <name>', 'the user name')
    .option('--password-file <file>', 'file holding the password (default: env TRIBUTARY_PASSWORD)')
    .option('--mechanism <m>', 'SCRAM-SHA-256 or SCRAM-SHA-512', 'SCRAM-SHA-512')
    .option('-c, --config <file>', 'the broker settings file')
    .option('--data-dir <dir>', 'the broker data directory (local DCS)')
    .option('--set <key=value>', 'any other broker setting', collect, [])
    .action(
      async (opts: {
        user: string;
        passwordFile?: string;
        mechanism: string;
        config?: string;
        dataDir?: string;
        set: string[];
      }) => {
        const { addScramUser } = await import('../../broker/security/scram-bootstrap.js');
        const flags = {
          ...settingFlags(opts.set),
          ...(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir }),
        };
        const config = loadBrokerConfig({ file: opts.config, env: process.env, flags });
        const password =
          opts.passwordFile === undefined
            ? (process.env.TRIBUTARY_PASSWORD ?? '')
            : readFileSync(opts.passwordFile, 'utf8').trim();
        if (password === '') throw new Error('no password: give --password-file or set TRIBUTARY_PASSWORD');
        if (opts.mechanism !== 'SCRAM-SHA-256' && opts.mechanism !== 'SCRAM-SHA-512')
          throw new Error(`--mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, got ${opts.mechanism}`);
        await addScramUser(config, opts.user, password, opts.mechanism);
        io.stdout.write(`stored a ${opts.mechanism} credential for ${opts.user}\n`);
      },
    );
}
