/**
 * The sender (Kafka's Sender): drains the accumulator's ready batches to the partitions' leaders.
 *
 * One pass (`drain`): for each partition whose head batch may go (backoff elapsed, a free in-flight
 * slot), find its leader; per leader with a free request slot, take head batches of its partitions with
 * the same acks and timeout up to maxRequestBytes and send them as one request on that broker's
 * ProduceStream. Each partition's answer resolves the batch's records with their offsets, retries the
 * batch (retriable errors: backoff with jitter, metadata refresh, the partition sends nothing new until
 * its in-flight requests settle), or fails it with the typed error.
 *
 * A request in flight to a leader that the metadata shows replaced is given up for the partitions that
 * moved, and their batches are sent again to the new leader (`LeaderWatch`, leader-watch.ts).
 *
 * The sender owns its in-flight accounting, the streams and the retry timer. It tells the producer what
 * happened through `SenderCallbacks` only: a batch is done (`completed`), retried (`retrying`) or failed
 * for good (`failed`), or a background request failed (`backgroundError`).
 */
import type { TributaryError } from '../../proto/errors.js';
import type { ProduceResponse__Output } from '../../proto/generated/tributary/v1/ProduceResponse.js';
import type { Cluster, PartitionLeader } from '../cluster.js';
import type { Connection } from '../connection.js';
import { fromServiceError, fromWireError, reasonOf, TributaryClientError } from '../errors.js';
import {
  type PendingRecord,
  type ProducerBatch,
  partitionKey,
  type RecordAccumulator,
  type RecordMetadata,
} from './accumulator.js';
import type { ProducerIdentity } from './idempotence.js';
import { type InFlightRequest, LeaderWatch } from './leader-watch.js';
import { ACKS, type ProducerSettings } from './options.js';
import { ProduceSession } from './produce-session.js';
import { backoffMs, shouldRetry } from './retry.js';

/** Counters of what the sender did, for tests, benchmarks and metrics. */
export interface ProducerStats {
  requests: number;
  batches: number;
  records: number;
  retries: number;
  failedBatches: number;
}

export interface SenderCallbacks {
  /** The batch's records are settled (resolved or rejected): `bytes` of buffer go back. */
  completed(records: number, bytes: number): void;
  /** The batch goes back to its queue, to be sent again after `delayMs`. */
  retrying(batch: ProducerBatch, error: TributaryError, delayMs: number): void;
  /** The batch failed for good with `error` (its records are rejected with it). */
  failed(batch: ProducerBatch, error: TributaryError): void;
  /** A background request failed and will be tried again (e.g. the producer id). */
  backgroundError(context: string, error: TributaryError): void;
}

type PartitionAnswer = ProduceResponse__Output['topics'][number]['partitions'][number];

/** The partitions of one leader that may send now, with the leader epoch the metadata showed. */
interface LeaderEntry {
  connection: Connection;
  keys: string[];
  epochs: Map<string, number>;
}

export class Sender {
  readonly stats: ProducerStats = { requests: 0, batches: 0, records: 0, retries: 0, failedBatches: 0 };
  /** Requests in flight per broker. */
  private readonly inFlight = new Map<number, number>();
  /** Requests in flight per partition key. */
  private readonly partitionInFlight = new Map<string, number>();
  /** Partitions that had a retriable failure: they send nothing new until their in-flight requests settle. */
  private readonly recovering = new Set<string>();
  /** One ProduceStream per broker connection. */
  private readonly sessions = new Map<Connection, ProduceSession>();
  private draining = false;
  private drainAgain = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryAtMs = 0;
  private stopped = false;
  private readonly leaderWatch: LeaderWatch;

  constructor(
    private readonly cluster: Cluster,
    private readonly accumulator: RecordAccumulator,
    /** Present when the producer is idempotent. */
    private readonly identity: ProducerIdentity | null,
    private readonly settings: ProducerSettings,
    private readonly callbacks: SenderCallbacks,
  ) {
    this.leaderWatch = new LeaderWatch(cluster, (request, key) => this.abandon(request, key));
  }

  /** Runs the drain loop soon; coalesces bursts of ready batches into one pass. */
  kick(): void {
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
   * Sends nothing more: no retry, no new request; ends the streams (requests in flight are still
   * answered by the broker). The producer fails what is still buffered.
   */
  stop(): void {
    this.stopped = true;
    this.leaderWatch.stop();
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const session of this.sessions.values()) session.close();
    this.sessions.clear();
  }

  /** Settles a batch that never reached the sender's hands (disconnect): its records fail with `error`. */
  fail(batch: ProducerBatch, error: TributaryError): void {
    this.complete(batch, null, error);
  }

  private async drain(): Promise<void> {
    if (this.stopped) return;
    if (this.identity !== null && !this.identity.ready && this.accumulator.readyQueues().size > 0) {
      try {
        await this.identity.init();
      } catch (err) {
        // Unreachable cluster or no controller yet: try again shortly (delivery timeouts still apply).
        this.callbacks.backgroundError('producer-id', fromServiceError(err));
        this.retryAt(Date.now() + this.settings.retryBackoffMs);
        return;
      }
    }
    const byLeader = await this.groupByLeader();
    for (const [brokerId, { connection, keys, epochs }] of byLeader) {
      while ((this.inFlight.get(brokerId) ?? 0) < this.settings.maxInFlightRequests) {
        const batches = this.takeRequest(keys);
        if (batches.length === 0) break;
        this.track(brokerId, batches, connection, epochs);
      }
    }
  }

  /**
   * The partitions whose head batch may go now, by leader. Arms the retry timer for the earliest head
   * still in backoff; a partition whose leader cannot be found fails its head batch (retried as usual).
   */
  private async groupByLeader(): Promise<Map<number, LeaderEntry>> {
    const now = Date.now();
    let earliestRetryMs = Number.POSITIVE_INFINITY;
    const byLeader = new Map<number, LeaderEntry>();
    for (const [key, queue] of [...this.accumulator.readyQueues()]) {
      const head = queue[0];
      if (head === undefined || !this.maySend(key)) continue;
      if (head.notBeforeMs > now) {
        earliestRetryMs = Math.min(earliestRetryMs, head.notBeforeMs);
        continue;
      }
      let leader: PartitionLeader;
      try {
        leader = await this.cluster.leaderFor(head.topic, head.partition);
      } catch (err) {
        const batch = this.accumulator.shift(key);
        if (batch !== undefined) this.handleFailure(batch, fromServiceError(err), undefined);
        continue;
      }
      let entry = byLeader.get(leader.brokerId);
      if (entry === undefined) {
        entry = { connection: leader.connection, keys: [], epochs: new Map() };
        byLeader.set(leader.brokerId, entry);
      }
      entry.keys.push(key);
      entry.epochs.set(key, leader.leaderEpoch);
    }
    if (Number.isFinite(earliestRetryMs)) this.retryAt(earliestRetryMs);
    return byLeader;
  }

  /**
   * Counts a request in flight (per broker and per partition) until it settles, then drains again. A
   * partition abandoned meanwhile (its leader changed) was released already.
   */
  private track(
    brokerId: number,
    batches: ProducerBatch[],
    connection: Connection,
    epochs: ReadonlyMap<string, number>,
  ): void {
    this.inFlight.set(brokerId, (this.inFlight.get(brokerId) ?? 0) + 1);
    // Batches of one partition are concatenated into one entry, in order (the broker refuses duplicates).
    const byPartition = new Map<string, ProducerBatch[]>();
    for (const batch of batches) {
      const list = byPartition.get(batch.key);
      if (list === undefined) byPartition.set(batch.key, [batch]);
      else list.push(batch);
    }
    for (const k of byPartition.keys())
      this.partitionInFlight.set(k, (this.partitionInFlight.get(k) ?? 0) + 1);
    const request: InFlightRequest = {
      brokerId,
      sentMs: Date.now(),
      byPartition,
      leaderEpochs: new Map([...byPartition.keys()].map((k) => [k, epochs.get(k) ?? -1])),
      abandoned: new Set(),
    };
    this.leaderWatch.add(request);
    void this.sendRequest(connection, request).finally(() => {
      this.leaderWatch.settled(request);
      for (const k of byPartition.keys()) if (!request.abandoned.has(k)) this.releasePartition(k);
      this.inFlight.set(brokerId, (this.inFlight.get(brokerId) ?? 1) - 1);
      this.kick();
    });
  }

  private releasePartition(key: string): void {
    const left = (this.partitionInFlight.get(key) ?? 1) - 1;
    if (left > 0) this.partitionInFlight.set(key, left);
    else {
      this.partitionInFlight.delete(key);
      this.recovering.delete(key);
    }
  }

  /**
   * The leader of `key` changed while `request` was in flight to the old one: its batches go back to
   * the front of their queue and are sent to the new leader (same sequence numbers when idempotent); the
   * old request's answer for them, if it ever comes, is ignored. The outcome of the old send is unknown.
   */
  private abandon(request: InFlightRequest, key: string): void {
    if (this.stopped || request.abandoned.has(key)) return;
    const batches = request.byPartition.get(key)!;
    request.abandoned.add(key);
    this.releasePartition(key);
    const { topic, partition } = batches[0]!;
    const error = new TributaryClientError(
      'OUTCOME_UNKNOWN',
      `the leader of ${topic}[${partition}] changed while a request was in flight to broker ${request.brokerId}`,
      { retriable: true },
    );
    // The watch refreshed this topic's metadata just now: no invalidation (it would fetch it again per batch).
    for (const batch of batches) this.handleFailure(batch, error, undefined, { metadataFresh: true });
  }

  /** Runs the drain loop again at `atMs` (an earlier pending wake-up wins). */
  private retryAt(atMs: number): void {
    if (this.stopped) return;
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

  /** Whether a partition may put another request in flight. */
  private maySend(key: string): boolean {
    const inFlight = this.partitionInFlight.get(key) ?? 0;
    if (this.recovering.has(key)) return inFlight === 0;
    return inFlight < this.settings.maxInFlightPerPartition;
  }

  /** Whether an earlier batch of the same partition is still unacknowledged (queued for a retry or in flight). */
  private earlierPending(batch: ProducerBatch): boolean {
    const queue = this.accumulator.readyQueues().get(batch.key) ?? [];
    return queue.some((b) => b.seq < batch.seq) || (this.partitionInFlight.get(batch.key) ?? 0) > 1;
  }

  /** Encodes a batch for sending; an idempotent producer numbers it at its first encoding. */
  private encode(batch: ProducerBatch): Buffer {
    return this.identity === null ? batch.encode() : this.identity.encode(batch);
  }

  /**
   * Ready batches of the given partitions, oldest first per partition, sharing settings, up to
   * maxRequestBytes (at least one batch). Several batches of one partition travel together, concatenated.
   */
  private takeRequest(keys: string[]): ProducerBatch[] {
    const taken: ProducerBatch[] = [];
    // The producer id was dropped (a batch failed for good) and not fetched again yet: nothing may be
    // numbered now; the next drain fetches a new id first.
    if (this.identity !== null && !this.identity.ready) return taken;
    const queues = this.accumulator.readyQueues();
    const now = Date.now();
    let bytes = 0;
    for (const key of keys) {
      if (!this.maySend(key)) continue;
      let takenForKey = false;
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
        if (this.identity !== null && takenForKey) break;
        let encoded: Buffer;
        try {
          encoded = this.encode(head);
        } catch (err) {
          this.accumulator.shift(key);
          this.handleFailure(head, fromServiceError(err), undefined);
          continue;
        }
        if (taken.length > 0 && bytes + encoded.length > this.settings.maxRequestBytes) break;
        this.accumulator.shift(key);
        taken.push(head);
        takenForKey = true;
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

  private async sendRequest(connection: Connection, request: InFlightRequest): Promise<void> {
    const { brokerId, byPartition } = request;
    const settings = [...byPartition.values()][0]![0]!.settings;
    for (const list of byPartition.values()) for (const batch of list) batch.attempts++;
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
      for (const [key, list] of byPartition) {
        if (request.abandoned.has(key)) continue;
        for (const batch of list) this.handleFailure(batch, error, brokerId);
      }
      return;
    }
    this.settleResponse(response, request);
  }

  /** Resolves or fails each partition's batches by the response's answer for that partition. */
  private settleResponse(response: ProduceResponse__Output, request: InFlightRequest): void {
    const { brokerId, byPartition } = request;
    const answers = new Map<string, PartitionAnswer>();
    for (const t of response.topics)
      for (const p of t.partitions) answers.set(partitionKey(t.topic, p.partition), p);
    for (const [key, list] of byPartition) {
      if (request.abandoned.has(key)) continue;
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
      let offset = list[0]!.settings.acks === 'none' ? -1 : Number(answer!.base_offset);
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

  private handleFailure(
    batch: ProducerBatch,
    cause: TributaryError,
    brokerId: number | undefined,
    options: { metadataFresh?: boolean } = {},
  ): void {
    let error = cause;
    // A sequence gap behind an earlier batch of the partition that is still being retried is that batch's
    // doing, not a loss: retry once it went through (as Kafka's Java client does).
    if (
      this.identity !== null &&
      reasonOf(error) === 'OUT_OF_ORDER_SEQUENCE_NUMBER' &&
      this.earlierPending(batch)
    ) {
      error = new TributaryClientError('OUT_OF_ORDER_SEQUENCE_NUMBER', error.message, {
        retriable: true,
        cause: error,
      });
    }
    batch.lastError = error;
    if (options.metadataFresh !== true) this.cluster.invalidateFor(reasonOf(error), batch.topic, brokerId);
    const now = Date.now();
    if (!this.stopped && shouldRetry(error, batch.attempts, batch.createdMs, now, this.settings)) {
      this.stats.retries++;
      this.recovering.add(batch.key);
      const delayMs = backoffMs(batch.attempts - 1, this.settings);
      batch.notBeforeMs = now + delayMs;
      this.accumulator.retry(batch);
      this.callbacks.retrying(batch, error, delayMs);
      this.kick();
      return;
    }
    this.stats.failedBatches++;
    if (this.identity !== null && batch.encoded !== null) {
      this.identity.reset(this.unsentBatches());
      this.kick();
    }
    const failure =
      error instanceof TributaryClientError
        ? new TributaryClientError(error.reasonName, `${batch.topic}[${batch.partition}]: ${error.message}`, {
            code: error.code,
            retriable: error.retriable,
            cause: error,
          })
        : error;
    this.callbacks.failed(batch, failure);
    this.complete(batch, null, failure);
  }

  private *unsentBatches(): Iterable<ProducerBatch> {
    for (const queue of this.accumulator.readyQueues().values()) yield* queue;
  }

  private complete(
    batch: ProducerBatch,
    metadata: ((record: PendingRecord, index: number) => RecordMetadata) | null,
    error?: TributaryError,
  ): void {
    // The batch's creation context (tracing) ends with it: base offset and count, or the error.
    const first = batch.records[0];
    batch.creation?.settle(
      metadata === null || first === undefined
        ? undefined
        : { offset: metadata(first, 0).offset, records: batch.records.length },
      error,
    );
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
    this.callbacks.completed(batch.records.length, bytes);
  }
}
