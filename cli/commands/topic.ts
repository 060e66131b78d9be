/** `tributary topic create|list|describe|delete|alter`. */
import { type Command, Option } from 'commander';
import type { ConfigAlteration } from '../../client/admin.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { collect, collectKeyValue, formatTable, parsePositiveInt, UsageError, writeLine } from '../output.js';
import { type ArgumentSpec, jsonOption, subcommand } from './subcommand.js';

interface CreateOptions {
  partitions?: number;
  replicationFactor?: number;
  config: Array<[string, string]>;
}

interface AlterOptions {
  partitions?: number;
  config: Array<[string, string]>;
  deleteConfig: string[];
}

const TOPIC_NAME: ArgumentSpec = ['<name>', 'topic name'];

function topicCreateCommand(create: Command, io: CliIo): void {
  create
    .option('-p, --partitions <n>', 'partition count (default: the broker default)', parsePositiveInt)
    .option(
      '-r, --replication-factor <n>',
      'replicas per partition (default: the broker default)',
      parsePositiveInt,
    )
    .option('-c, --config <key=value>', 'topic config, repeatable', collectKeyValue, [])
    .action(async (name: string, opts: CreateOptions, command: Command) => {
      await withClient(command, async (tributary) => {
        await tributary.admin().createTopic({
          name,
          partitions: opts.partitions ?? 0,
          replicationFactor: opts.replicationFactor ?? 0,
          configs: Object.fromEntries(opts.config),
        });
      });
      await writeLine(io.stderr, `created topic "${name}"`);
    });
}

function topicListCommand(list: Command, io: CliIo): void {
  list.option('--internal', 'include internal topics (names starting with "__")', false);
  jsonOption(list).action(async (opts: { internal: boolean; json: boolean }, command: Command) => {
    const topics = await withClient(command, (t) => t.admin().listTopics({ includeInternal: opts.internal }));
    if (opts.json) {
      await writeLine(io.stdout, JSON.stringify(topics));
      return;
    }
    if (topics.length === 0) return;
    const rows = topics.map((t) => [t.name, t.partitions, t.replicationFactor]);
    await writeLine(io.stdout, formatTable([['NAME', 'PARTITIONS', 'REPLICATION'], ...rows]));
  });
}

function topicDescribeCommand(describe: Command, io: CliIo): void {
  jsonOption(describe).action(async (name: string, opts: { json: boolean }, command: Command) => {
    const [description, configs] = await withClient(command, (t) =>
      Promise.all([t.admin().describeTopicAtLeaders(name), t.admin().describeConfig(name)]),
    );
    if (opts.json) {
      await writeLine(io.stdout, JSON.stringify({ ...description, allConfigs: configs }));
      return;
    }
    const replication = description.partitions[0]?.replicas.length ?? 0;
    // Offsets and size come from each partition's leader; -1 means it could not say (no leader, or it
    // did not answer).
    const known = (n: number) => (n < 0 ? '-' : n);
    const unknown = description.partitions.filter((p) => p.highWatermark < 0 || p.sizeBytes < 0);
    const lines = [
      `Topic: ${description.name}  Id: ${description.topicId}  Partitions: ${description.partitions.length}  Replication: ${replication}`,
    ];
    const set = Object.entries(description.configs);
    lines.push(`Configs: ${set.length === 0 ? '(none set)' : set.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    lines.push(
      formatTable([
        ['PARTITION', 'LEADER', 'EPOCH', 'REPLICAS', 'ISR', 'LOG-START', 'HIGH-WATERMARK', 'LOG-END', 'SIZE'],
        ...description.partitions.map((p) => [
          p.partition,
          p.leader,
          p.leaderEpoch,
          p.replicas.join(',') || '-',
          p.isr.join(',') || '-',
          known(p.logStartOffset),
          known(p.highWatermark),
          known(p.logEndOffset),
          known(p.sizeBytes),
        ]),
      ]),
    );
    if (unknown.length > 0) {
      lines.push(
        `-: not known for partition${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => p.partition).join(', ')} (no leader, or the leader did not answer)`,
      );
    }
    await writeLine(io.stdout, lines.join('\n'));
  });
}

function topicDeleteCommand(remove: Command, io: CliIo): void {
  remove.action(async (name: string, _opts: unknown, command: Command) => {
    await withClient(command, (t) => t.admin().deleteTopic(name));
    await writeLine(io.stderr, `deleted topic "${name}"`);
  });
}

function topicAlterCommand(alter: Command, io: CliIo): void {
  alter
    .option('-p, --partitions <n>', 'new total partition count (partitions never decrease)', parsePositiveInt)
    .option('-c, --config <key=value>', 'set a config, repeatable', collectKeyValue, [])
    .addOption(
      new Option('--delete-config <key>', 'revert a config to the default, repeatable')
        .argParser(collect)
        .default([]),
    )
    .action(async (name: string, opts: AlterOptions, command: Command) => {
      const alterations: ConfigAlteration[] = [
        ...opts.config.map(([k, v]): ConfigAlteration => ({ name: k, op: 'set', value: v })),
        ...opts.deleteConfig.map((k): ConfigAlteration => ({ name: k, op: 'delete' })),
      ];
      if (opts.partitions === undefined && alterations.length === 0) {
        throw new UsageError('nothing to alter: give --partitions, --config or --delete-config');
      }
      await withClient(command, async (tributary) => {
        const admin = tributary.admin();
        if (alterations.length > 0 && opts.partitions !== undefined) {
          // Both or neither: validate each change before applying either.
          const [configCheck] = await admin.alterConfigs([{ topic: name, alterations }], {
            validateOnly: true,
          });
          if (configCheck?.error) throw configCheck.error;
          const [partitionCheck] = await admin.createPartitions([{ topic: name, count: opts.partitions }], {
            validateOnly: true,
          });
          if (partitionCheck?.error) throw partitionCheck.error;
        }
        if (alterations.length > 0) await admin.alterConfig(name, alterations);
        if (opts.partitions !== undefined) await admin.createPartition(name, opts.partitions);
      });
      await writeLine(io.stderr, `altered topic "${name}"`);
    });
}

export function registerTopicCommand(program: Command, io: CliIo): void {
  const topic = program.command('topic').description('create, list, describe, alter and delete topics');
  topicCreateCommand(subcommand(topic, 'create', 'create a topic', TOPIC_NAME), io);
  topicListCommand(subcommand(topic, 'list', 'list topics'), io);
  topicDescribeCommand(
    subcommand(
      topic,
      'describe',
      'show partitions (leader, replicas, offsets, size) and configs of a topic',
      TOPIC_NAME,
    ),
    io,
  );
  topicDeleteCommand(subcommand(topic, 'delete', 'delete a topic and its data', TOPIC_NAME), io);
  topicAlterCommand(
    subcommand(topic, 'alter', 'raise the partition count or change configs of a topic', TOPIC_NAME),
    io,
  );
}
