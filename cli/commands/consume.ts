/**
 * `tributary consume <topic>`: print records of one or all partitions (interleaved), from the latest
 * offset by default (as Kafka's console consumer), or --from-beginning / --offset / --from-time. Without
 * --follow it stops once it has caught up with every partition's high watermark; with --follow it runs
 * until Ctrl-C. Output is flow-controlled: a slow reader slows the streams down instead of filling memory.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { StartFrom } from '../../client/index.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import {
  formatRecord,
  parseNonNegativeInt,
  parsePositiveInt,
  RECORD_FORMATS,
  type RecordFormat,
  UsageError,
  writeLine,
} from '../output.js';
import { partitionOption, subcommand, TOPIC_ARGUMENT, timeOption } from './subcommand.js';

export interface ConsumeOptions {
  partition?: number;
  fromBeginning: boolean;
  offset?: number;
  fromTime?: number;
  follow: boolean;
  maxMessages?: number;
  format: RecordFormat;
  keySeparator: string;
  maxBytes?: number;
}

/** The start position the flags ask for; at most one of them may be given. */
export function startFrom(opts: Pick<ConsumeOptions, 'fromBeginning' | 'offset' | 'fromTime'>): StartFrom {
  const given = [opts.fromBeginning, opts.offset !== undefined, opts.fromTime !== undefined].filter(Boolean);
  if (given.length > 1)
    throw new UsageError('give at most one of --from-beginning, --offset and --from-time');
  if (opts.fromBeginning) return 'earliest';
  if (opts.offset !== undefined) return { offset: opts.offset };
  if (opts.fromTime !== undefined) return { timestamp: opts.fromTime };
  return 'latest';
}

export function registerConsumeCommand(program: Command, io: CliIo): void {
  const consume = subcommand(program, 'consume', 'print records of a topic, one per line', TOPIC_ARGUMENT);
  partitionOption(consume, 'read only this partition (default: all, interleaved)');
  consume
    .option('-b, --from-beginning', 'start at the earliest offset (default: the latest)', false)
    .option('-o, --offset <n>', 'start at this offset (of each partition read)', parseNonNegativeInt);
  timeOption(consume, '-t, --from-time <time>', 'start at the first record at or after');
  consume
    .option('-F, --follow', 'keep waiting for new records (otherwise stop at the end)', false)
    .option('-n, --max-messages <n>', 'stop after this many records', parsePositiveInt)
    .addOption(new Option('--format <format>', 'output format').choices(RECORD_FORMATS).default('value'))
    .option('--key-separator <sep>', 'separator between key and value with --format kv', '\t')
    .option('--max-bytes <n>', 'largest message the broker streams', parsePositiveInt)
    .action(async (topic: string, opts: ConsumeOptions, command: Command) => {
      const from = startFrom(opts);
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // A closed pipe (`| head`) ends the command quietly.
      const onStdoutError = (err: NodeJS.ErrnoException): void => {
        if (err.code === 'EPIPE') stop();
      };
      io.stdout.on('error', onStdoutError);
      try {
        await withClient(command, async (tributary) => {
          const records = tributary.reader().consumeTopic({
            topic,
            ...(opts.partition === undefined ? {} : { partitions: [opts.partition] }),
            from,
            follow: opts.follow,
            signal: controller.signal,
            ...(opts.maxBytes === undefined ? {} : { maxBytes: opts.maxBytes }),
          });
          let printed = 0;
          for await (const record of records) {
            if (controller.signal.aborted) break;
            await writeLine(io.stdout, formatRecord(record, opts.format, opts.keySeparator));
            printed += 1;
            if (opts.maxMessages !== undefined && printed >= opts.maxMessages) break;
          }
        });
      } catch (err) {
        if (!(controller.signal.aborted && (err as NodeJS.ErrnoException).code === 'EPIPE')) throw err;
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stdout.off('error', onStdoutError);
      }
    });
}
