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
 *
 * Parts, one file each: `admission.ts` (call order, partition choice, buffer space), `accumulator.ts`
 * (batches), `sender.ts` (requests and retries; it reports back through callbacks), `idempotence.ts`
 * (producer id and sequence numbers), `buffer-pool.ts`, `retry.ts`, `produce-session.ts`. What the
 * producer handles itself (a retry, a batch that failed for good) is logged and emitted (`on(...)`).
 */
import type { Span } from '@opentelemetry/api';
import { compressionId } from '../../proto/codec/index.js';
import type { TributaryError } from '../../proto/errors.js';
import type { Cluster } from '../cluster.js';
import { TributaryClientError } from '../errors.js';
import { ClientEvents, type ProducerEvents } from '../events.js';
import { type Logger, NOOP_LOGGER } from '../logger.js';
import { ClientTracing, hasTraceHeaders } from '../tracing.js';
import {
  type BatchSettings,
  type PendingRecord,
  type ProducerBatch,
  RecordAccumulator,
  type RecordMetadata,
} from './accumulator.js';
import { AdmissionQueue, type Admitted, PartitionChooser } from './admission.js';
import { aborted, BufferPool } from './buffer-pool.js';
import { ProducerIdentity } from './idempotence.js';
import {
  type Message,
  type PartitionAck,
  type ProduceRecord,
  type ProducerOptions,
  type ProducerSettings,
  resolveProducerOptions,
  type SendRequest,
} from './options.js';
import { type ProducerStats, Sender } from './sender.js';

export type { AcksMode, RecordMetadata } from './accumulator.js';
export {
  type Compression,
  type Message,
  type PartitionAck,
  PRODUCER_DEFAULTS,
  type ProduceRecord,
  type ProducerOptions,
  type SendRequest,
} from './options.js';
export type { ProducerStats } from './sender.js';

const MAX_MESSAGES_PER_SEND = 1_000_000;

export class Producer {
  readonly options: ProducerSettings;
  /** Whether batches carry a producer id and sequence numbers (see ProducerOptions.idempotent). */
  readonly idempotent: boolean;
  private readonly logger: Logger;
  private readonly events: ClientEvents<ProducerEvents>;
  private readonly pool: BufferPool;
  private readonly accumulator: RecordAccumulator;
  private readonly admission: AdmissionQueue;
  private readonly sender: Sender;
  private readonly tracing: ClientTracing;
  /** Records produced and not yet acknowledged or failed. */
  private outstanding = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private disconnected = false;

  constructor(cluster: Cluster, options: ProducerOptions = {}) {
    const { settings, idempotent } = resolveProducerOptions(options);
    this.options = settings;
    this.idempotent = idempotent;
    this.logger = options.logger ?? NOOP_LOGGER;
    this.tracing = new ClientTracing(options.clientId);
    this.events = new ClientEvents<ProducerEvents>(this.logger, 'producer');
    this.pool = new BufferPool(settings.bufferBytes);
    const chooser = new PartitionChooser(cluster, options.partitioner ?? null, settings);
    this.accumulator = new RecordAccumulator({
      batchBytes: settings.batchBytes,
      lingerMs: settings.lingerMs,
      creations: {
        needs: (record) => !hasTraceHeaders(record.headers),
        open: (topic, partition) => this.tracing.openBatch(topic, partition),
      },
      onReady: () => this.sender.kick(),
      onBatchClosed: (topic, partition) => chooser.onBatchClosed(topic, partition),
    });
    this.admission = new AdmissionQueue(chooser, this.pool, {
      closed: () => this.closed,
      append: (topic, partition, batchSettings, record, bytes) =>
        this.append(topic, partition, batchSettings, record, bytes),
      settled: (n) => this.settled(n),
    });
    const identity = idempotent ? new ProducerIdentity(() => cluster.connection) : null;
    this.sender = new Sender(cluster, this.accumulator, identity, settings, {
      completed: (records, bytes) => {
        this.pool.release(bytes);
        this.settled(records);
      },
      retrying: (batch, error, delayMs) => this.onRetry(batch, error, delayMs),
      failed: (batch, error) => {
        this.logger.warn('a batch failed', {
          topic: batch.topic,
          partition: batch.partition,
          error: error.message,
        });
        this.events.emit('error', {
          context: 'batch',
          error,
          topic: batch.topic,
          partition: batch.partition,
        });
      },
      backgroundError: (context, error) => {
        this.logger.warn(`producer: ${context} failed, trying again`, { error: error.message });
        this.events.emit('error', { context, error });
      },
    });
  }

  /** Counters of what the sender did, for tests, benchmarks and metrics. */
  get stats(): ProducerStats {
    return this.sender.stats;
  }

  /** Listens to one of the producer's events (docs/client.md, "Logging and events"); returns the remover. */
  on<K extends keyof ProducerEvents>(name: K, listener: (event: ProducerEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  off<K extends keyof ProducerEvents>(name: K, listener: (event: ProducerEvents[K]) => void): void {
    this.events.off(name, listener);
  }

  /**
   * Buffers one record; the promise resolves when the broker acknowledged it (with its offset), or
   * rejects with a `TributaryError`. It waits before buffering while the buffer is full (backpressure);
   * `signal` cancels that wait (a record already buffered is not recalled).
   */
  async produce(record: ProduceRecord, options: { signal?: AbortSignal } = {}): Promise<RecordMetadata> {
    // Tracing (docs/client.md): a record gets a span of its own only inside a sampled span; otherwise its
    // batch's context is written into it when the batch is encoded (or nothing, unsampled).
    const span = this.tracing.startRecordSend(record.topic);
    if (span === undefined) {
      const plain = hasTraceHeaders(record.headers)
        ? { ...record, headers: this.tracing.withoutTraceHeaders(record.headers!) }
        : record;
      return (await this.enqueue(plain, this.defaultSettings(), options.signal)).result;
    }
    const traced = { ...record, headers: this.tracing.contextHeaders(record.headers, span) };
    const result = this.enqueue(traced, this.defaultSettings(), options.signal).then((a) => a.result);
    this.tracing.endOnAck(span, result);
    return result;
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
    const { messages, span } = this.traceSend(request);
    // Buffer every message (in order), then close the touched partitions' batches so they go now.
    const promises: Array<Promise<RecordMetadata>> = [];
    const touched = new Set<number>();
    try {
      for (const message of messages) {
        const { partition, result } = await this.enqueue(
          { ...message, topic: request.topic },
          settings,
          request.signal,
        );
        touched.add(partition);
        // Observed below, with allSettled; this keeps an early rejection from counting as unhandled.
        result.catch(() => {});
        promises.push(result);
      }
    } finally {
      for (const partition of touched) this.accumulator.closePartition(request.topic, partition);
    }
    const settled = await Promise.allSettled(promises);
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure !== undefined) {
      if (span !== undefined) this.tracing.settle(span, undefined, failure.reason);
      throw (failure as PromiseRejectedResult).reason;
    }
    const metadata = settled.map((s) => (s as PromiseFulfilledResult<RecordMetadata>).value);
    if (span !== undefined) this.tracing.settle(span, metadata.length === 1 ? metadata[0] : undefined);
    return acksByPartition(metadata);
  }

  /**
   * The messages of a send() with trace context in their headers, and the send span (docs/client.md,
   * "Tracing"): one message is created by the send span itself, several each get a `create` span.
   */
  private traceSend(request: SendRequest): { messages: Message[]; span: Span | undefined } {
    const { topic, messages } = request;
    if (messages.length === 1) {
      const span = this.tracing.startCreation('send', topic);
      if (span === undefined) return { messages, span };
      return {
        messages: [{ ...messages[0]!, headers: this.tracing.contextHeaders(messages[0]!.headers, span) }],
        span,
      };
    }
    const created: Span[] = [];
    const traced: Message[] = [];
    for (const message of messages) {
      const create = this.tracing.startCreation('create', topic);
      // Tracing is off (no SDK registered) for all or none of them.
      if (create === undefined) return { messages, span: undefined };
      created.push(create);
      traced.push({ ...message, headers: this.tracing.contextHeaders(message.headers, create) });
    }
    return { messages: traced, span: this.tracing.startBatchSend(topic, created, messages.length) };
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
    this.sender.stop();
    const cancelled = new TributaryClientError('CANCELLED', 'the producer was disconnected', {
      retriable: false,
    });
    this.admission.rejectAll(cancelled);
    this.pool.rejectAll(cancelled);
    for (const batch of this.accumulator.takeAll()) this.sender.fail(batch, cancelled);
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
   * Partitions and buffers one record, in call order (see admission.ts). The record counts as outstanding
   * from the call on, so `flush()` also waits for records still resolving metadata or waiting for space.
   */
  private enqueue(
    message: ProduceRecord,
    settings: BatchSettings,
    signal: AbortSignal | undefined,
  ): Promise<Admitted> {
    if (this.closed) {
      return Promise.reject(
        new TributaryClientError('CANCELLED', 'the producer is closed', { retriable: false }),
      );
    }
    if (signal?.aborted === true) return Promise.reject(aborted(signal));
    this.outstanding++;
    return this.admission.admit(message, settings, signal);
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

  private onRetry(batch: ProducerBatch, error: TributaryError, delayMs: number): void {
    const event = {
      topic: batch.topic,
      partition: batch.partition,
      attempt: batch.attempts,
      delayMs,
      error,
    };
    this.logger.debug('retrying a batch', { ...event, error: error.message });
    this.events.emit('retry', event);
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
}

/** One ack per partition (first and last offset), sorted by partition. */
function acksByPartition(metadata: RecordMetadata[]): PartitionAck[] {
  const byPartition = new Map<number, PartitionAck>();
  for (const m of metadata) {
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
