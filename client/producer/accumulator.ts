/**
 * The record accumulator (Kafka's RecordAccumulator): per-partition batches that close when they reach
 * `batchBytes` or have lingered `lingerMs`, then wait in a per-partition FIFO for the sender.
 *
 * - A batch holds records of one partition that share acks, compression and broker timeout; a record
 *   with other settings closes the open batch first, so order within the partition is kept.
 * - Sizes are estimates of the encoded record (what Kafka calls the "estimated size"); the batch is
 *   encoded once, when it closes.
 * - Closing a batch of a partition that the sticky partitioner chose moves that topic's sticky
 *   partition on (Kafka's KIP-480), so unkeyed records fill one batch at a time.
 * - `retry(batch)` puts a batch back in its partition's queue ahead of every later batch (by creation
 *   order), so batches that fail together are resent in their original order.
 * - Tracing: the first record of a batch that has no creation context of its own opens the batch's
 *   (`creations`, client/tracing.ts); it is written into those records when the batch is encoded, and its
 *   bytes count in the batch's size estimate from then on.
 */

import type { CompressionName } from '../../proto/codec/compression.js';
import { encodeRecordBatch, type ProducerRecord } from '../../proto/codec/index.js';
import type { TributaryError } from '../../proto/errors.js';
import type { BatchCreation } from '../tracing.js';

export type AcksMode = 'none' | 'leader' | 'all';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** The record's offset; -1 with acks 'none'. */
  offset: number;
  /** Create time, or the broker's append time for LogAppendTime topics. */
  timestamp: number;
}

export interface PendingRecord {
  record: ProducerRecord & { timestamp: number };
  bytes: number;
  resolve: (metadata: RecordMetadata) => void;
  reject: (err: TributaryError) => void;
}

export interface BatchSettings {
  acks: AcksMode;
  compression: CompressionName;
  timeoutMs: number;
}

let nextBatchSeq = 0;

export class ProducerBatch {
  /** Creation order; a partition's batches are sent and retried in this order. */
  readonly seq = nextBatchSeq++;
  readonly records: PendingRecord[] = [];
  estimatedBytes = 0;
  encoded: Buffer | null = null;
  /** Sends so far. */
  attempts = 0;
  /** Earliest time of the next send (backoff). */
  notBeforeMs = 0;
  lastError: TributaryError | null = null;
  /** The batch's creation context: undefined until a record needs it, null when tracing gave none. */
  creation: BatchCreation | null | undefined = undefined;

  /** The partition's key (`partitionKey`), computed once: the sender reads it per batch and per pass. */
  readonly key: string;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly settings: BatchSettings,
    readonly createdMs: number,
  ) {
    this.key = partitionKey(topic, partition);
  }

  sameSettings(s: BatchSettings): boolean {
    return (
      s.acks === this.settings.acks &&
      s.compression === this.settings.compression &&
      s.timeoutMs === this.settings.timeoutMs
    );
  }

  /**
   * The batch's bytes, encoded once: a retry sends the same bytes, so an idempotent producer's sequence
   * numbers (`identity`, given at the first encoding) stay those of the first attempt.
   */
  encode(identity?: { producerId: number; producerEpoch: number; baseSequence: number }): Buffer {
    if (this.encoded === null) {
      const creation = this.creation;
      if (creation !== undefined && creation !== null) for (const r of this.records) creation.stamp(r.record);
      this.encoded = encodeRecordBatch(
        this.records.map((r) => r.record),
        identity === undefined
          ? { compression: this.settings.compression }
          : { compression: this.settings.compression, ...identity },
      );
    }
    return this.encoded;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Kafka's estimate of a record's encoded size: lengths plus a fixed overhead for varints. */
export function estimateRecordBytes(record: ProducerRecord): number {
  let bytes = 21 + size(record.key) + size(record.value);
  const headers = record.headers;
  if (headers !== undefined) {
    const list = Array.isArray(headers)
      ? headers
      : Object.entries(headers).map(([key, value]) => ({ key, value }));
    for (const h of list) bytes += 10 + Buffer.byteLength(h.key, 'utf8') + size(h.value);
  }
  return bytes;
}

function size(b: Buffer | string | null | undefined): number {
  if (b === null || b === undefined) return 0;
  return typeof b === 'string' ? Buffer.byteLength(b, 'utf8') : b.length;
}

export interface AccumulatorOptions {
  batchBytes: number;
  lingerMs: number;
  now?: () => number;
  /** Called when a batch becomes ready to send. */
  onReady: () => void;
  /** Called when a batch of a partition closes (for the sticky partitioner). */
  onBatchClosed?: (topic: string, partition: number) => void;
  /** Batches' creation contexts (tracing): which records take one, and how a batch gets its own. */
  creations?: {
    needs: (record: ProducerRecord) => boolean;
    open: (topic: string, partition: number) => BatchCreation | undefined;
  };
}

export class RecordAccumulator {
  private readonly open = new Map<string, { batch: ProducerBatch; timer: NodeJS.Timeout | null }>();
  /** Closed batches per partition, oldest first. */
  private readonly queues = new Map<string, ProducerBatch[]>();
  private readonly now: () => number;

  constructor(private readonly options: AccumulatorOptions) {
    this.now = options.now ?? Date.now;
  }

  append(topic: string, partition: number, settings: BatchSettings, pending: PendingRecord): void {
    const key = partitionKey(topic, partition);
    let entry = this.open.get(key);
    if (
      entry !== undefined &&
      entry.batch.records.length > 0 &&
      (!entry.batch.sameSettings(settings) ||
        entry.batch.estimatedBytes + pending.bytes + (entry.batch.creation?.recordBytes ?? 0) >
          this.options.batchBytes)
    ) {
      this.close(key);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = { batch: new ProducerBatch(topic, partition, settings, this.now()), timer: null };
      this.open.set(key, entry);
      if (this.options.lingerMs > 0) {
        entry.timer = setTimeout(() => this.close(key), this.options.lingerMs);
      }
    }
    const batch = entry.batch;
    let contextBytes = 0;
    const creations = this.options.creations;
    if (creations !== undefined && batch.creation !== null && creations.needs(pending.record)) {
      batch.creation ??= creations.open(topic, partition) ?? null;
      contextBytes = batch.creation?.recordBytes ?? 0;
    }
    batch.records.push(pending);
    batch.estimatedBytes += pending.bytes + contextBytes;
    if (this.options.lingerMs <= 0 || entry.batch.estimatedBytes >= this.options.batchBytes) this.close(key);
  }

  /** Closes every open batch (flush). */
  closeAll(): void {
    for (const key of [...this.open.keys()]) this.close(key);
  }

  /** Closes the open batch of the partitions touched (send() uses this to skip the linger). */
  closePartition(topic: string, partition: number): void {
    this.close(partitionKey(topic, partition));
  }

  /** Partitions with a closed batch waiting, and their queues. */
  readyQueues(): Map<string, ProducerBatch[]> {
    return this.queues;
  }

  /** Takes the head batch of a partition's queue. */
  shift(key: string): ProducerBatch | undefined {
    const queue = this.queues.get(key);
    const batch = queue?.shift();
    if (queue !== undefined && queue.length === 0) this.queues.delete(key);
    return batch;
  }

  /**
   * Puts a batch back in its partition's queue for a retry, before every later batch: when several
   * in-flight batches fail together they return in their original order, whatever order they fail in.
   */
  retry(batch: ProducerBatch): void {
    const queue = this.queues.get(batch.key);
    if (queue === undefined) {
      this.queues.set(batch.key, [batch]);
      return;
    }
    const at = queue.findIndex((b) => b.seq > batch.seq);
    if (at < 0) queue.push(batch);
    else queue.splice(at, 0, batch);
  }

  /** Closes every open batch and takes every queued one, oldest first per partition (disconnect). */
  takeAll(): ProducerBatch[] {
    this.closeAll();
    const all = [...this.queues.values()].flat();
    this.queues.clear();
    return all;
  }

  get openBatches(): number {
    return this.open.size;
  }

  private close(key: string): void {
    const entry = this.open.get(key);
    if (entry === undefined) return;
    this.open.delete(key);
    if (entry.timer !== null) clearTimeout(entry.timer);
    const batch = entry.batch;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = [];
      this.queues.set(key, queue);
    }
    queue.push(batch);
    this.options.onBatchClosed?.(batch.topic, batch.partition);
    this.options.onReady();
  }
}

/**
 * Kafka's sticky partitioner for unkeyed records (KIP-480): all unkeyed records of a topic go to one
 * partition until a batch of that partition closes, then another partition is picked at random
 * (different from the last one when there is a choice).
 */
export class StickyPartitioner {
  private readonly sticky = new Map<string, number>();

  constructor(private readonly random: () => number = Math.random) {}

  partition(topic: string, numPartitions: number): number {
    const current = this.sticky.get(topic);
    if (current !== undefined && current < numPartitions) return current;
    return this.next(topic, numPartitions, current);
  }

  /** A batch of (topic, partition) closed: move on when it was the sticky one. */
  onBatchClosed(topic: string, partition: number, numPartitions: number): void {
    if (this.sticky.get(topic) === partition) this.next(topic, numPartitions, partition);
  }

  private next(topic: string, numPartitions: number, previous: number | undefined): number {
    let p = Math.floor(this.random() * numPartitions);
    if (numPartitions > 1 && p === previous) p = (p + 1) % numPartitions;
    this.sticky.set(topic, p);
    return p;
  }
}
