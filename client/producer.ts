/**
 * The producer: groups a send's messages by partition (explicit, or the partitioner over cached
 * metadata), encodes one RecordBatch v2 per partition client-side, and appends them all with one Produce
 * call. Partitions that fail with a retriable reason (NOT_LEADER, TOO_MANY_REQUESTS, ...) are re-sent,
 * alone, up to `retries` times with exponential backoff; metadata is refreshed first when the reason says
 * it is stale. A later issue adds linger-based batching and idempotence on top of `sendBatch`.
 */
import type { ProducerRecord } from '../proto/codec/index.js';
import { encodeRecordBatch } from '../proto/codec/index.js';
import type { Acks } from '../proto/generated/tributary/v1/Acks.js';
import type { ProduceResponse__Output } from '../proto/generated/tributary/v1/ProduceResponse.js';
import { type Cluster, STALE_METADATA_REASONS } from './cluster.js';
import { fromWireError, TributaryClientError } from './errors.js';
import { DefaultPartitioner, type Partitioner } from './partitioner.js';

export type AcksMode = 'none' | 'leader' | 'all';
export type Compression = 'none' | 'gzip';

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: ProducerRecord['headers'];
  /** Explicit partition; otherwise the partitioner chooses. */
  partition?: number;
  /** Create time in ms since the epoch; defaults to now. */
  timestamp?: number;
}

export interface SendRequest {
  topic: string;
  messages: Message[];
  acks?: AcksMode;
  /** How long the broker may wait for acks=all; 0 or absent means the broker default. */
  timeoutMs?: number;
  compression?: Compression;
}

export interface PartitionAck {
  partition: number;
  /** First offset written; -1 with acks 'none'. */
  baseOffset: number;
  /** Last offset written; -1 with acks 'none'. */
  lastOffset: number;
  /** The broker's append time for LogAppendTime topics, else -1. */
  logAppendTimeMs: number;
}

export interface ProducerOptions {
  partitioner?: Partitioner;
  acks?: AcksMode;
  compression?: Compression;
  /** Re-sends of a partition after a retriable error. */
  retries?: number;
  retryBackoffMs?: number;
}

const ACKS: Record<AcksMode, Acks> = { none: 'ACKS_NONE', leader: 'ACKS_LEADER', all: 'ACKS_ALL' };
const MAX_MESSAGES_PER_SEND = 1_000_000;
const MAX_RETRY_BACKOFF_MS = 5_000;

function keyBytes(key: Buffer | string | null | undefined): Buffer | null {
  if (key === null || key === undefined) return null;
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

export class Producer {
  private readonly partitioner: Partitioner;
  private readonly acks: AcksMode;
  private readonly compression: Compression;
  private readonly retries: number;
  private readonly retryBackoffMs: number;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
  ) {
    this.partitioner = options.partitioner ?? new DefaultPartitioner();
    this.acks = options.acks ?? 'all';
    this.compression = options.compression ?? 'none';
    this.retries = options.retries ?? 3;
    this.retryBackoffMs = options.retryBackoffMs ?? 100;
  }

  /** Appends the messages; resolves with one ack per partition touched, sorted by partition. */
  async send(request: SendRequest): Promise<PartitionAck[]> {
    if (request.messages.length === 0) return [];
    if (request.messages.length > MAX_MESSAGES_PER_SEND) {
      throw new TributaryClientError('INVALID_REQUEST', `at most ${MAX_MESSAGES_PER_SEND} messages per send`);
    }
    const byPartition = await this.assign(request.topic, request.messages);
    const acks = request.acks ?? this.acks;
    const compression = request.compression ?? this.compression;
    const nowMs = Date.now();
    let pending = new Map<number, Buffer>();
    for (const [partition, records] of byPartition) {
      pending.set(partition, encodeRecordBatch(records, { compression, nowMs }));
    }
    const results = new Map<number, PartitionAck>();
    for (let attempt = 0; ; attempt++) {
      const failures = await this.produce(request.topic, pending, acks, request.timeoutMs, results);
      if (failures.size === 0) break;
      const retriable = [...failures.values()].every((e) => e.retriable);
      const first = [...failures.entries()][0]!;
      if (!retriable || attempt >= this.retries) {
        const [partition, error] = first;
        throw new TributaryClientError(error.reasonName, `${request.topic}[${partition}]: ${error.message}`, {
          code: error.code,
          retriable: error.retriable,
          cause: error,
        });
      }
      await sleep(Math.min(this.retryBackoffMs * 2 ** attempt, MAX_RETRY_BACKOFF_MS));
      const next = new Map<number, Buffer>();
      for (const partition of failures.keys()) next.set(partition, pending.get(partition)!);
      pending = next;
    }
    return [...results.values()].sort((a, b) => a.partition - b.partition);
  }

  /** Groups messages by partition, keeping their order within each partition. */
  private async assign(topic: string, messages: Message[]): Promise<Map<number, ProducerRecord[]>> {
    const needsMetadata = messages.some((m) => m.partition === undefined);
    const numPartitions = needsMetadata ? await this.cluster.partitionCount(topic) : 0;
    const byPartition = new Map<number, ProducerRecord[]>();
    for (const message of messages) {
      const partition =
        message.partition ?? this.partitioner.partition(topic, keyBytes(message.key), numPartitions);
      if (!Number.isInteger(partition) || partition < 0) {
        throw new TributaryClientError(
          'UNKNOWN_PARTITION',
          `invalid partition ${partition} for topic "${topic}"`,
        );
      }
      const record: ProducerRecord = { key: message.key ?? null, value: message.value };
      if (message.headers !== undefined) record.headers = message.headers;
      if (message.timestamp !== undefined) record.timestamp = message.timestamp;
      let list = byPartition.get(partition);
      if (list === undefined) {
        list = [];
        byPartition.set(partition, list);
      }
      list.push(record);
    }
    return byPartition;
  }

  /** One Produce call; fills `results` with successes and returns the per-partition failures. */
  private async produce(
    topic: string,
    batches: Map<number, Buffer>,
    acks: AcksMode,
    timeoutMs: number | undefined,
    results: Map<number, PartitionAck>,
  ): Promise<Map<number, TributaryClientError>> {
    const connection = this.cluster.connection;
    const response = await connection.unary<ProduceResponse__Output>(
      (md, opts, cb) =>
        connection.client.Produce(
          {
            acks: ACKS[acks],
            timeout_ms: timeoutMs ?? 0,
            topics: [
              {
                topic,
                partitions: [...batches].map(([partition, bytes]) => ({ partition, batches: bytes })),
              },
            ],
          },
          md,
          opts,
          cb,
        ),
      { timeoutMs: connection.requestTimeoutMs + (timeoutMs ?? 0) },
    );
    const failures = new Map<number, TributaryClientError>();
    const answered = new Set<number>();
    for (const t of response.topics) {
      if (t.topic !== topic) continue;
      for (const p of t.partitions) {
        answered.add(p.partition);
        const error = fromWireError(p.error);
        if (error !== null) {
          if (STALE_METADATA_REASONS.has(error.reasonName)) this.cluster.invalidate(topic);
          failures.set(p.partition, error);
          continue;
        }
        results.set(p.partition, {
          partition: p.partition,
          baseOffset: Number(p.base_offset),
          lastOffset: Number(p.last_offset),
          logAppendTimeMs: Number(p.log_append_time_ms),
        });
      }
    }
    for (const partition of batches.keys()) {
      if (!answered.has(partition)) {
        failures.set(
          partition,
          new TributaryClientError('INTERNAL', `the broker did not answer for ${topic}[${partition}]`),
        );
      }
    }
    return failures;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
