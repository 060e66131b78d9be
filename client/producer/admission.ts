/**
 * The admission queue: partitions and buffers records in the order produce() was called.
 *
 * Order: records must enter their partition's batches in call order, as the Java client's blocking
 * send() guarantees. With cached metadata, free buffer space and nobody queued ahead, a record goes in at
 * once (no promise hops on the hot path). Otherwise it joins one FIFO whose worker waits for metadata
 * and buffer space for the head record only, so a record can never overtake an earlier one (independent
 * waits with jittered backoff would reorder).
 *
 * Partition choice: each record's partition is chosen once. A record chosen on the fast path that then
 * finds the buffer full keeps its partition in the queue (choosing again would advance a round-robin
 * partitioner twice). The choice itself is one function for both paths (`PartitionChooser`).
 *
 * The queue tells its producer through callbacks: `append` (the record is buffered) and `settled` (a
 * record that will never be buffered: aborted, refused, or the producer closed).
 */
import { sleep } from '../../kit/index.js';
import type { Cluster } from '../cluster.js';
import { fromServiceError, TributaryClientError } from '../errors.js';
import {
  type BatchSettings,
  estimateRecordBytes,
  type PendingRecord,
  type RecordMetadata,
  StickyPartitioner,
} from './accumulator.js';
import { aborted, type BufferPool } from './buffer-pool.js';
import type { ProduceRecord } from './options.js';
import { type Partitioner, partitionForKey } from './partitioner.js';
import { backoffMs, isRetriable, type RetryPolicy } from './retry.js';

/** A FIFO queue with O(1) push and shift (Array#shift is O(n), and this queue can hold many records). */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

export interface Admitted {
  partition: number;
  result: Promise<RecordMetadata>;
}

interface AdmissionEntry {
  message: ProduceRecord;
  settings: BatchSettings;
  signal: AbortSignal | undefined;
  /** Chosen on the fast path before the buffer turned out full; otherwise chosen by the worker. */
  partition: number | undefined;
  resolve: (value: Admitted) => void;
  reject: (err: unknown) => void;
  /** Resolved, rejected, or aborted while queued. */
  done: boolean;
  /** The listener on `signal`, removed once the entry leaves the queue (a long-lived signal would leak). */
  onAbort: (() => void) | null;
}

/** Chooses partitions: explicit, the custom partitioner, murmur2 for keys, sticky for the rest. */
export class PartitionChooser {
  readonly sticky = new StickyPartitioner();
  private readonly partitionCounts = new Map<string, number>();

  constructor(
    private readonly cluster: Cluster,
    private readonly partitioner: Partitioner | null,
    private readonly retryPolicy: RetryPolicy,
  ) {}

  /** A batch of the partition closed: the sticky partitioner moves on (KIP-480). */
  onBatchClosed(topic: string, partition: number): void {
    this.sticky.onBatchClosed(topic, partition, this.partitionCounts.get(topic) ?? 1);
  }

  /** The partition when it can be chosen without waiting (explicit, or from cached metadata). */
  cached(message: ProduceRecord): number | undefined {
    if (message.partition !== undefined) {
      return Number.isInteger(message.partition) && message.partition >= 0 ? message.partition : undefined;
    }
    const count = this.cluster.cachedPartitionCount(message.topic);
    return count === undefined ? undefined : this.pick(message, count);
  }

  /** The partition, waiting for metadata if needed; rejects an invalid explicit partition. */
  async choose(message: ProduceRecord, signal: AbortSignal | undefined): Promise<number> {
    const topic = message.topic;
    const partition = message.partition ?? this.pick(message, await this.partitionCount(topic, signal));
    if (!Number.isInteger(partition) || partition < 0) {
      throw new TributaryClientError(
        'UNKNOWN_PARTITION',
        `invalid partition ${partition} for topic "${topic}"`,
      );
    }
    return partition;
  }

  private pick(message: ProduceRecord, count: number): number {
    this.partitionCounts.set(message.topic, count);
    const key = keyBytes(message.key);
    if (this.partitioner !== null) return this.partitioner.partition(message.topic, key, count);
    return key === null ? this.sticky.partition(message.topic, count) : partitionForKey(key, count);
  }

  /**
   * The topic's partition count, waiting through retriable failures (the broker restarting, no leader)
   * with backoff for up to deliveryTimeoutMs, as the Java client waits for metadata (max.block.ms).
   */
  private async partitionCount(topic: string, signal: AbortSignal | undefined): Promise<number> {
    const startedMs = Date.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.cluster.partitionCount(topic);
      } catch (err) {
        const error = fromServiceError(err);
        if (!isRetriable(error) || Date.now() - startedMs >= this.retryPolicy.deliveryTimeoutMs) throw error;
      }
      await sleep(backoffMs(attempt, this.retryPolicy), signal, aborted);
    }
  }
}

export interface AdmissionHost {
  /** Whether the producer refuses records now. */
  closed(): boolean;
  /** Buffers a record whose partition is chosen and whose bytes are reserved. */
  append(
    topic: string,
    partition: number,
    settings: BatchSettings,
    record: PendingRecord['record'],
    bytes: number,
  ): Promise<RecordMetadata>;
  /** `n` records will never be buffered (aborted, refused, or the producer closed). */
  settled(n: number): void;
}

export class AdmissionQueue {
  private readonly queue = new Fifo<AdmissionEntry>();
  private admitting = false;

  constructor(
    private readonly chooser: PartitionChooser,
    private readonly pool: BufferPool,
    private readonly host: AdmissionHost,
  ) {}

  /** Partitions and buffers one record, after every record admitted before it. */
  admit(message: ProduceRecord, settings: BatchSettings, signal: AbortSignal | undefined): Promise<Admitted> {
    let partition: number | undefined;
    if (this.queue.length === 0) {
      partition = this.chooser.cached(message);
      if (partition !== undefined) {
        const record = toRecord(message);
        const bytes = estimateRecordBytes(record);
        if (this.pool.tryReserve(bytes)) {
          return Promise.resolve({
            partition,
            result: this.host.append(message.topic, partition, settings, record, bytes),
          });
        }
      }
    }
    return new Promise((resolve, reject) => {
      const entry: AdmissionEntry = {
        message,
        settings,
        signal,
        partition,
        resolve,
        reject,
        done: false,
        onAbort: null,
      };
      // A record aborted while it waits in the queue fails at once and is skipped when its turn comes.
      if (signal !== undefined) {
        entry.onAbort = () => this.fail(entry, aborted(signal));
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.queue.push(entry);
      if (!this.admitting) void this.work();
    });
  }

  /** Fails every queued record with `error` (the producer is going away). */
  rejectAll(error: unknown): void {
    for (let entry = this.queue.shift(); entry !== undefined; entry = this.queue.shift()) {
      this.release(entry);
      this.fail(entry, error);
    }
  }

  /** The worker: one record at a time, in call order. */
  private async work(): Promise<void> {
    this.admitting = true;
    try {
      while (this.queue.length > 0) {
        const entry = this.queue.peek()!;
        if (entry.done) this.queue.shift();
        else await this.admitHead(entry);
      }
    } finally {
      this.admitting = false;
    }
  }

  private async admitHead(entry: AdmissionEntry): Promise<void> {
    let reserved = 0;
    try {
      this.assertOpen();
      const partition = entry.partition ?? (await this.chooser.choose(entry.message, entry.signal));
      const record = toRecord(entry.message);
      const bytes = estimateRecordBytes(record);
      if (!this.pool.tryReserve(bytes)) await this.pool.reserve(bytes, entry.signal);
      reserved = bytes;
      this.assertOpen();
      if (entry.done) throw aborted(entry.signal!);
      this.queue.shift();
      this.release(entry);
      entry.done = true;
      entry.resolve({
        partition,
        result: this.host.append(entry.message.topic, partition, entry.settings, record, bytes),
      });
    } catch (err) {
      if (reserved > 0) this.pool.release(reserved);
      if (this.queue.peek() === entry) this.queue.shift();
      this.release(entry);
      this.fail(entry, err);
    }
  }

  private assertOpen(): void {
    if (this.host.closed()) {
      throw new TributaryClientError('CANCELLED', 'the producer is closed', { retriable: false });
    }
  }

  private fail(entry: AdmissionEntry, err: unknown): void {
    if (entry.done) return;
    entry.done = true;
    this.host.settled(1);
    entry.reject(err);
  }

  private release(entry: AdmissionEntry): void {
    if (entry.onAbort !== null) entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.onAbort = null;
  }
}

function toRecord(message: ProduceRecord): PendingRecord['record'] {
  const record: PendingRecord['record'] = {
    key: message.key ?? null,
    value: message.value,
    timestamp: message.timestamp ?? Date.now(),
  };
  if (message.headers !== undefined) record.headers = message.headers;
  return record;
}

function keyBytes(key: Buffer | string | null | undefined): Buffer | null {
  if (key === null || key === undefined) return null;
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}
