/**
 * `tributary produce <topic>`: one record per input line, from stdin or --file.
 *
 * Lines are sent in requests of at most --batch-lines lines or --batch-bytes bytes, one request in flight,
 * so order is kept per partition and memory stays bounded however long the input is.
 */
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import type { AcksMode, Message } from '../../client/index.js';
import type { CliIo } from '../context.js';
import { withClient } from '../context.js';
import { collectKeyValue, parseNonNegativeInt, parsePositiveInt, UsageError, writeLine } from '../output.js';

interface ProduceOptions {
  file?: string;
  keySeparator?: string;
  header: Array<[string, string]>;
  partition?: number;
  acks: AcksMode;
  compression: 'none' | 'gzip';
  batchLines: number;
  batchBytes: number;
  timeoutMs?: number;
}

/** Turns a line into a message: the key is what comes before the first separator. */
export function lineToMessage(
  line: string,
  lineNumber: number,
  opts: Pick<ProduceOptions, 'keySeparator' | 'header' | 'partition'>,
): Message {
  const message: Message = { value: line };
  if (opts.keySeparator !== undefined) {
    const at = line.indexOf(opts.keySeparator);
    if (at < 0) throw new UsageError(`line ${lineNumber}: no key separator "${opts.keySeparator}" found`);
    message.key = line.slice(0, at);
    message.value = line.slice(at + opts.keySeparator.length);
  }
  if (opts.header.length > 0) message.headers = opts.header.map(([key, value]) => ({ key, value }));
  if (opts.partition !== undefined) message.partition = opts.partition;
  return message;
}

/** Per-partition offset ranges of everything produced, for the summary line. */
export class ProduceSummary {
  records = 0;
  requests = 0;
  readonly partitions = new Map<number, { first: number; last: number }>();

  add(acks: Array<{ partition: number; baseOffset: number; lastOffset: number }>, records: number): void {
    this.records += records;
    this.requests += 1;
    for (const ack of acks) {
      const seen = this.partitions.get(ack.partition);
      if (seen === undefined)
        this.partitions.set(ack.partition, { first: ack.baseOffset, last: ack.lastOffset });
      else seen.last = Math.max(seen.last, ack.lastOffset);
    }
  }

  format(topic: string): string {
    const parts = [...this.partitions.entries()]
      .sort(([a], [b]) => a - b)
      .map(([p, r]) => (r.first < 0 ? `${p}` : `${p}@${r.first}-${r.last}`));
    const where = parts.length === 0 ? '' : ` (partition@offsets: ${parts.join(' ')})`;
    return `produced ${this.records} records to "${topic}" in ${this.requests} requests${where}`;
  }
}

export function registerProduceCommand(program: Command, io: CliIo): void {
  program
    .command('produce')
    .description('produce one record per line of stdin (or --file)')
    .argument('<topic>', 'topic name')
    .option('-f, --file <path>', 'read lines from this file instead of stdin')
    .option('-k, --key-separator <sep>', 'split each line into key and value at the first <sep>')
    .option('-H, --header <key=value>', 'add a header to every record, repeatable', collectKeyValue, [])
    .option('-p, --partition <n>', 'write every record to this partition', parseNonNegativeInt)
    .addOption(
      new Option('--acks <mode>', 'acknowledgement to wait for')
        .choices(['none', 'leader', 'all'])
        .default('all'),
    )
    .addOption(
      new Option('--compression <codec>', 'batch compression').choices(['none', 'gzip']).default('none'),
    )
    .option('--batch-lines <n>', 'most lines per request', parsePositiveInt, 1000)
    .option('--batch-bytes <n>', 'most bytes per request', parsePositiveInt, 1024 * 1024)
    .option('--timeout-ms <n>', 'how long the broker may wait for acks=all', parseNonNegativeInt)
    .action(async (topic: string, opts: ProduceOptions, command: Command) => {
      if (opts.keySeparator === '') throw new UsageError('--key-separator must not be empty');
      // Opened up front so a missing file is a clear error, not a stream error inside readline.
      const input = opts.file === undefined ? io.stdin : (await open(opts.file, 'r')).createReadStream();
      const summary = new ProduceSummary();
      await withClient(command, async (tributary) => {
        const producer = tributary.producer({ acks: opts.acks, compression: opts.compression });
        let batch: Message[] = [];
        let batchBytes = 0;
        const flush = async (): Promise<void> => {
          if (batch.length === 0) return;
          const sent = batch;
          batch = [];
          batchBytes = 0;
          const send = {
            topic,
            messages: sent,
            ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
          };
          summary.add(await producer.send(send), sent.length);
        };
        const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
        let lineNumber = 0;
        try {
          for await (const line of lines) {
            lineNumber += 1;
            const bytes = Buffer.byteLength(line, 'utf8');
            if (
              batch.length > 0 &&
              (batch.length >= opts.batchLines || batchBytes + bytes > opts.batchBytes)
            ) {
              await flush();
            }
            batch.push(lineToMessage(line, lineNumber, opts));
            batchBytes += bytes;
          }
          await flush();
          await producer.close();
        } finally {
          lines.close();
        }
      });
      await writeLine(io.stderr, summary.format(topic));
    });
}
