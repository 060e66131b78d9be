/** `tributary quota set|list`: client quotas per principal and client id (docs/cli.md, "Security"). */
import { type Command, Option } from 'commander';
import { type ClientQuotaEntity, QUOTA_KEYS, type QuotaKey } from '../../client/index.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { UsageError, writeLine } from '../output.js';
import { jsonOption, printJsonOrTable, subcommand } from './subcommand.js';

interface EntityOptions {
  principal?: string;
  clientId?: string;
}

function entityOptions(command: Command): Command {
  return command
    .option(
      '--principal <p>',
      'User:<name>, ServiceAccount:<ns>/<name>, or <default> (every principal without its own)',
    )
    .option('--client <id>', 'a client id, or <default> (every client id without its own)');
}

function entityOf(o: { principal?: string; client?: string }): ClientQuotaEntity {
  return {
    ...(o.principal === undefined ? {} : { principal: o.principal }),
    ...(o.client === undefined ? {} : { clientId: o.client }),
  };
}

function positiveNumber(input: string): number {
  const n = Number(input);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`expected a positive number, got "${input}"`);
  return n;
}

export function registerQuotaCommand(program: Command, io: CliIo): void {
  const quota = program.command('quota').description('client quotas: produce and fetch bytes/s, requests/s');

  entityOptions(subcommand(quota, 'set', 'set (or --remove) quotas of a principal, a client id, or both'))
    .option('--producer-byte-rate <bytes>', 'produce bytes per second', positiveNumber)
    .option('--consumer-byte-rate <bytes>', 'fetch bytes per second', positiveNumber)
    .option('--request-rate <n>', 'requests per second', positiveNumber)
    .addOption(new Option('--remove <key...>', 'quotas to remove').choices(QUOTA_KEYS as string[]))
    .action(
      async (
        o: EntityOptions & {
          client?: string;
          producerByteRate?: number;
          consumerByteRate?: number;
          requestRate?: number;
          remove?: string[];
        },
        command: Command,
      ) => {
        const entity = entityOf(o);
        if (entity.principal === undefined && entity.clientId === undefined)
          throw new UsageError('name the entity: --principal, --client, or both');
        const set: Partial<Record<QuotaKey, number>> = {};
        if (o.producerByteRate !== undefined) set.producer_byte_rate = o.producerByteRate;
        if (o.consumerByteRate !== undefined) set.consumer_byte_rate = o.consumerByteRate;
        if (o.requestRate !== undefined) set.request_rate = o.requestRate;
        const remove = (o.remove ?? []) as QuotaKey[];
        if (Object.keys(set).length === 0 && remove.length === 0)
          throw new UsageError('nothing to set or remove');
        await withClient(command, (t) => t.securityAdmin().alterClientQuota({ entity, set, remove }));
        await writeLine(io.stdout, 'quota updated');
      },
    );

  jsonOption(
    entityOptions(subcommand(quota, 'list', 'quotas set (all, or those of the entity given)')),
  ).action(async (o: { principal?: string; client?: string; json: boolean }, command: Command) => {
    const entity = entityOf(o);
    const filter = entity.principal === undefined && entity.clientId === undefined ? undefined : entity;
    const entries = await withClient(command, (t) => t.securityAdmin().describeClientQuotas(filter));
    await printJsonOrTable(io, o.json, entries, () => [
      ['PRINCIPAL', 'CLIENT ID', ...QUOTA_KEYS.map((k) => k.toUpperCase())],
      ...entries.map((e) => [
        e.entity.principal ?? '-',
        e.entity.clientId ?? '-',
        ...QUOTA_KEYS.map((k) => String(e.values[k] ?? '-')),
      ]),
    ]);
  });
}
