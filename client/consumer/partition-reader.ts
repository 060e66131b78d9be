/**
 * One-shot reads, for tools (the CLI's `tributary consume`) and tests: no assignment, no group, no shared
 * prefetch buffer. `tributary.reader()` gives one; a consuming application uses `Consumer` instead.
 *
 * - `consume` is one Subscribe stream of one partition that ends at the high watermark seen when it
 *   started, unless `follow`. Leaving the iteration (break, return, a throw) or aborting `signal`
 *   cancels the stream at once, so the broker stops sending and forgets it.
 * - `consumeTopic` interleaves several partitions' `consume`; leaving it cancels every stream.
 * - `fetch` is one Fetch request of one partition.
 *
 * Both are pulls: each record `consume` hands over, and each `fetch`, gets a `receive <topic>` span
 * linked to the records' creation contexts (client/tracing.ts), once an SDK is registered.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import { decodeReadableBatches } from '../../proto/codec/index.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { SubscribeResponse__Output } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import type { Cluster } from '../cluster.js';
import { fromServiceError, fromWireError, TributaryClientError } from '../errors.js';
import { ClientTracing } from '../tracing.js';
import { mergeAsyncIterables } from './merge.js';
import { StartOffsets } from './start-offsets.js';
import type { Record, StartFrom } from './types.js';

export interface ConsumeOptions {
  topic: string;
  partition: number;
  /** Default 'earliest'. */
  from?: StartFrom;
  /** Keep tailing new records; otherwise stop at the high watermark. Default false. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Largest message the broker streams; 0 or absent means the broker default (1 MiB). */
  maxBytes?: number;
}

export interface FetchOptions {
  topic: string;
  partition: number;
  offset: number;
  /** Upper bound for this partition's bytes; 0 or absent means the broker default. */
  maxBytes?: number;
  /** Long-poll up to this long for `minBytes`; default 0 (answer at once). */
  maxWaitMs?: number;
  minBytes?: number;
}

export interface FetchResult {
  records: Record[];
  highWatermark: number;
  logStartOffset: number;
  /** Where the next fetch should start. */
  nextOffset: number;
}

/** Resolves a start position; the default knows every `from` but 'committed' (which needs a group). */
export type StartResolver = (topic: string, partition: number, from: StartFrom) => Promise<number>;

export class PartitionReader {
  private readonly offsets: StartOffsets;
  private readonly start: StartResolver;
  private readonly tracing: ClientTracing;

  constructor(
    private readonly cluster: Cluster,
    options: { start?: StartResolver; offsets?: StartOffsets; tracing?: ClientTracing } = {},
  ) {
    this.tracing = options.tracing ?? new ClientTracing(undefined);
    this.offsets = options.offsets ?? new StartOffsets(cluster);
    this.start =
      options.start ??
      (async (topic, partition, from) => {
        if (from === 'committed') {
          throw new TributaryClientError(
            'INVALID_REQUEST',
            'committed offsets need a consumer created with a groupId',
            { retriable: false },
          );
        }
        return this.offsets.resolve(topic, partition, from);
      });
  }

  /** Records of one partition from `from` on, in offset order. */
  async *consume(options: ConsumeOptions): AsyncGenerator<Record, void, undefined> {
    const { topic, partition, signal } = options;
    const follow = options.follow ?? false;
    if (signal?.aborted) return;
    const [start, end] = await Promise.all([
      this.start(topic, partition, options.from ?? 'earliest'),
      follow ? Promise.resolve(Number.POSITIVE_INFINITY) : this.offsets.offset(topic, partition, 'latest'),
    ]);
    if (!follow && start >= end) return;
    const { connection } = await this.cluster.leaderFor(topic, partition);
    // Checked after the last await: from here on an abort reaches the listener below.
    if (signal?.aborted) return;
    const call: ClientReadableStream<SubscribeResponse__Output> = connection.client.Subscribe({
      topic,
      partition,
      offset: String(start),
      max_bytes: options.maxBytes ?? 0,
      format: 'RECORD_FORMAT_BATCHES',
    });
    // The iterator has its own error listener; this one keeps the CANCELLED our own cancel() causes
    // from counting as unhandled.
    call.on('error', () => {});
    const onAbort = (): void => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let next = start;
    // A record that arrives with its message waited for it since the pull began; the rest were buffered.
    let pulledMs = this.tracing.pullStarted();
    try {
      for await (const message of call as AsyncIterable<SubscribeResponse__Output>) {
        const decoded = decodeReadableBatches(message.batches);
        for (const record of decoded.records) {
          if (record.offset < next) continue;
          next = record.offset + 1;
          const handed = { ...record, topic, partition };
          this.tracing.receivedOne(handed, undefined, pulledMs);
          pulledMs = undefined;
          yield handed;
        }
        pulledMs = this.tracing.pullStarted();
        // The good records before an undecodable batch were yielded; now the batch's error.
        if (decoded.error !== undefined) throw decoded.error;
        const nextOffset = Number(message.next_offset);
        if (nextOffset > next) next = nextOffset;
        if (!follow && (next >= end || next >= Number(message.high_watermark))) return;
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw fromServiceError(err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      call.cancel();
    }
  }

  /**
   * Records of several partitions of a topic (all when `partitions` is absent), interleaved as they
   * arrive; offset order holds within each partition.
   */
  async *consumeTopic(
    options: Omit<ConsumeOptions, 'partition'> & { partitions?: number[] },
  ): AsyncGenerator<Record, void, undefined> {
    const { partitions, signal, ...rest } = options;
    const which = partitions ?? (await this.cluster.topic(options.topic)).partitions.map((p) => p.partition);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    if (signal?.aborted) return;
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      yield* mergeAsyncIterables(
        which.map((partition) => this.consume({ ...rest, partition, signal: controller.signal })),
        { onClose: onAbort },
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  /** One Fetch of one partition; records before `offset` are dropped. */
  async fetch(options: FetchOptions): Promise<FetchResult> {
    const { topic, partition, offset } = options;
    const pulledMs = this.tracing.pullStarted();
    const { connection } = await this.cluster.leaderFor(topic, partition);
    const maxWaitMs = options.maxWaitMs ?? 0;
    const maxBytes = options.maxBytes ?? 0;
    const response = await connection.unary<FetchResponse__Output>(
      (md, opts, cb) =>
        connection.client.Fetch(
          {
            max_wait_ms: maxWaitMs,
            min_bytes: options.minBytes ?? 1,
            max_bytes: maxBytes,
            format: 'RECORD_FORMAT_BATCHES',
            topics: [
              { topic, partitions: [{ partition, fetch_offset: String(offset), max_bytes: maxBytes }] },
            ],
          },
          md,
          opts,
          cb,
        ),
      { timeoutMs: connection.requestTimeoutMs + maxWaitMs },
    );
    const p = response.topics
      .find((t) => t.topic === topic)
      ?.partitions.find((x) => x.partition === partition);
    if (p === undefined) {
      throw new TributaryClientError('UNKNOWN_PARTITION', `no fetch result for ${topic}[${partition}]`);
    }
    const error = fromWireError(p.error);
    if (error !== null) {
      this.cluster.invalidateFor(error.reasonName, topic, undefined);
      throw error;
    }
    const records: Record[] = [];
    let nextOffset = offset;
    const decoded = decodeReadableBatches(p.batches);
    for (const record of decoded.records) {
      if (record.offset < offset) continue;
      records.push({ ...record, topic, partition });
      nextOffset = record.offset + 1;
    }
    // Records before an undecodable batch are answered; a fetch that starts at it reports its error.
    if (decoded.error !== undefined && records.length === 0) throw fromServiceError(decoded.error);
    this.tracing.received(topic, partition, records, undefined, pulledMs);
    return {
      records,
      highWatermark: Number(p.high_watermark),
      logStartOffset: Number(p.log_start_offset),
      nextOffset,
    };
  }
}
