/**
 * `tributary partition ...`: leader elections and reassignments in a replicated cluster.
 *
 *   partition elect <topic> [--partition n] [--unclean]
 *   partition reassign <topic> --partition n --replicas 2,0,1     (empty --replicas '' cancels)
 *   partition reassignments [topic...]
 */
import type { Command } from 'commander';
import type { PartitionResult } from '../../client/admin.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { UsageError } from '../output.js';
import { jsonOption, partitionOption, printJsonOrTable, subcommand, TOPIC_ARGUMENT } from './subcommand.js';

function parseReplicas(input: string): number[] {
  if (input.trim() === '') return [];
  return input.split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n < 0)
      throw new UsageError(`--replicas wants broker ids like 2,0,1, got "${input}"`);
    return n;
  });
}

async function report(io: CliIo, results: PartitionResult[], json: boolean): Promise<void> {
  await printJsonOrTable(
    io,
    json,
    results.map((r) => ({ ...r, error: r.error === null ? null : r.error.reasonName })),
    () => [
      ['TOPIC', 'PARTITION', 'RESULT'],
      ...results.map((r) => [
        r.topic,
        r.partition,
        r.error === null ? 'ok' : `${r.error.reasonName}: ${r.error.message}`,
      ]),
    ],
  );
  const failed = results.filter((r) => r.error !== null && r.error.reasonName !== 'ELECTION_NOT_NEEDED');
  if (failed.length > 0) throw new Error(`${failed.length} of ${results.length} partition(s) failed`);
}

function partitionElectCommand(elect: Command, io: CliIo): void {
  partitionOption(elect);
  elect.option(
    '--unclean',
    'elect any live replica for partitions without a leader (may lose acknowledged records)',
    false,
  );
  jsonOption(elect);
  elect.action(
    async (
      topic: string | undefined,
      opts: { partition?: number; unclean: boolean; json: boolean },
      command: Command,
    ) => {
      if (topic === undefined && opts.partition !== undefined)
        throw new UsageError('--partition needs a topic');
      const results = await withClient(command, (t) =>
        t
          .admin()
          .electLeaders(
            opts.unclean ? 'unclean' : 'preferred',
            topic === undefined
              ? []
              : [{ topic, partitions: opts.partition === undefined ? [] : [opts.partition] }],
          ),
      );
      await report(io, results, opts.json);
    },
  );
}

function partitionReassignCommand(reassign: Command, io: CliIo): void {
  partitionOption(reassign, 'the partition', true);
  reassign.requiredOption(
    '-r, --replicas <ids>',
    'target broker ids, comma-separated, e.g. 2,0,1',
    parseReplicas,
  );
  jsonOption(reassign);
  reassign.action(
    async (
      topic: string,
      opts: { partition: number; replicas: number[]; json: boolean },
      command: Command,
    ) => {
      const results = await withClient(command, (t) =>
        t
          .admin()
          .alterPartitionReassignments([{ topic, partition: opts.partition, replicas: opts.replicas }]),
      );
      await report(io, results, opts.json);
    },
  );
}

function partitionReassignmentsCommand(reassignments: Command, io: CliIo): void {
  jsonOption(reassignments);
  reassignments.action(async (topics: string[], opts: { json: boolean }, command: Command) => {
    const ongoing = await withClient(command, (t) => t.admin().listPartitionReassignments(topics));
    await printJsonOrTable(io, opts.json, ongoing, () => [
      ['TOPIC', 'PARTITION', 'REPLICAS', 'ADDING', 'REMOVING'],
      ...ongoing.map((r) => [
        r.topic,
        r.partition,
        r.replicas.join(','),
        r.addingReplicas.join(','),
        r.removingReplicas.join(','),
      ]),
    ]);
  });
}

export function registerPartitionCommand(program: Command, io: CliIo): void {
  const partition = program.command('partition').description('leader elections and partition reassignments');
  partitionElectCommand(
    subcommand(
      partition,
      'elect',
      'move leadership to the preferred replica (or, with --unclean, to any live replica)',
      ['[topic]', 'topic (default: every topic)'],
    ),
    io,
  );
  partitionReassignCommand(
    subcommand(
      partition,
      'reassign',
      'move a partition to a new replica list (preferred leader first); an empty list cancels',
      TOPIC_ARGUMENT,
    ),
    io,
  );
  partitionReassignmentsCommand(
    subcommand(partition, 'reassignments', 'list reassignments in progress', [
      '[topics...]',
      'only these topics',
    ]),
    io,
  );
}
