/** `tributary group list|describe|reset-offsets|delete`: consumer groups' committed offsets and lag. */
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { formatTable, parseNonNegativeInt, parseTimestamp, UsageError, writeLine } from '../output.js';

interface ResetOptions {
  topic: string;
  partition?: number;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  toTime?: number;
  json: boolean;
}

export function registerGroupCommand(program: Command, io: CliIo): void {
  const group = program.command('group').description("consumer groups' committed offsets and lag");
  group
    .command('list')
    .description('list groups with committed offsets')
    .option('--json', 'print JSON', false)
    .action(async (opts: { json: boolean }, command: Command) => {
      const groups = await withClient(command, (t) => t.admin().listGroups());
      await writeLine(io.stdout, opts.json ? JSON.stringify(groups) : groups.join('\n'));
    });
  group
    .command('describe')
    .description('committed offset, log end and lag of every partition the group committed')
    .argument('<group>', 'group id')
    .option('--json', 'print JSON', false)
    .action(async (groupId: string, opts: { json: boolean }, command: Command) => {
      const rows = await withClient(command, (t) => t.admin().describeGroup(groupId));
      if (opts.json) {
        await writeLine(io.stdout, JSON.stringify(rows));
        return;
      }
      const total = rows.reduce((sum, r) => sum + Math.max(0, r.lag), 0);
      await writeLine(
        io.stdout,
        `${formatTable([
          ['TOPIC', 'PARTITION', 'COMMITTED', 'LOG-END', 'LAG', 'METADATA'],
          ...rows.map((r) => [r.topic, r.partition, r.offset, r.logEndOffset, r.lag, r.metadata]),
        ])}\nTotal lag: ${total}`,
      );
    });
  group
    .command('reset-offsets')
    .description("set the group's offsets for a topic (stop its consumers first)")
    .argument('<group>', 'group id')
    .requiredOption('-t, --topic <topic>', 'the topic')
    .option('-p, --partition <n>', 'only this partition', parseNonNegativeInt)
    .option('--to-earliest', 'the first offset still in each partition')
    .option('--to-latest', 'the end of each partition (skip everything)')
    .option('--to-offset <n>', 'this offset', parseNonNegativeInt)
    .option('--to-time <time>', 'the first offset at or after this ISO-8601 time or epoch ms', parseTimestamp)
    .option('--json', 'print JSON', false)
    .action(async (groupId: string, opts: ResetOptions, command: Command) => {
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
      await writeLine(
        io.stdout,
        opts.json
          ? JSON.stringify(set)
          : formatTable([
              ['TOPIC', 'PARTITION', 'NEW-OFFSET'],
              ...set.map((o) => [o.topic, o.partition, o.offset]),
            ]),
      );
    });
  group
    .command('delete')
    .description('remove every committed offset of the group')
    .argument('<group>', 'group id')
    .action(async (groupId: string, _opts: object, command: Command) => {
      const n = await withClient(command, (t) => t.admin().deleteGroup(groupId));
      await writeLine(io.stdout, `deleted ${n} committed offset(s) of group "${groupId}"`);
    });
}
