/** `tributary group list|describe|reset-offsets|delete`: consumer groups' members, committed offsets and lag. */

import type { Command } from 'commander';
import type { Admin } from '../../client/index.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { formatTable, parseNonNegativeInt, UsageError, writeLine } from '../output.js';
import {
  type ArgumentSpec,
  jsonOption,
  partitionOption,
  printJsonOrTable,
  subcommand,
  timeOption,
} from './subcommand.js';

interface ResetOptions {
  topic: string;
  partition?: number;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toTime?: number;
  json: boolean;
}

const GROUP_ARGUMENT: ArgumentSpec = ['<group>', 'group id'];

function groupListCommand(list: Command, io: CliIo): void {
  jsonOption(list).action(async (opts: { json: boolean }, command: Command) => {
    const groups = await withClient(command, (t) => t.admin().listGroups());
    await writeLine(io.stdout, opts.json ? JSON.stringify(groups) : groups.join('\n'));
  });
}

function groupDescribeCommand(describe: Command, io: CliIo): void {
  jsonOption(describe, 'print JSON: { state, groupEpoch, members, partitions }').action(
    async (groupId: string, opts: { json: boolean }, command: Command) => {
      const { members, rows } = await withClient(command, async (t) => {
        const members = await t.admin().describeGroupMembers(groupId);
        // A group whose members have committed nothing yet still has members to show.
        const rows = await t
          .admin()
          .describeGroup(groupId)
          .catch((err: unknown) => {
            if (members.members.length > 0 && (err as { reason?: string }).reason === 'GROUP_ID_NOT_FOUND')
              return [];
            throw err;
          });
        return { members, rows };
      });
      await printGroup(io, groupId, opts.json, members, rows);
    },
  );
}

type GroupMembers = Awaited<ReturnType<Admin['describeGroupMembers']>>;
type GroupOffsets = Awaited<ReturnType<Admin['describeGroup']>>;

/** `group describe`'s output: JSON, or the partition table (with owners) and the member table. */
async function printGroup(
  io: CliIo,
  groupId: string,
  json: boolean,
  members: GroupMembers,
  rows: GroupOffsets,
): Promise<void> {
  const owners = new Map<string, string>();
  for (const m of members.members) {
    for (const t of m.assignment) {
      for (const p of t.partitions) owners.set(`${t.topic}\u0000${p}`, m.instanceId || m.memberId);
    }
  }
  const partitions = rows.map((r) => ({
    ...r,
    owner: owners.get(`${r.topic}\u0000${r.partition}`) ?? '',
  }));
  if (json) {
    await writeLine(
      io.stdout,
      JSON.stringify({
        group: groupId,
        state: members.state,
        groupEpoch: members.groupEpoch,
        members: members.members,
        partitions,
      }),
    );
    return;
  }
  const total = rows.reduce((sum, r) => sum + Math.max(0, r.lag), 0);
  const lines = [
    `Group ${groupId}: ${members.state}, epoch ${members.groupEpoch}, ${members.members.length} member(s)`,
    formatTable([
      ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-END', 'LAG', 'OWNER', 'METADATA'],
      ...partitions.map((r) => [
        r.topic,
        r.partition,
        r.offset,
        r.logEndOffset,
        r.lag,
        r.owner || '-',
        r.metadata,
      ]),
    ]),
    `Total lag: ${total}`,
  ];
  if (members.members.length > 0) {
    const list = (ts: Array<{ topic: string; partitions: number[] }>) =>
      ts.map((t) => `${t.topic}[${t.partitions.join(',')}]`).join(' ') || '-';
    lines.push(
      '',
      formatTable([
        ['MEMBER', 'INSTANCE', 'RACK', 'EPOCH', 'ASSIGNED', 'REVOKING'],
        ...members.members.map((m) => [
          m.memberId,
          m.instanceId || '-',
          m.rack || '-',
          m.memberEpoch,
          list(m.assignment),
          list(m.pendingRevocation),
        ]),
      ]),
    );
  }
  await writeLine(io.stdout, lines.join('\n'));
}

function groupResetOffsetsCommand(reset: Command, io: CliIo): void {
  reset.requiredOption('-t, --topic <topic>', 'the topic');
  partitionOption(reset);
  reset
    .option('--to-earliest', 'the first offset still in each partition')
    .option('--to-latest', 'the end of each partition (skip everything)')
    .option('--to-offset <n>', 'this offset', parseNonNegativeInt);
  timeOption(reset, '--to-time <time>', 'the first offset at or after');
  jsonOption(reset).action(async (groupId: string, opts: ResetOptions, command: Command) => {
    const targets = [
      opts.toEarliest ? ('earliest' as const) : undefined,
      opts.toLatest ? ('latest' as const) : undefined,
      opts.toOffset === undefined ? undefined : { offset: opts.toOffset },
      opts.toTime === undefined ? undefined : { timestamp: opts.toTime },
    ].filter((x) => x !== undefined);
    if (targets.length !== 1) {
      throw new UsageError('give exactly one of --to-earliest, --to-latest, --to-offset, --to-time');
    }
    const partitions = opts.partition === undefined ? undefined : [opts.partition];
    const set = await withClient(command, (t) =>
      t.admin().resetGroupOffsets(groupId, opts.topic, targets[0]!, partitions),
    );
    await printJsonOrTable(io, opts.json, set, () => [
      ['TOPIC', 'PARTITION', 'NEW-OFFSET'],
      ...set.map((o) => [o.topic, o.partition, o.offset]),
    ]);
  });
}

function groupDeleteCommand(remove: Command, io: CliIo): void {
  remove.action(async (groupId: string, _opts: object, command: Command) => {
    const n = await withClient(command, (t) => t.admin().deleteGroup(groupId));
    await writeLine(io.stdout, `deleted ${n} committed offset(s) of group "${groupId}"`);
  });
}

export function registerGroupCommand(program: Command, io: CliIo): void {
  const group = program.command('group').description("consumer groups' committed offsets and lag");
  groupListCommand(subcommand(group, 'list', 'list groups with committed offsets'), io);
  groupDescribeCommand(
    subcommand(
      group,
      'describe',
      "the group's state and members, and committed offset, log end, lag and owner of each partition",
      GROUP_ARGUMENT,
    ),
    io,
  );
  groupResetOffsetsCommand(
    subcommand(
      group,
      'reset-offsets',
      "set the group's offsets for a topic (stop its consumers first)",
      GROUP_ARGUMENT,
    ),
    io,
  );
  groupDeleteCommand(
    subcommand(group, 'delete', 'remove every committed offset of the group', GROUP_ARGUMENT),
    io,
  );
}
