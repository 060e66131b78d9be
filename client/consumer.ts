/**
 * The consumer: reads one partition as an async iterable over the server-streaming Subscribe RPC, or
 * one chunk at a time over Fetch.
 *
 * The start position is resolved client-side with ListOffsets (a timestamp with no record at or after it
 * means "the end"), and Subscribe starts at that exact offset. Batches are decoded here, not on the broker;
 * a batch may begin before the requested offset, so earlier records are skipped. Without `follow`, the
 * iteration ends once it reaches the high watermark seen when it started (or the one the stream reports,
 * if lower); with `follow` it runs until `signal` aborts or the caller breaks, and either cancels the call.
 * Consumer groups (a later issue) build on `consume`.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import type { ConsumedRecord } from '../proto/codec/index.js';
import { decodeBatches } from '../proto/codec/index.js';
import type { FetchResponse__Output } from '../proto/generated/tributary/v1/FetchResponse.js';
import type { SubscribeResponse__Output } from '../proto/generated/tributary/v1/SubscribeResponse.js';
import type { Cluster } from './cluster.js';
import { fromServiceError, fromWireError, TributaryClientError } from './errors.js';
import { mergeAsyncIterables } from './merge.js';
import { partitionOffset } from './offsets.js';

export type StartFrom = 'earliest' | 'latest' | { offset: number } | { timestamp: number };

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

/** A record with where it came from. */
export type Record = ConsumedRecord & { topic: string; partition: number };

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

export class Consumer {
  constructor(private readonly cluster: Cluster) {}

  /** Records of one partition from `from` on, in offset order. */
  async *consume(options: ConsumeOptions): AsyncGenerator<Record, void, undefined> {
    const { topic, partition, signal } = options;
    const follow = options.follow ?? false;
    if (signal?.aborted) return;
    const connection = this.cluster.connection;
    const [start, end] = await Promise.all([
      this.resolveStart(topic, partition, options.from ?? 'earliest'),
      follow ? Promise.resolve(Number.POSITIVE_INFINITY) : this.offset(topic, partition, 'latest'),
    ]);
    if (!follow && start >= end) return;
    if (signal?.aborted) return;

    const call: ClientReadableStream<SubscribeResponse__Output> = connection.client.Subscribe({
      topic,
      partition,
      offset: String(start),
      max_bytes: options.maxBytes ?? 0,
      format: 'RECORD_FORMAT_BATCHES',
    });
    // The iterator has its own error listener; this one keeps a late CANCELLED from being unhandled.
    call.on('error', () => {});
    const onAbort = (): void => call.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    let next = start;
    try {
      for await (const message of call as AsyncIterable<SubscribeResponse__Output>) {
        for (const record of decodeBatches(message.batches)) {
          if (record.offset < next) continue;
          next = record.offset + 1;
          yield { ...record, topic, partition };
        }
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
    const connection = this.cluster.connection;
    const maxWaitMs = options.maxWaitMs ?? 0;
    const response = await connection.unary<FetchResponse__Output>(
      (md, opts, cb) =>
        connection.client.Fetch(
          {
            max_wait_ms: maxWaitMs,
            min_bytes: options.minBytes ?? 1,
            max_bytes: options.maxBytes ?? 0,
            format: 'RECORD_FORMAT_BATCHES',
            topics: [
              {
                topic,
                partitions: [{ partition, fetch_offset: String(offset), max_bytes: options.maxBytes ?? 0 }],
              },
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
      if (error.reasonName === 'UNKNOWN_TOPIC' || error.reasonName === 'NOT_LEADER')
        this.cluster.invalidate(topic);
      throw error;
    }
    const records: Record[] = [];
    let nextOffset = offset;
    for (const record of decodeBatches(p.batches)) {
      if (record.offset < offset) continue;
      records.push({ ...record, topic, partition });
      nextOffset = record.offset + 1;
    }
    return {
      records,
      highWatermark: Number(p.high_watermark),
      logStartOffset: Number(p.log_start_offset),
      nextOffset,
    };
  }

  private async resolveStart(topic: string, partition: number, from: StartFrom): Promise<number> {
    if (from === 'earliest' || from === 'latest') return this.offset(topic, partition, from);
    if ('offset' in from) {
      if (!Number.isSafeInteger(from.offset) || from.offset < 0) {
        throw new TributaryClientError('OFFSET_OUT_OF_RANGE', `invalid start offset ${from.offset}`);
      }
      return from.offset;
    }
    const found = await partitionOffset(this.cluster.connection, topic, partition, {
      timestamp: from.timestamp,
    });
    return found.offset >= 0 ? found.offset : this.offset(topic, partition, 'latest');
  }

  private async offset(topic: string, partition: number, spec: 'earliest' | 'latest'): Promise<number> {
    return (await partitionOffset(this.cluster.connection, topic, partition, spec)).offset;
  }
}
