/**
 * The producer, with the Java client's and KafkaJS's semantics (details in `docs/client-producer.md`).
 *
 *   produce(record) -> partitioner -> buffer reservation (backpressure) -> RecordAccumulator (per-partition
 *   batches closed by batchBytes or lingerMs) -> sender: per leader, one request carrying ready batches
 *   of many partitions (up to maxRequestBytes), written on that broker's ProduceStream, at most
 *   maxInFlightRequests per broker and maxInFlightPerPartition per partition -> per-partition result:
 *   resolve each record's promise with its offset, or retry the batch (retriable errors, backoff with
 *   jitter, metadata refresh), or reject its records with the typed error.
 *
 * Ordering: the broker appends a stream's requests in the order they were written, so batches of a
 * partition land in order however many are in flight. When a request fails retriably (the stream broke, a
 * leader moved), every request behind it on that stream fails too, and the batches go back to their queues
 * in their original order; the partition sends nothing new until its in-flight requests are settled. A
 * batch can still land twice if the broker appended it before the failure (at-least-once; without
 * idempotence). `maxInFlightPerPartition: 1` rules out even the rare case of a later batch
 * succeeding where an earlier one failed.
 *
 * Idempotence (the default with acks all): the producer asks the cluster for a producer id and numbers
 * every partition's batches from 0; a batch keeps its numbers across retries, and the leader writes a
 * batch it has seen once and answers a repeat with the original offsets, so retries never duplicate.
 */
import type { CompressionName } from '../../proto/codec/compression.js';
import { compressionId, type ProducerRecord } from '../../proto/codec/index.js';
import type { TributaryError } from '../../proto/errors.js';
import type { Acks } from '../../proto/generated/tributary/v1/Acks.js';
import type { InitProducerIdResponse__Output } from '../../proto/generated/tributary/v1/InitProducerIdResponse.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { Cluster } from '../cluster.js';
import type { Connection } from '../connection.js';
import { fromServiceError, fromWireError, reasonOf, TributaryClientError } from '../errors.js';
import {
  type AcksMode,
  type BatchSettings,
  estimateRecordBytes,
  type PendingRecord,
  type ProducerBatch,
  RecordAccumulator,
  type RecordMetadata,
  StickyPartitioner,
} from './accumulator.js';
import { aborted, BufferPool } from './buffer-pool.js';
import { type Partitioner, partitionForKey } from './partitioner.js';
import { ProduceSession } from './produce-session.js';
import { backoffMs, isRetriable, type RetryPolicy, shouldRetry } from './retry.js';

export type { AcksMode, RecordMetadata } from './accumulator.js';
export type Compression = CompressionName;

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: ProducerRecord['headers'];
  /** Explicit partition; otherwise the partitioner chooses. */
  partition?: number;
  /** Create time in ms since the epoch; defaults to now. */
  timestamp?: number;
}

export interface ProduceRecord extends Message {
  topic: string;
}

export interface SendRequest {
  topic: string;
  messages: Message[];
  acks?: AcksMode;
  /** How long the broker may wait for acks=all; 0 or absent means the broker default. */
  timeoutMs?: number;
  compression?: Compression;
  signal?: AbortSignal;
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
  /** Custom partitioner for every record without an explicit partition (default: murmur2 + sticky). */
  partitioner?: Partitioner;
  acks?: AcksMode;
  compression?: Compression;
  /** A batch closes at this many (estimated) bytes. */
  batchBytes?: number;
  /** A batch closes this long after its first record. */
  lingerMs?: number;
  /** Upper bound of one Produce request (the batches of many partitions for one leader). */
  maxRequestBytes?: number;
  /** Produce requests in flight per broker (on its ProduceStream). */
  maxInFlightRequests?: number;
  /** Produce requests in flight per partition; order holds for any value (see the class comment). */
  maxInFlightPerPartition?: number;
  /** Total bytes of records buffered and not yet acknowledged; produce() waits when full. */
  bufferBytes?: number;
  /** Re-sends of a batch after a retriable error. */
  retries?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** A record fails when not acknowledged this long after produce() (retries included). */
  deliveryTimeoutMs?: number;
  /** How long the broker may wait for acks=all; 0 means the broker default. */
  timeoutMs?: number;
  /**
   * Idempotent delivery (the default with acks all, as in Kafka's Java client): the producer gets a
   * producer id from the cluster and numbers each partition's batches, so the leader writes a retried
   * batch once. Needs acks 'all' and at most 5 requests in flight per partition.
   */
  idempotent?: boolean;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const PRODUCER_DEFAULTS = {
  acks: 'all' as AcksMode,
  compression: 'none' as Compression,
  batchBytes: 256 * KiB,
  lingerMs: 5,
  maxRequestBytes: 1 * MiB,
  maxInFlightRequests: 5,
  maxInFlightPerPartition: 5,
  bufferBytes: 32 * MiB,
  retries: 5,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  deliveryTimeoutMs: 120_000,
  timeoutMs: 0,
} as const;

/** Sequence numbers are int32 and wrap, as in Kafka. */
const SEQUENCE_MODULO = 2 ** 31;
/** Kafka's limit with idempotence: the broker remembers the last five batches per producer. */
const IDEMPOTENT_MAX_IN_FLIGHT = 5;

const ACKS: Record<AcksMode, Acks> = { none: 'ACKS_NONE', leader: 'ACKS_LEADER', all: 'ACKS_ALL' };
const MAX_MESSAGES_PER_SEND = 1_000_000;

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

interface AdmissionEntry {
  message: ProduceRecord;
  settings: BatchSettings;
  signal: AbortSignal | undefined;
  resolve: (value: { partition: number; result: Promise<RecordMetadata> }) => void;
  reject: (err: unknown) => void;
  /** Resolved, rejected, or aborted while queued. */
  done: boolean;
  /** The listener on `signal`, removed once the entry leaves the queue (a long-lived signal would leak). */
  onAbort: (() => void) | null;
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

function positiveInt(name: string, value: number, min = 1): number {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** Counters of what the sender did, for tests, benchmarks and metrics. */
export interface ProducerStats {
  requests: number;
  batches: number;
  records: number;
  retries: number;
  failedBatches: number;
}

export class Producer {
  readonly options: Required<Omit<ProducerOptions, 'partitioner' | 'idempotent'>>;
  /** Whether batches carry a producer id and sequence numbers (see ProducerOptions.idempotent). */
  readonly idempotent: boolean;
  private producerId = -1;
  private producerEpoch = -1;
  private producerIdRequest: Promise<void> | undefined;
  /** Next sequence number per partition key. */
  private readonly sequences = new Map<string, number>();
  readonly stats: ProducerStats = { requests: 0, batches: 0, records: 0, retries: 0, failedBatches: 0 };
  private readonly partitioner: Partitioner | null;
  private readonly sticky = new StickyPartitioner();
  private readonly pool: BufferPool;
  private readonly accumulator: RecordAccumulator;
  private readonly retryPolicy: RetryPolicy;
  private readonly partitionCounts = new Map<string, number>();
  private readonly inFlight = new Map<number, number>();
  /** Requests in flight per partition key. */
  private readonly partitionInFlight = new Map<string, number>();
  /** Partitions that had a retriable failure: they send nothing new until their in-flight requests settle. */
  private readonly recovering = new Set<string>();
  /** produce() calls waiting for metadata or buffer space, oldest first (see enqueue). */
  private readonly admission = new Fifo<AdmissionEntry>();
  private admitting = false;
  private disconnected = false;
  /** One ProduceStream per broker connection. */
  private readonly sessions = new Map<Connection, ProduceSession>();
  /** Records produced and not yet acknowledged or failed. */
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];
  private draining = false;
  private drainAgain = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAtMs = 0;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
  ) {
    const o = { ...PRODUCER_DEFAULTS, ...stripUndefined(options) };
    delete (o as ProducerOptions).partitioner;
    delete (o as ProducerOptions).idempotent;
    this.idempotent = options.idempotent ?? o.acks === 'all';
    if (this.idempotent && o.acks !== 'all') {
      throw new RangeError(`an idempotent producer needs acks 'all', got '${o.acks}'`);
    }
    if (this.idempotent && o.maxInFlightPerPartition > IDEMPOTENT_MAX_IN_FLIGHT) {
      throw new RangeError(
        `an idempotent producer allows at most ${IDEMPOTENT_MAX_IN_FLIGHT} requests in flight per partition`,
      );
    }
    compressionId(o.compression);
    if (!(o.acks in ACKS)) throw new RangeError(`acks must be none, leader or all, got ${o.acks}`);
    positiveInt('batchBytes', o.batchBytes);
    positiveInt('lingerMs', o.lingerMs, 0);
    positiveInt('maxRequestBytes', o.maxRequestBytes);
    positiveInt('maxInFlightRequests', o.maxInFlightRequests);
    positiveInt('maxInFlightPerPartition', o.maxInFlightPerPartition);
    positiveInt('retries', o.retries, 0);
    positiveInt('retryBackoffMs', o.retryBackoffMs, 0);
    positiveInt('retryBackoffMaxMs', o.retryBackoffMaxMs, 0);
    positiveInt('deliveryTimeoutMs', o.deliveryTimeoutMs);
    positiveInt('timeoutMs', o.timeoutMs, 0);
    this.options = o;
    this.partitioner = options.partitioner ?? null;
    this.pool = new BufferPool(o.bufferBytes);
    this.retryPolicy = o;
    this.accumulator = new RecordAccumulator({
      batchBytes: o.batchBytes,
      lingerMs: o.lingerMs,
      onReady: () => this.kick(),
      onBatchClosed: (topic, partition) =>
        this.sticky.onBatchClosed(topic, partition, this.partitionCounts.get(topic) ?? 1),
    });
  }

  /**
   * Buffers one record; the promise resolves when the broker acknowledged it (with its offset), or
   * rejects with a `TributaryError`. It waits before buffering while the buffer is full (backpressure);
   * `signal` cancels that wait (a record already buffered is not recalled).
   */
  async produce(record: ProduceRecord, options: { signal?: AbortSignal } = {}): Promise<RecordMetadata> {
    return (await this.enqueue(record, this.defaultSettings(), options.signal)).result;
  }

  /** Appends the messages now (no linger); resolves with one ack per partition touched, sorted by partition. */
  async send(request: SendRequest): Promise<PartitionAck[]> {
    if (request.messages.length === 0) return [];
    if (request.messages.length > MAX_MESSAGES_PER_SEND) {
      throw new TributaryClientError('INVALID_REQUEST', `at most ${MAX_MESSAGES_PER_SEND} messages per send`);
    }
    const settings: BatchSettings = {
      acks: request.acks ?? this.options.acks,
      compression: request.compression ?? this.options.compression,
      timeoutMs: request.timeoutMs ?? this.options.timeoutMs,
    };
    compressionId(settings.compression);
    // Buffer every message (in order), then close the touched partitions' batches so they go now.
    const promises: Array<Promise<RecordMetadata>> = [];
    const touched = new Set<number>();
    try {
      for (const message of request.messages) {
        const { partition, result } = await this.enqueue(
          { ...message, topic: request.topic },
          settings,
          request.signal,
        );
        touched.add(partition);
        result.catch(() => {}); // observed below
        promises.push(result);
      }
    } finally {
      for (const partition of touched) this.accumulator.closePartition(request.topic, partition);
    }
    const settled = await Promise.allSettled(promises);
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    const byPartition = new Map<number, PartitionAck>();
    for (const s of settled) {
      const m = (s as PromiseFulfilledResult<RecordMetadata>).value;
      const ack = byPartition.get(m.partition);
      if (ack === undefined) {
        byPartition.set(m.partition, {
          partition: m.partition,
          baseOffset: m.offset,
          lastOffset: m.offset,
          logAppendTimeMs: -1,
        });
      } else {
        ack.baseOffset = Math.min(ack.baseOffset, m.offset);
        ack.lastOffset = Math.max(ack.lastOffset, m.offset);
      }
    }
    return [...byPartition.values()].sort((a, b) => a.partition - b.partition);
  }

  /** Sends everything buffered now; resolves when every record produced so far is acknowledged or failed. */
  async flush(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.accumulator.closeAll();
    if (this.outstanding === 0) return;
    const signal = options.signal;
    if (signal?.aborted === true) throw aborted(signal);
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(aborted(signal!));
      };
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.idleWaiters.push(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Flushes, then refuses further records. The cluster's connections stay open (they are shared). */
  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.closed) return;
    await this.flush(options);
    this.disconnect();
  }

  /**
   * Refuses further records and ends the produce streams now, without flushing: records not yet sent
   * fail with CANCELLED (so no promise and no flush() is left hanging); requests already in flight are
   * still answered by the broker.
   */
  disconnect(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const cancelled = new TributaryClientError('CANCELLED', 'the producer was disconnected', {
      retriable: false,
    });
    for (let entry = this.admission.shift(); entry !== undefined; entry = this.admission.shift()) {
      this.finishAdmission(entry);
      if (!entry.done) {
        entry.done = true;
        this.settled(1);
        entry.reject(cancelled);
      }
    }
    this.pool.rejectAll(cancelled);
    for (const batch of this.accumulator.takeAll()) this.complete(batch, null, cancelled);
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }

  /** Bytes reserved by buffered and in-flight records. */
  get bufferedBytes(): number {
    return this.pool.used;
  }

  private defaultSettings(): BatchSettings {
    return {
      acks: this.options.acks,
      compression: this.options.compression,
      timeoutMs: this.options.timeoutMs,
    };
  }

  /**
   * Partitions and buffers one record, in call order. The record counts as outstanding from the call on,
   * so `flush()` also waits for records still resolving metadata or waiting for buffer space.
   *
   * Order: records must enter their partition's batches in the order produce() was called, as the Java
   * client's blocking send() guarantees. With cached metadata, free buffer space and nobody queued
   * ahead, a record goes in at once (no promise hops on the hot path). Otherwise it joins one FIFO
   * admission queue whose worker waits for metadata and buffer space for the head record only, so a
   * record can never overtake an earlier one (independent waits with jittered backoff would reorder).
   */
  private enqueue(
    message: ProduceRecord,
    settings: BatchSettings,
    signal: AbortSignal | undefined,
  ): Promise<{ partition: number; result: Promise<RecordMetadata> }> {
    if (this.closed) {
      return Promise.reject(
        new TributaryClientError('CANCELLED', 'the producer is closed', { retriable: false }),
      );
    }
    if (signal?.aborted === true) return Promise.reject(aborted(signal));
    this.outstanding++;
    if (this.admission.length === 0) {
      const partition = this.partitionFromCache(message);
      if (partition !== undefined) {
        const record = toRecord(message);
        const bytes = estimateRecordBytes(record);
        if (this.pool.tryReserve(bytes)) {
          return Promise.resolve({
            partition,
            result: this.append(message.topic, partition, settings, record, bytes),
          });
        }
      }
    }
    return new Promise((resolve, reject) => {
      const entry: AdmissionEntry = {
        message,
        settings,
        signal,
        resolve,
        reject,
        done: false,
        onAbort: null,
      };
      // A record aborted while it waits in the queue fails at once and is skipped when its turn comes.
      if (signal !== undefined) {
        entry.onAbort = () => {
          if (entry.done) return;
          entry.done = true;
          this.settled(1);
          reject(aborted(signal));
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.admission.push(entry);
      if (!this.admitting) void this.admit();
    });
  }

  private finishAdmission(entry: AdmissionEntry): void {
    if (entry.onAbort !== null) entry.signal?.removeEventListener('abort', entry.onAbort);
    entry.onAbort = null;
  }

  /** The admission worker: one record at a time, in call order. */
  private async admit(): Promise<void> {
    this.admitting = true;
    try {
      while (this.admission.length > 0) {
        const entry = this.admission.peek()!;
        if (entry.done) {
          this.admission.shift();
          continue;
        }
        let reserved = 0;
        try {
          if (this.closed) {
            throw new TributaryClientError('CANCELLED', 'the producer is closed', { retriable: false });
          }
          const partition =
            this.partitionFromCache(entry.message) ??
            (await this.choosePartition(entry.message, entry.signal));
          const record = toRecord(entry.message);
          const bytes = estimateRecordBytes(record);
          if (!this.pool.tryReserve(bytes)) await this.pool.reserve(bytes, entry.signal);
          reserved = bytes;
          if (this.closed) {
            throw new TributaryClientError('CANCELLED', 'the producer is closed', { retriable: false });
          }
          if (entry.done) throw aborted(entry.signal!);
          this.admission.shift();
          this.finishAdmission(entry);
          entry.done = true;
          entry.resolve({
            partition,
            result: this.append(entry.message.topic, partition, entry.settings, record, bytes),
          });
        } catch (err) {
          if (reserved > 0) this.pool.release(reserved);
          if (this.admission.peek() === entry) this.admission.shift();
          this.finishAdmission(entry);
          if (!entry.done) {
            entry.done = true;
            this.settled(1);
            entry.reject(err);
          }
        }
      }
    } finally {
      this.admitting = false;
    }
  }

  private append(
    topic: string,
    partition: number,
    settings: BatchSettings,
    record: PendingRecord['record'],
    bytes: number,
  ): Promise<RecordMetadata> {
    return new Promise<RecordMetadata>((resolve, reject) => {
      this.accumulator.append(topic, partition, settings, { record, bytes, resolve, reject });
    });
  }

  /** The partition when it can be chosen without waiting: explicit, or from cached metadata. */
  private partitionFromCache(message: ProduceRecord): number | undefined {
    if (message.partition !== undefined) {
      return Number.isInteger(message.partition) && message.partition >= 0 ? message.partition : undefined;
    }
    const count = this.cluster.cachedPartitionCount(message.topic);
    if (count === undefined) return undefined;
    this.partitionCounts.set(message.topic, count);
    const key = keyBytes(message.key);
    if (this.partitioner !== null) return this.partitioner.partition(message.topic, key, count);
    return key === null ? this.sticky.partition(message.topic, count) : partitionForKey(key, count);
  }

  /** `n` records are done (acknowledged, failed, or never buffered); wakes flush() when none are left. */
  private settled(n: number): void {
    this.outstanding -= n;
    if (this.outstanding === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
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
        if (!isRetriable(error) || Date.now() - startedMs >= this.options.deliveryTimeoutMs) throw error;
      }
      if (signal?.aborted === true) throw aborted(signal);
      await sleep(backoffMs(attempt, this.retryPolicy), signal);
    }
  }

  private async choosePartition(message: ProduceRecord, signal: AbortSignal | undefined): Promise<number> {
    const topic = message.topic;
    let partition = message.partition;
    if (partition === undefined) {
      const count = await this.partitionCount(topic, signal);
      this.partitionCounts.set(topic, count);
      const key = keyBytes(message.key);
      if (this.partitioner !== null) partition = this.partitioner.partition(topic, key, count);
      else partition = key === null ? this.sticky.partition(topic, count) : partitionForKey(key, count);
    }
    if (!Number.isInteger(partition) || partition < 0) {
      throw new TributaryClientError(
        'UNKNOWN_PARTITION',
        `invalid partition ${partition} for topic "${topic}"`,
      );
    }
    return partition;
  }

  // ------------------------------------------------------------------------------------------ sender

  /** Runs the drain loop soon; coalesces bursts of ready batches into one pass. */
  private kick(): void {
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    queueMicrotask(() => {
      void this.drain().finally(() => {
        this.draining = false;
        if (this.drainAgain) {
          this.drainAgain = false;
          this.kick();
        }
      });
    });
  }

  /**
   * One pass: for each partition whose head batch may go (backoff elapsed), find its leader; per leader
   * with a free in-flight slot, take head batches of its partitions with the same acks and timeout up to
   * maxRequestBytes, and send them as one request.
   */
  private async drain(): Promise<void> {
    if (this.disconnected) return;
    if (this.idempotent && this.producerId < 0 && this.accumulator.readyQueues().size > 0) {
      try {
        await this.initProducerId();
      } catch {
        // Unreachable cluster or no controller yet: try again shortly (delivery timeouts still apply).
        this.retryAt(Date.now() + this.options.retryBackoffMs);
        return;
      }
    }
    const now = Date.now();
    let earliestRetryMs = Number.POSITIVE_INFINITY;
    const byLeader = new Map<number, { connection: Connection; keys: string[] }>();
    for (const [key, queue] of [...this.accumulator.readyQueues()]) {
      const head = queue[0];
      if (head === undefined || !this.maySend(key)) continue;
      if (head.notBeforeMs > now) {
        earliestRetryMs = Math.min(earliestRetryMs, head.notBeforeMs);
        continue;
      }
      let leader: { brokerId: number; connection: Connection };
      try {
        leader = await this.cluster.leaderFor(head.topic, head.partition);
      } catch (err) {
        const batch = this.accumulator.shift(key);
        if (batch !== undefined) this.handleFailure(batch, fromServiceError(err), undefined);
        continue;
      }
      let entry = byLeader.get(leader.brokerId);
      if (entry === undefined) {
        entry = { connection: leader.connection, keys: [] };
        byLeader.set(leader.brokerId, entry);
      }
      entry.keys.push(key);
    }
    for (const [brokerId, { connection, keys }] of byLeader) {
      while ((this.inFlight.get(brokerId) ?? 0) < this.options.maxInFlightRequests) {
        const batches = this.takeRequest(keys);
        if (batches.length === 0) break;
        this.inFlight.set(brokerId, (this.inFlight.get(brokerId) ?? 0) + 1);
        const keysSent = [...new Set(batches.map((b) => b.key))];
        for (const k of keysSent) this.partitionInFlight.set(k, (this.partitionInFlight.get(k) ?? 0) + 1);
        void this.sendRequest(brokerId, connection, batches).finally(() => {
          for (const k of keysSent) {
            const left = (this.partitionInFlight.get(k) ?? 1) - 1;
            if (left > 0) this.partitionInFlight.set(k, left);
            else {
              this.partitionInFlight.delete(k);
              this.recovering.delete(k);
            }
          }
          this.inFlight.set(brokerId, (this.inFlight.get(brokerId) ?? 1) - 1);
          this.kick();
        });
      }
    }
    if (Number.isFinite(earliestRetryMs)) this.retryAt(earliestRetryMs);
  }

  /** Runs the drain loop again at `atMs` (an earlier pending wake-up wins). */
  private retryAt(atMs: number): void {
    if (this.retryTimer !== null && this.retryAtMs <= atMs) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryAtMs = atMs;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.kick();
      },
      Math.max(1, atMs - Date.now()),
    );
  }

  /** Gets this producer's id and epoch from the cluster, once (concurrent callers share the request). */
  private initProducerId(): Promise<void> {
    this.producerIdRequest ??= this.cluster.connection
      .unary<InitProducerIdResponse__Output>((md, opts, cb) =>
        this.cluster.connection.client.InitProducerId({}, md, opts, cb),
      )
      .then((res) => {
        this.producerId = Number(res.producer_id);
        this.producerEpoch = res.producer_epoch;
      })
      .finally(() => {
        this.producerIdRequest = undefined;
      });
    return this.producerIdRequest;
  }

  /**
   * After a numbered batch failed for good, its sequence numbers may be missing at the broker, and later
   * batches of the partition would be refused as out of order: start over with a new producer id, and
   * re-number the batches that were never sent. Batches already sent keep their bytes (the broker may
   * hold them) and fail or succeed under the old id.
   */
  private resetProducerId(): void {
    this.producerId = -1;
    this.producerEpoch = -1;
    this.sequences.clear();
    for (const queue of this.accumulator.readyQueues().values()) {
      for (const b of queue) if (b.attempts === 0) b.encoded = null;
    }
    this.kick();
  }

  /** Encodes a batch for sending; an idempotent producer numbers it at its first encoding. */
  private encodeBatch(batch: ProducerBatch): Buffer {
    if (!this.idempotent || batch.encoded !== null) return batch.encode();
    const baseSequence = this.sequences.get(batch.key) ?? 0;
    const encoded = batch.encode({
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence,
    });
    this.sequences.set(batch.key, (baseSequence + batch.records.length) % SEQUENCE_MODULO);
    return encoded;
  }

  /** Whether a partition may put another request in flight. */
  private maySend(key: string): boolean {
    const inFlight = this.partitionInFlight.get(key) ?? 0;
    if (this.recovering.has(key)) return inFlight === 0;
    return inFlight < this.options.maxInFlightPerPartition;
  }

  /**
   * Ready batches of the given partitions, oldest first per partition, sharing settings, up to
   * maxRequestBytes (at least one batch). Several batches of one partition travel together, concatenated.
   */
  /** Whether an earlier batch of the same partition is still unacknowledged (queued for a retry or in flight). */
  private earlierPending(batch: ProducerBatch): boolean {
    const queue = this.accumulator.readyQueues().get(batch.key) ?? [];
    return queue.some((b) => b.seq < batch.seq) || (this.partitionInFlight.get(batch.key) ?? 0) > 1;
  }

  private takeRequest(keys: string[]): ProducerBatch[] {
    const queues = this.accumulator.readyQueues();
    const now = Date.now();
    const taken: ProducerBatch[] = [];
    // The producer id was dropped (a batch failed for good) and not fetched again yet: nothing may be
    // numbered now; the next drain fetches a new id first.
    if (this.idempotent && this.producerId < 0) return taken;
    let bytes = 0;
    for (const key of keys) {
      if (!this.maySend(key)) continue;
      for (;;) {
        const head = queues.get(key)?.[0];
        if (head === undefined || head.notBeforeMs > now) break;
        const first = taken[0];
        if (
          first !== undefined &&
          (first.settings.acks !== head.settings.acks || first.settings.timeoutMs !== head.settings.timeoutMs)
        ) {
          break;
        }
        // Idempotent: one batch per partition per request, so a retried (duplicate) batch travels alone.
        if (this.idempotent && taken.some((b) => b.key === key)) break;
        let encoded: Buffer;
        try {
          encoded = this.encodeBatch(head);
        } catch (err) {
          this.accumulator.shift(key);
          this.handleFailure(head, fromServiceError(err), undefined);
          continue;
        }
        if (taken.length > 0 && bytes + encoded.length > this.options.maxRequestBytes) break;
        this.accumulator.shift(key);
        taken.push(head);
        bytes += encoded.length;
      }
    }
    return taken;
  }

  private session(connection: Connection): ProduceSession {
    let session = this.sessions.get(connection);
    if (session === undefined) {
      session = new ProduceSession(connection);
      this.sessions.set(connection, session);
    }
    return session;
  }

  private async sendRequest(
    brokerId: number,
    connection: Connection,
    batches: ProducerBatch[],
  ): Promise<void> {
    const settings = batches[0]!.settings;
    // Batches of one partition are concatenated into one entry, in order (the broker refuses duplicates).
    const byPartition = new Map<string, ProducerBatch[]>();
    for (const batch of batches) {
      batch.attempts++;
      const list = byPartition.get(batch.key);
      if (list === undefined) byPartition.set(batch.key, [batch]);
      else list.push(batch);
    }
    const topics = new Map<string, Array<{ partition: number; batches: Buffer }>>();
    for (const list of byPartition.values()) {
      const { topic, partition } = list[0]!;
      let entries = topics.get(topic);
      if (entries === undefined) {
        entries = [];
        topics.set(topic, entries);
      }
      const bytes = list.length === 1 ? list[0]!.encode() : Buffer.concat(list.map((b) => b.encode()));
      entries.push({ partition, batches: bytes });
    }
    this.stats.requests++;
    let response: ProduceResponse__Output;
    try {
      response = await this.session(connection).send(
        {
          acks: ACKS[settings.acks],
          timeout_ms: settings.timeoutMs,
          topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
        },
        connection.requestTimeoutMs + settings.timeoutMs,
      );
    } catch (err) {
      const error = fromServiceError(err);
      for (const batch of batches) this.handleFailure(batch, error, brokerId);
      return;
    }
    const answers = new Map<string, ProduceResponse__Output['topics'][number]['partitions'][number]>();
    for (const t of response.topics)
      for (const p of t.partitions) answers.set(`${t.topic}\u0000${p.partition}`, p);
    for (const [key, list] of byPartition) {
      const answer = answers.get(key);
      const error =
        answer === undefined
          ? new TributaryClientError(
              'INTERNAL',
              `the broker did not answer for ${list[0]!.topic}[${list[0]!.partition}]`,
            )
          : fromWireError(answer.error);
      if (error !== null) {
        for (const batch of list) this.handleFailure(batch, error, brokerId);
        continue;
      }
      const appendTimeMs = Number(answer!.log_append_time_ms);
      let offset = settings.acks === 'none' ? -1 : Number(answer!.base_offset);
      for (const batch of list) {
        const base = offset;
        this.complete(batch, (record, i) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: base < 0 ? -1 : base + i,
          timestamp: appendTimeMs >= 0 ? appendTimeMs : record.record.timestamp,
        }));
        if (offset >= 0) offset += batch.records.length;
      }
    }
  }

  private handleFailure(batch: ProducerBatch, cause: TributaryError, brokerId: number | undefined): void {
    let error = cause;
    // A sequence gap behind an earlier batch of the partition that is still being retried is that batch's
    // doing, not a loss: retry once it went through (as Kafka's Java client does).
    if (this.idempotent && reasonOf(error) === 'OUT_OF_ORDER_SEQUENCE_NUMBER' && this.earlierPending(batch)) {
      error = new TributaryClientError('OUT_OF_ORDER_SEQUENCE_NUMBER', error.message, {
        retriable: true,
        cause: error,
      });
    }
    batch.lastError = error;
    this.cluster.invalidateFor(reasonOf(error), batch.topic, brokerId);
    const now = Date.now();
    if (!this.disconnected && shouldRetry(error, batch.attempts, batch.createdMs, now, this.retryPolicy)) {
      this.stats.retries++;
      this.recovering.add(batch.key);
      batch.notBeforeMs = now + backoffMs(batch.attempts - 1, this.retryPolicy);
      this.accumulator.retry(batch);
      this.kick();
      return;
    }
    this.stats.failedBatches++;
    if (this.idempotent && batch.encoded !== null) this.resetProducerId();
    const failure =
      error instanceof TributaryClientError
        ? new TributaryClientError(error.reasonName, `${batch.topic}[${batch.partition}]: ${error.message}`, {
            code: error.code,
            retriable: error.retriable,
            cause: error,
          })
        : error;
    this.complete(batch, null, failure);
  }

  private complete(
    batch: ProducerBatch,
    metadata: ((record: PendingRecord, index: number) => RecordMetadata) | null,
    error?: TributaryError,
  ): void {
    let bytes = 0;
    batch.records.forEach((record, i) => {
      bytes += record.bytes;
      if (metadata !== null) record.resolve(metadata(record, i));
      else record.reject(error!);
    });
    if (metadata !== null) {
      this.stats.batches++;
      this.stats.records += batch.records.length;
    }
    this.pool.release(bytes);
    this.settled(batch.records.length);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(aborted(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
