/**
 * The consumer: assigned partitions read over the server-streaming Subscribe RPC, one stream per
 * partition on the partition's leader, into a prefetch buffer bounded by bytes; the application takes
 * records with `for await (const record of consumer)` or `run({ eachRecord | eachBatch })`.
 *
 * Start positions are resolved with ListOffsets when assigned (a time with no record at or after it means
 * the end), so `position()` is exact from the start. Batches are decoded here, not on the broker. The
 * buffer holds at most `maxPrefetchBytes` plus one message: once full, every stream is paused (grpc-js
 * stops reading, HTTP/2 flow control stops the broker) until the application drains it below the bound.
 *
 * - `pause` pauses a partition's stream and drops what it had buffered; `resume` continues it from the
 *   position (re-opening the stream if records were dropped).
 * - `seek` drops the partition's buffered records and re-opens its stream at the new offset.
 * - Retriable stream failures reconnect with backoff from the next offset not yet received; a
 *   non-retriable one (OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC) stops that partition and is thrown, once, from
 *   the iteration or `run`. `seek` or `assign` restarts the partition.
 * - The position advances when a record is handed over. Breaking out of `for await` leaves the consumer
 *   running; `close()` (or aborting `signal`, or `Tributary.close()`) ends it.
 *
 * One-shot reads (no assignment, no group) are `PartitionReader`'s (`tributary.reader()`); `consume`,
 * `consumeTopic` and `fetch` here are deprecated aliases of it.
 *
 * Consumer groups: `subscribe(topics)` (with `groupId`) joins the group; its coordinator decides which
 * partitions this consumer reads and changes that as members come and go (see group-membership.ts). The
 * iteration and `run` carry on across those changes. Auto-commit commits only processed records: a
 * record counts as processed once the application asks for the next one.
 *
 * Parts, one file each: `partition-stream.ts` (one partition's Subscribe stream, reconnects),
 * `prefetch-buffer.ts`, `group-membership.ts`, `offset-committer.ts` (commits, auto-commit),
 * `start-offsets.ts`, `options.ts`. What the consumer handles itself (a failed auto-commit, a reconnect, a
 * rebalance) is logged and emitted as an event (`consumer.on(...)`, see events.ts).
 */
import { abortable } from '../../kit/index.js';
import type { TributaryError } from '../../proto/errors.js';
import type { Cluster } from '../cluster.js';
import { fromServiceError, TributaryClientError } from '../errors.js';
import { ClientEvents, type ConsumerEvents } from '../events.js';
import { type CommitMember, type CommittedOffset, Groups, type OffsetCommit } from '../groups.js';
import { type Logger, NOOP_LOGGER } from '../logger.js';
import { ClientTracing } from '../tracing.js';
import { AssignedPartitions } from './assigned-partitions.js';
import { GroupMembership, type MembershipHost } from './group-membership.js';
import { OffsetCommitter } from './offset-committer.js';
import {
  type ConsumerOptions,
  MAX_ASSIGNED_PARTITIONS,
  resolveConsumerOptions,
  type SubscribeOptions,
} from './options.js';
import {
  type ConsumeOptions,
  type FetchOptions,
  type FetchResult,
  PartitionReader,
} from './partition-reader.js';
import { StartOffsets } from './start-offsets.js';
import type {
  Batch,
  ConsumerStats,
  PartitionAssignment,
  Record,
  RunOptions,
  StartFrom,
  TopicAssignment,
  TopicPartition,
} from './types.js';

export * from './options.js';
export { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './partition-stream.js';
export { PrefetchBuffer } from './prefetch-buffer.js';
export type * from './types.js';

function cancelled(signal: AbortSignal): TributaryClientError {
  return new TributaryClientError('CANCELLED', 'the operation was aborted', {
    retriable: false,
    cause: signal.reason,
  });
}

function typed(err: unknown): TributaryError {
  return err instanceof TributaryClientError ? err : fromServiceError(err);
}

export class Consumer implements AsyncIterable<Record> {
  readonly maxPrefetchBytes: number;
  readonly maxBytesPerPartition: number;
  readonly groupId: string | undefined;
  private readonly resetPolicy: 'earliest' | 'latest' | 'none';
  private readonly memberOptions: { instanceId: string; rack: string; rebalanceTimeoutMs: number };
  private readonly logger: Logger;
  private readonly events: ClientEvents<ConsumerEvents>;
  private readonly partitions: AssignedPartitions;
  private closed = false;
  private running: Promise<void> | null = null;
  private inHandler = false;
  private readonly onClose: Array<() => void> = [];
  private readonly closedController = new AbortController();
  private readonly groups: Groups;
  private readonly offsets: StartOffsets;
  /** Present with a groupId. */
  private readonly committer: OffsetCommitter | undefined;
  private membership: GroupMembership | undefined;
  private reader: PartitionReader | undefined;
  private readonly tracing: ClientTracing;

  constructor(
    private readonly cluster: Cluster,
    options: ConsumerOptions = {},
  ) {
    const settings = resolveConsumerOptions(options);
    this.groupId = options.groupId;
    this.resetPolicy = settings.resetPolicy;
    this.memberOptions = settings.member;
    this.maxPrefetchBytes = settings.maxPrefetchBytes;
    this.maxBytesPerPartition = settings.maxBytesPerPartition;
    this.logger = options.logger ?? NOOP_LOGGER;
    this.tracing = new ClientTracing(options.clientId);
    this.events = new ClientEvents<ConsumerEvents>(this.logger, 'consumer');
    this.groups = new Groups(cluster);
    this.offsets = new StartOffsets(cluster, () => this.closed);
    if (this.groupId !== undefined) {
      this.committer = new OffsetCommitter(this.groups, this.tracing, {
        groupId: this.groupId,
        autoCommitIntervalMs: settings.autoCommitIntervalMs,
        autoCommit: () => this.commitProcessed(),
        onCommitFailed: (event) => {
          this.logger.warn(`consumer: ${event.auto ? 'auto-' : ''}commit failed`, {
            groupId: this.groupId,
            error: event.error.message,
          });
          this.events.emit('commitFailed', event);
        },
      });
    }
    this.partitions = new AssignedPartitions(cluster, {
      maxPrefetchBytes: this.maxPrefetchBytes,
      maxBytesPerPartition: this.maxBytesPerPartition,
      reconnect: settings.reconnect,
      onReconnect: (event) => {
        this.logger.info('consumer: reconnecting a partition stream', {
          ...event,
          error: event.error.message,
        });
        this.events.emit('reconnect', event);
      },
      onStreamError: (tp, error, restart) => this.partitionFailed(tp, error, restart),
    });
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.closed = true;
      const onAbort = (): void => void this.close();
      signal.addEventListener('abort', onAbort, { once: true });
      this.onClose.push(() => signal.removeEventListener('abort', onAbort));
    }
  }

  /** Listens to one of the consumer's events (docs/client.md, "Logging and events"); returns the remover. */
  on<K extends keyof ConsumerEvents>(name: K, listener: (event: ConsumerEvents[K]) => void): () => void {
    return this.events.on(name, listener);
  }

  off<K extends keyof ConsumerEvents>(name: K, listener: (event: ConsumerEvents[K]) => void): void {
    this.events.off(name, listener);
  }

  /** A failure the consumer handled itself: logged and emitted, never swallowed. */
  private report(context: string, err: unknown, where: Partial<TopicPartition> = {}): void {
    const error = typed(err);
    this.logger.warn(`consumer: ${context} failed`, { ...where, error: error.message });
    this.events.emit('error', { context, error, ...where });
  }

  /** Registers a callback run once when the consumer closes (the client uses it to forget the consumer). */
  onClosed(callback: () => void): void {
    if (this.closed) callback();
    else this.onClose.push(callback);
  }

  // ---------------------------------------------------------------------------------------------------
  // Assignment

  /**
   * Starts reading the given partitions: a list of `{ topic, partition, from? }`, or `{ topic, partitions?,
   * from? }` for several (all by default). Adds to the current assignment; assigning a partition again
   * restarts it at its new start. Resolves once every start position is known.
   */
  async assign(
    what: PartitionAssignment[] | TopicAssignment | TopicAssignment[],
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    this.assertOpen();
    if (this.membership !== undefined) {
      throw new TributaryClientError(
        'INVALID_REQUEST',
        'a subscribed consumer gets its partitions from its group',
      );
    }
    const { signal } = options;
    const items: Array<PartitionAssignment | TopicAssignment> = Array.isArray(what) ? what : [what];
    const wanted: PartitionAssignment[] = [];
    for (const item of items) {
      if ('partition' in item && typeof item.partition === 'number') {
        wanted.push(item);
        continue;
      }
      const spec = item as TopicAssignment;
      const metadata = await abortable(this.cluster.topic(spec.topic), signal, cancelled);
      const known = metadata.partitions.map((p) => p.partition);
      const partitions = spec.partitions === undefined || spec.partitions === 'all' ? known : spec.partitions;
      for (const partition of partitions)
        wanted.push({ topic: spec.topic, partition, from: spec.from ?? 'earliest' });
    }
    if (this.partitions.size + wanted.length > MAX_ASSIGNED_PARTITIONS) {
      throw new TributaryClientError(
        'INVALID_REQUEST',
        `at most ${MAX_ASSIGNED_PARTITIONS} partitions per consumer`,
      );
    }
    const starts = await abortable(
      Promise.all(wanted.map((w) => this.resolveStart(w.topic, w.partition, w.from ?? 'earliest'))),
      signal,
      cancelled,
    );
    this.assertOpen();
    for (const [i, w] of wanted.entries()) this.partitions.start(w.topic, w.partition, starts[i]!);
  }

  /**
   * Joins the consumer group (`groupId`) and reads the partitions of `topics` its coordinator gives this
   * consumer, starting from the group's committed offsets; the assignment follows the group's members as
   * they come and go. Returns at once; records flow as partitions arrive.
   */
  subscribe(topics: string | string[], options: SubscribeOptions = {}): void {
    this.assertOpen();
    if (this.groupId === undefined) {
      throw new TributaryClientError('INVALID_REQUEST', 'subscribe needs a consumer created with a groupId', {
        retriable: false,
      });
    }
    if (this.membership !== undefined) {
      throw new TributaryClientError('INVALID_REQUEST', 'already subscribed; unsubscribe first');
    }
    if (this.partitions.size > 0) {
      throw new TributaryClientError('INVALID_REQUEST', 'unassign every partition before subscribing');
    }
    const list = [...new Set(typeof topics === 'string' ? [topics] : topics)];
    if (list.length === 0)
      throw new TributaryClientError('INVALID_REQUEST', 'subscribe to at least one topic');
    this.membership = new GroupMembership(this.groups, this.membershipHost(), {
      groupId: this.groupId,
      topics: list,
      ...this.memberOptions,
      listener: options.listener ?? {},
    });
    this.membership.start();
  }

  /** Leaves the group: revokes every partition (committing with auto-commit on) and stops reading. */
  async unsubscribe(): Promise<void> {
    const membership = this.membership;
    if (membership === undefined) return;
    await membership.leave();
    this.membership = undefined;
  }

  /** This consumer's member id and epoch in its group (undefined unless subscribed). */
  groupMember(): CommitMember | undefined {
    return this.membership?.member;
  }

  private membershipHost(): MembershipHost {
    return {
      startFromCommitted: async (partitions) => {
        const starts = await this.committedStarts(partitions);
        if (this.closed) return;
        for (const [i, tp] of partitions.entries()) this.partitions.start(tp.topic, tp.partition, starts[i]!);
      },
      stopDelivery: (partitions) => this.partitions.stopDelivery(partitions),
      commitRevoked: async (partitions, member) => {
        const committer = this.committer;
        if (committer === undefined || !committer.autoCommit) return;
        const revoked = this.partitions.positions(partitions);
        await committer.commit(committer.moved(revoked, 'processed'), member, true);
      },
      drop: (partitions) => this.unassign(partitions),
      idle: () => this.partitions.idle,
      fail: (error) => this.partitions.fail(undefined, error),
      report: (context, err) => this.report(context, err),
      rebalanced: (type, partitions) => {
        this.logger.info(`consumer: partitions ${type}`, { groupId: this.groupId, partitions });
        this.events.emit('rebalance', { type, partitions });
      },
    };
  }

  /**
   * The application asks for more: what it was handed before is processed. Then revocations the group
   * asked for run here, between records.
   */
  private safePoint(): Promise<void> | undefined {
    this.partitions.markProcessed();
    return this.membership?.hasPendingWork === true ? this.membership.runPendingWork() : undefined;
  }

  /** Stops reading the given partitions and drops what they had buffered. */
  unassign(partitions: TopicPartition[]): void {
    this.partitions.unassign(partitions);
  }

  /** The assigned partitions, sorted by topic and partition. */
  assignment(): TopicPartition[] {
    return this.partitions.assignment();
  }

  /** The offset of the next record the application will get from this partition. */
  position(tp: TopicPartition): number {
    return this.partitions.position(tp);
  }

  /** The partition's high watermark as last reported by its stream (-1 before the first message). */
  highWatermark(tp: TopicPartition): number {
    return this.partitions.highWatermark(tp);
  }

  /** Moves a partition to `offset`: its buffered records are dropped and its stream re-opens there. */
  seek(target: TopicPartition & { offset: number }): void {
    this.assertOpen();
    this.partitions.seek(target);
  }

  /** Stops handing out records of these partitions and pauses their streams. */
  pause(partitions: TopicPartition[]): void {
    this.partitions.pause(partitions);
  }

  resume(partitions: TopicPartition[]): void {
    this.partitions.resume(partitions);
  }

  paused(): TopicPartition[] {
    return this.partitions.paused();
  }

  get bufferedBytes(): number {
    return this.partitions.bufferedBytes;
  }

  stats(): ConsumerStats {
    return this.partitions.stats();
  }

  // ---------------------------------------------------------------------------------------------------
  // Delivery

  /**
   * The next record of any assigned, unpaused partition, waiting for one; undefined once the consumer is
   * closed or `signal` aborts. Throws a partition's non-retriable failure.
   */
  async next(options: { signal?: AbortSignal } = {}): Promise<Record | undefined> {
    const startedMs = this.tracing.pullStarted();
    const record = await this.nextRecord(options.signal);
    if (record !== undefined) this.received(record, startedMs);
    return record;
  }

  /** next() without its `receive` span (run() makes `process` spans instead). */
  private async nextRecord(signal: AbortSignal | undefined): Promise<Record | undefined> {
    const pending = this.safePoint();
    if (pending !== undefined) await pending;
    for (;;) {
      const ready = this.takeReady(signal);
      if (ready !== null) return ready;
      await this.wait(signal);
    }
  }

  /** The `receive` span of one record handed to the application (client/tracing.ts). */
  private received(record: Record, startedMs: number | undefined): void {
    this.tracing.receivedOne(record, this.groupId, startedMs);
  }

  /** A buffered record now, undefined when the consumer is done, or null when it has to wait. */
  private takeReady(signal: AbortSignal | undefined): Record | undefined | null {
    this.partitions.throwPendingError();
    if (this.closed || signal?.aborted) return undefined;
    return this.partitions.takeRecord() ?? null;
  }

  /** The ready records of one partition (at most one received message's worth), waiting for some. */
  async nextBatch(options: { signal?: AbortSignal } = {}): Promise<Batch | undefined> {
    const startedMs = this.tracing.pullStarted();
    const batch = await this.nextRecords(options.signal);
    if (batch !== undefined) {
      this.tracing.received(batch.topic, batch.partition, batch.records, this.groupId, startedMs);
    }
    return batch;
  }

  /** nextBatch() without its `receive` span (run() makes `process` spans instead). */
  private async nextRecords(signal: AbortSignal | undefined): Promise<Batch | undefined> {
    const pending = this.safePoint();
    if (pending !== undefined) await pending;
    for (;;) {
      this.partitions.throwPendingError();
      if (this.closed || signal?.aborted) return undefined;
      const batch = this.partitions.takeBatch();
      if (batch !== undefined) return batch;
      await this.wait(signal);
    }
  }

  /** Records of every assigned partition as they arrive, until the consumer closes. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Record, void, undefined> {
    try {
      for (;;) {
        const pending = this.safePoint();
        if (pending !== undefined) await pending;
        // Buffered records are taken without an extra await: one promise hop per record, not two.
        const ready = this.takeReady(undefined);
        let startedMs: number | undefined;
        let record = ready;
        if (ready === null) {
          startedMs = this.tracing.pullStarted();
          record = await this.nextRecord(undefined);
        }
        if (record === undefined || record === null) return;
        this.received(record, startedMs);
        yield record;
      }
    } finally {
      // Leaving the loop (break, return, or a throw, which cannot be told apart here) counts the last
      // record as processed, as records returned by Kafka's poll count as consumed. `run` does not.
      void this.safePoint()?.catch((err: unknown) => this.report('revoke', err));
    }
  }

  /**
   * Calls `eachRecord` or `eachBatch` for the records as they arrive, awaiting each call before the next.
   * Resolves when the consumer closes or `signal` aborts; rejects with a handler's error or a partition's
   * non-retriable failure. One run at a time.
   */
  run(options: RunOptions): Promise<void> {
    this.assertOpen();
    const { eachRecord, eachBatch, signal } = options;
    if ((eachRecord === undefined) === (eachBatch === undefined)) {
      throw new TributaryClientError('INVALID_REQUEST', 'give exactly one of eachRecord and eachBatch');
    }
    if (this.running !== null)
      throw new TributaryClientError('INVALID_REQUEST', 'the consumer is already running');
    const loop = async (): Promise<void> => {
      for (;;) {
        if (eachBatch !== undefined) {
          const batch = await this.nextRecords(signal);
          if (batch === undefined) return;
          await this.inside(() => this.tracing.processBatch(batch, this.groupId, () => eachBatch(batch)));
        } else {
          const record = await this.nextRecord(signal);
          if (record === undefined) return;
          await this.inside(() =>
            this.tracing.processRecord(record, this.groupId, () => eachRecord!(record)),
          );
        }
      }
    };
    const running = loop().finally(() => {
      this.running = null;
    });
    this.running = running;
    return running;
  }

  /**
   * Commits the consumer group's offsets: the given ones, or every assigned partition's position (the next
   * record the application will get, so everything before it counts as processed). Resolves once the
   * coordinator has them replicated. `void consumer.commit()` is the asynchronous form.
   */
  async commit(offsets?: OffsetCommit[]): Promise<void> {
    const committer = this.requireGroup('commit needs a consumer created with a groupId');
    const list = offsets ?? committer.moved(this.partitions.positions(), 'position');
    await committer.commit(list, this.membership?.member, false);
  }

  /** Auto-commit: the positions up to which records were processed (not merely handed out). */
  private async commitProcessed(): Promise<void> {
    const committer = this.committer;
    if (committer === undefined) return;
    await committer.commit(
      committer.moved(this.partitions.positions(), 'processed'),
      this.membership?.member,
      true,
    );
  }

  /** The group's committed offsets for the given partitions (-1 where nothing is committed). */
  async committed(partitions: TopicPartition[]): Promise<CommittedOffset[]> {
    return this.requireGroup('committed offsets need a consumer created with a groupId').fetch(partitions);
  }

  private requireGroup(message: string): OffsetCommitter {
    if (this.committer === undefined) {
      throw new TributaryClientError('INVALID_REQUEST', message, { retriable: false });
    }
    return this.committer;
  }

  /** Ends reading: closes every stream, drops the buffer, ends iterations and `run` (after its handler). */
  async close(): Promise<void> {
    if (this.committer?.stopAutoCommit() === true && this.membership === undefined) {
      // The last processed positions, once, before the streams go (best effort: close never fails for
      // it; a failure is reported as commitFailed). A subscribed consumer commits them as it leaves.
      await this.commitProcessed().catch(() => {});
    }
    await this.unsubscribe().catch((err: unknown) => this.report('leave', err));
    if (!this.closed) {
      this.closed = true;
      this.partitions.close();
      this.closedController.abort();
      for (const callback of this.onClose.splice(0)) callback();
    }
    // From inside a handler, waiting for the run would wait for ourselves. The run's failure is its
    // caller's (run() returned this promise).
    if (this.running !== null && !this.inHandler) await this.running.catch(() => {});
  }

  /** Same as `close()`. */
  stop(): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------------------------------------------
  // Internals

  private async inside(handler: () => Promise<void> | void): Promise<void> {
    this.inHandler = true;
    try {
      await handler();
    } finally {
      this.inHandler = false;
    }
  }

  private wait(signal: AbortSignal | undefined): Promise<void> {
    if (signal === undefined) return this.partitions.wait(this.closedController.signal);
    return this.partitions.wait(AbortSignal.any([signal, this.closedController.signal]));
  }

  /** A partition's stream stopped for good: a subscribed consumer resets by its policy, else the application sees it. */
  private partitionFailed(
    tp: TopicPartition,
    error: TributaryError,
    restart: (offset: number) => void,
  ): void {
    // A group's committed offset outside the log (retention moved past it, or the log was truncated):
    // start again where the reset policy says, as Kafka's auto.offset.reset does.
    if (
      this.membership !== undefined &&
      error.reason === 'OFFSET_OUT_OF_RANGE' &&
      this.resetPolicy !== 'none'
    ) {
      this.logger.info('consumer: committed offset out of range, resetting', {
        ...tp,
        policy: this.resetPolicy,
      });
      void this.offsets
        .offset(tp.topic, tp.partition, this.resetPolicy)
        .then(restart, (err: unknown) => this.partitions.fail(tp, typed(err)));
      return;
    }
    this.partitions.fail(tp, error);
  }

  private assertOpen(): void {
    if (this.closed) throw new TributaryClientError('INVALID_REQUEST', 'the consumer is closed');
  }

  /** Where a partition starts; 'committed' reads the group's offset (the reset policy when there is none). */
  private async resolveStart(topic: string, partition: number, from: StartFrom): Promise<number> {
    if (from !== 'committed') return this.offsets.resolve(topic, partition, from);
    return (await this.committedStarts([{ topic, partition }]))[0]!;
  }

  /** Starts at the group's committed offsets (one FetchOffsets), the reset policy where there is none. */
  private committedStarts(partitions: TopicPartition[]): Promise<number[]> {
    return this.requireGroup('committed offsets need a consumer created with a groupId').startOffsets(
      partitions,
      (tp) => this.startWithoutCommit(tp.topic, tp.partition),
    );
  }

  /** Where a partition with nothing committed starts: by the reset policy, or OFFSET_OUT_OF_RANGE for 'none'. */
  private async startWithoutCommit(topic: string, partition: number): Promise<number> {
    if (this.resetPolicy === 'none') {
      throw new TributaryClientError(
        'OFFSET_OUT_OF_RANGE',
        `group ${this.groupId} has no committed offset for ${topic}[${partition}] and resetPolicy is none`,
        { retriable: false },
      );
    }
    return this.offsets.offset(topic, partition, this.resetPolicy);
  }

  // ---------------------------------------------------------------------------------------------------
  // One-shot reads: deprecated aliases of PartitionReader (`tributary.reader()`), kept so existing code
  // keeps working. A 'committed' start reads this consumer's group.

  private oneShot(): PartitionReader {
    this.reader ??= new PartitionReader(this.cluster, {
      offsets: this.offsets,
      start: (topic, partition, from) => this.resolveStart(topic, partition, from),
      tracing: this.tracing,
    });
    return this.reader;
  }

  /** @deprecated Use `tributary.reader().consume(...)`. */
  consume(options: ConsumeOptions): AsyncGenerator<Record, void, undefined> {
    return this.oneShot().consume(options);
  }

  /** @deprecated Use `tributary.reader().consumeTopic(...)`. */
  consumeTopic(
    options: Omit<ConsumeOptions, 'partition'> & { partitions?: number[] },
  ): AsyncGenerator<Record, void, undefined> {
    return this.oneShot().consumeTopic(options);
  }

  /** @deprecated Use `tributary.reader().fetch(...)`. */
  fetch(options: FetchOptions): Promise<FetchResult> {
    return this.oneShot().fetch(options);
  }
}
