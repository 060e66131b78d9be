/** `tributary offsets <topic>`: earliest and latest offset per partition, and optionally the offset at a time. */
import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import {
  jsonOption,
  partitionOption,
  printJsonOrTable,
  subcommand,
  TOPIC_ARGUMENT,
  timeOption,
} from './subcommand.js';

interface OffsetsOptions {
  partition?: number;
  time?: number;
  json: boolean;
}

export interface OffsetsRow {
  partition: number;
  earliest: number;
  latest: number;
  /** With --time: the first offset at or after the time, -1 if none. */
  atTime?: number;
}

export function registerOffsetsCommand(program: Command, io: CliIo): void {
  const offsets = subcommand(
    program,
    'offsets',
    'show the earliest and latest offset of each partition',
    TOPIC_ARGUMENT,
  );
  partitionOption(offsets);
  timeOption(offsets, '-t, --time <time>', 'also show the first offset at or after');
  jsonOption(offsets).action(async (topic: string, opts: OffsetsOptions, command: Command) => {
    const rows = await withClient(command, async (tributary): Promise<OffsetsRow[]> => {
      const admin = tributary.admin();
      const partitions = opts.partition === undefined ? undefined : [opts.partition];
      const [earliest, latest, atTime] = await Promise.all([
        admin.listOffsets(topic, 'earliest', partitions),
        admin.listOffsets(topic, 'latest', partitions),
        opts.time === undefined
          ? Promise.resolve(undefined)
          : admin.listOffsets(topic, { timestamp: opts.time }, partitions),
      ]);
      return earliest.map((e) => {
        const l = latest.find((x) => x.partition === e.partition);
        const t = atTime?.find((x) => x.partition === e.partition);
        const error = e.error ?? l?.error ?? t?.error ?? null;
        if (error !== null) throw error;
        const row: OffsetsRow = { partition: e.partition, earliest: e.offset, latest: l?.offset ?? -1 };
        if (t !== undefined) row.atTime = t.offset;
        return row;
      });
    });
    await printJsonOrTable(io, opts.json, rows, () => [
      opts.time === undefined
        ? ['PARTITION', 'EARLIEST', 'LATEST']
        : ['PARTITION', 'EARLIEST', 'LATEST', 'AT-TIME'],
      ...rows.map((r) =>
        r.atTime === undefined
          ? [r.partition, r.earliest, r.latest]
          : [r.partition, r.earliest, r.latest, r.atTime],
      ),
    ]);
  });
}
