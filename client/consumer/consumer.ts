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
import type { CommitMember, CommittedOffset, Groups, OffsetCommit } from '../groups.js';
import { Groups as GroupsClient } from '../groups.js';
import { type Logger, NOOP_LOGGER } from '../logger.js';
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
import { PartitionStream, type ReconnectPolicy } from './partition-stream.js';
import { PrefetchBuffer } from './prefetch-buffer.js';
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

interface Assigned {
  readonly topic: string;
  readonly partition: number;
  readonly stream: PartitionStream;
  /** The offset of the next record to hand to the application. */
  position: number;
  paused: boolean;
  /** Records were dropped while paused: resuming must re-open the stream at `position`. */
  reopenOnResume: boolean;
  /** The position up to which the application has processed (what auto-commit writes). */
  processed: number;
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`;

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
  private readonly reconnect: ReconnectPolicy;
  private readonly resetPolicy: 'earliest' | 'latest' | 'none';
  private readonly memberOptions: { instanceId: string; rack: string; rebalanceTimeoutMs: number };
  private readonly logger: Logger;
  private readonly events: ClientEvents<ConsumerEvents>;
  private readonly buffer: PrefetchBuffer<Record>;
  private readonly assigned = new Map<string, Assigned>();
  /** Partition failures not yet thrown to the application. */
  private readonly errors: Array<{ key: string; error: TributaryError }> = [];
  /** Streams are paused because the buffer is full. */
  private flowPaused = false;
  private closed = false;
  private running: Promise<void> | null = null;
  private inHandler = false;
  private readonly onClose: Array<() => void> = [];
  private readonly closedController = new AbortController();
  private readonly groups: Groups;
  private readonly offsets: StartOffsets;
  /** Present with a groupId. */
  private readonly committer: OffsetCommitter | undefined;
  /** The partition whose records were last handed out and are not yet known to be processed. */
  private outstanding: string | undefined;
  private membership: GroupMembership | undefined;
  private reader: PartitionReader | undefined;

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
    this.reconnect = settings.reconnect;
    this.logger = options.logger ?? NOOP_LOGGER;
    this.events = new ClientEvents<ConsumerEvents>(this.logger, 'consumer');
    this.groups = new GroupsClient(cluster);
    this.offsets = new StartOffsets(cluster, () => this.closed);
    if (this.groupId !== undefined) {
      this.committer = new OffsetCommitter(this.groups, {
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
    this.buffer = new PrefetchBuffer<Record>(this.maxPrefetchBytes);
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
    if (this.assigned.size + wanted.length > MAX_ASSIGNED_PARTITIONS) {
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
    for (const [i, w] of wanted.entries()) this.startPartition(w.topic, w.partition, starts[i]!);
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
    if (this.assigned.size > 0) {
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
        // One FetchOffsets for all of them, then the reset policy where nothing is committed.
        const committed = new Map(
          (await this.committed(partitions)).map((c) => [keyOf(c.topic, c.partition), c.offset]),
        );
        const starts = await Promise.all(
          partitions.map((tp) => {
            const offset = committed.get(keyOf(tp.topic, tp.partition)) ?? -1;
            if (offset < 0) return this.startWithoutCommit(tp.topic, tp.partition);
            this.committer?.remember(tp.topic, tp.partition, offset);
            return offset;
          }),
        );
        if (this.closed) return;
        for (const [i, tp] of partitions.entries()) this.startPartition(tp.topic, tp.partition, starts[i]!);
      },
      stopDelivery: (partitions) => {
        for (const tp of partitions) {
          const a = this.assigned.get(keyOf(tp.topic, tp.partition));
          if (a === undefined) continue;
          a.stream.close();
          this.buffer.drop(keyOf(tp.topic, tp.partition));
        }
        this.updateFlow();
      },
      commitRevoked: async (partitions, member) => {
        const committer = this.committer;
        if (committer === undefined || !committer.autoCommit) return;
        const revoked = partitions
          .map((tp) => this.assigned.get(keyOf(tp.topic, tp.partition)))
          .filter((a): a is Assigned => a !== undefined);
        await committer.commit(committer.moved(revoked, 'processed'), member, true);
      },
      drop: (partitions) => this.unassign(partitions),
      idle: () => this.outstanding === undefined,
      fail: (error) => {
        this.errors.push({ key: '', error });
        this.buffer.wake();
      },
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
    if (this.outstanding !== undefined) {
      const a = this.assigned.get(this.outstanding);
      if (a !== undefined) a.processed = a.position;
      this.outstanding = undefined;
    }
    return this.membership?.hasPendingWork === true ? this.membership.runPendingWork() : undefined;
  }

  /** Stops reading the given partitions and drops what they had buffered. */
  unassign(partitions: TopicPartition[]): void {
    for (const { topic, partition } of partitions) {
      const key = keyOf(topic, partition);
      const a = this.assigned.get(key);
      if (a === undefined) continue;
      a.stream.close();
      this.buffer.drop(key);
      this.assigned.delete(key);
    }
    this.updateFlow();
  }

  /** The assigned partitions, sorted by topic and partition. */
  assignment(): TopicPartition[] {
    return [...this.assigned.values()]
      .map(({ topic, partition }) => ({ topic, partition }))
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** The offset of the next record the application will get from this partition. */
  position(tp: TopicPartition): number {
    return this.get(tp).position;
  }

  /** The partition's high watermark as last reported by its stream (-1 before the first message). */
  highWatermark(tp: TopicPartition): number {
    return this.get(tp).stream.highWatermark;
  }

  /** Moves a partition to `offset`: its buffered records are dropped and its stream re-opens there. */
  seek(target: TopicPartition & { offset: number }): void {
    this.assertOpen();
    const a = this.get(target);
    if (!Number.isSafeInteger(target.offset) || target.offset < 0) {
      throw new RangeError(`offset must be a non-negative integer, got ${target.offset}`);
    }
    this.buffer.drop(keyOf(a.topic, a.partition));
    this.clearErrors(a);
    a.position = target.offset;
    a.processed = target.offset;
    a.reopenOnResume = false;
    a.stream.start(target.offset);
    this.updateFlow();
  }

  /** Stops handing out records of these partitions and pauses their streams. */
  pause(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const a = this.get(tp);
      if (a.paused) continue;
      a.paused = true;
      a.stream.setFlowing(false);
      if (this.buffer.drop(keyOf(a.topic, a.partition)) > 0) a.reopenOnResume = true;
    }
    this.updateFlow();
  }

  resume(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const a = this.get(tp);
      if (!a.paused) continue;
      a.paused = false;
      if (a.reopenOnResume) {
        a.reopenOnResume = false;
        a.stream.start(a.position);
      }
      a.stream.setFlowing(!this.flowPaused);
    }
  }

  paused(): TopicPartition[] {
    return this.assignment().filter((tp) => this.get(tp).paused);
  }

  get bufferedBytes(): number {
    return this.buffer.bytes;
  }

  stats(): ConsumerStats {
    let reconnects = 0;
    let queuedMessages = 0;
    for (const a of this.assigned.values()) {
      reconnects += a.stream.reconnects;
      queuedMessages += a.stream.queuedMessages;
    }
    return {
      bufferedBytes: this.buffer.bytes,
      bufferedRecords: this.buffer.size,
      maxPrefetchBytes: this.maxPrefetchBytes,
      queuedMessages,
      reconnects,
    };
  }

  // ---------------------------------------------------------------------------------------------------
  // Delivery

  /**
   * The next record of any assigned, unpaused partition, waiting for one; undefined once the consumer is
   * closed or `signal` aborts. Throws a partition's non-retriable failure.
   */
  async next(options: { signal?: AbortSignal } = {}): Promise<Record | undefined> {
    const signal = options.signal;
    const pending = this.safePoint();
    if (pending !== undefined) await pending;
    for (;;) {
      const ready = this.takeReady(signal);
      if (ready !== null) return ready;
      await this.wait(signal);
    }
  }

  /** A buffered record now, undefined when the consumer is done, or null when it has to wait. */
  private takeReady(signal: AbortSignal | undefined): Record | undefined | null {
    this.throwPendingError();
    if (this.closed || signal?.aborted) return undefined;
    const taken = this.buffer.take();
    if (taken === undefined) return null;
    this.handedOver(taken.key, [taken.record]);
    return taken.record;
  }

  /** The ready records of one partition (at most one received message's worth), waiting for some. */
  async nextBatch(options: { signal?: AbortSignal } = {}): Promise<Batch | undefined> {
    const signal = options.signal;
    const pending = this.safePoint();
    if (pending !== undefined) await pending;
    for (;;) {
      this.throwPendingError();
      if (this.closed || signal?.aborted) return undefined;
      const chunk = this.buffer.takeChunk();
      if (chunk !== undefined) {
        const a = this.handedOver(chunk.key, chunk.records);
        return {
          topic: a.topic,
          partition: a.partition,
          records: chunk.records,
          highWatermark: a.stream.highWatermark,
        };
      }
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
        const record = ready === null ? await this.next() : ready;
        if (record === undefined) return;
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
          const batch = await this.nextBatch({ ...(signal === undefined ? {} : { signal }) });
          if (batch === undefined) return;
          await this.inside(() => eachBatch(batch));
        } else {
          const record = await this.next({ ...(signal === undefined ? {} : { signal }) });
          if (record === undefined) return;
          await this.inside(() => eachRecord!(record));
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
    const list = offsets ?? committer.moved(this.assigned.values(), 'position');
    await committer.commit(list, this.membership?.member, false);
  }

  /** Auto-commit: the positions up to which records were processed (not merely handed out). */
  private async commitProcessed(): Promise<void> {
    const committer = this.committer;
    if (committer === undefined) return;
    await committer.commit(
      committer.moved(this.assigned.values(), 'processed'),
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
      for (const a of this.assigned.values()) a.stream.close();
      for (const key of this.assigned.keys()) this.buffer.drop(key);
      this.closedController.abort();
      this.buffer.wake();
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
    if (signal === undefined) return this.buffer.wait(this.closedController.signal);
    return this.buffer.wait(AbortSignal.any([signal, this.closedController.signal]));
  }

  private startPartition(topic: string, partition: number, offset: number): void {
    const key = keyOf(topic, partition);
    const previous = this.assigned.get(key);
    if (previous !== undefined) {
      previous.stream.close();
      this.buffer.drop(key);
      this.clearErrors(previous);
    }
    const stream: PartitionStream = new PartitionStream({
      topic,
      partition,
      maxBytes: this.maxBytesPerPartition,
      reconnect: this.reconnect,
      leader: () => this.cluster.leaderFor(topic, partition),
      failed: (reasonName, brokerId) => this.cluster.invalidateFor(reasonName, topic, brokerId),
      onRecords: (records, bytes) => this.received(key, records, bytes),
      onReconnect: (event) => {
        this.logger.info('consumer: reconnecting a partition stream', {
          ...event,
          error: event.error.message,
        });
        this.events.emit('reconnect', event);
      },
      onError: (error) => this.partitionFailed(key, stream, error),
    });
    const a: Assigned = {
      topic,
      partition,
      stream,
      position: offset,
      processed: offset,
      paused: false,
      reopenOnResume: false,
    };
    this.assigned.set(key, a);
    stream.setFlowing(!this.flowPaused);
    stream.start(offset);
  }

  /** A partition's stream stopped for good: reset a subscribed consumer's position, else fail the partition. */
  private partitionFailed(key: string, stream: PartitionStream, error: TributaryError): void {
    // A group's committed offset outside the log (retention moved past it, or the log was truncated):
    // start again where the reset policy says, as Kafka's auto.offset.reset does.
    if (
      this.membership !== undefined &&
      error.reason === 'OFFSET_OUT_OF_RANGE' &&
      this.resetPolicy !== 'none'
    ) {
      const { topic, partition } = stream;
      this.logger.info('consumer: committed offset out of range, resetting', { topic, partition });
      void this.offsets.offset(topic, partition, this.resetPolicy).then(
        (offset) => {
          const a = this.assigned.get(key);
          if (a === undefined || a.stream !== stream) return;
          this.buffer.drop(key);
          a.position = offset;
          a.processed = offset;
          stream.start(offset);
        },
        (err: unknown) => {
          this.errors.push({ key, error: typed(err) });
          this.buffer.wake();
        },
      );
      return;
    }
    this.errors.push({ key, error });
    this.buffer.wake();
  }

  private received(key: string, records: Record[], bytes: number): void {
    const a = this.assigned.get(key);
    if (a === undefined || this.closed) return;
    if (a.paused) {
      // Cannot happen with a paused grpc-js stream; keep the invariant anyway.
      a.reopenOnResume = true;
      return;
    }
    this.buffer.push(key, records, bytes);
    this.updateFlow();
  }

  /** Advances the partition's position past `records`, checking that offsets only go forward. */
  private handedOver(key: string, records: Record[]): Assigned {
    const a = this.assigned.get(key)!;
    for (const record of records) {
      if (record.offset < a.position) {
        throw new TributaryClientError(
          'INTERNAL',
          `${a.topic}[${a.partition}]: offset ${record.offset} is behind the position ${a.position}`,
        );
      }
      a.position = record.offset + 1;
    }
    this.outstanding = key;
    this.updateFlow();
    return a;
  }

  /**
   * Pauses every stream when the buffer is full and resumes the unpaused ones once it has drained to half:
   * resuming at the first free byte made the streams flap, one message per pause, and each resume costs
   * the broker a flow-control round trip.
   */
  private updateFlow(): void {
    const paused = this.flowPaused ? this.buffer.bytes > this.maxPrefetchBytes / 2 : this.buffer.full;
    if (paused === this.flowPaused) return;
    this.flowPaused = paused;
    for (const a of this.assigned.values()) a.stream.setFlowing(!paused && !a.paused);
  }

  private throwPendingError(): void {
    const failed = this.errors.shift();
    if (failed !== undefined) throw failed.error;
  }

  private clearErrors(a: Assigned): void {
    const key = keyOf(a.topic, a.partition);
    for (let i = this.errors.length - 1; i >= 0; i--) {
      if (this.errors[i]!.key === key) this.errors.splice(i, 1);
    }
  }

  private get(tp: TopicPartition): Assigned {
    const a = this.assigned.get(keyOf(tp.topic, tp.partition));
    if (a === undefined) {
      throw new TributaryClientError('INVALID_REQUEST', `${tp.topic}[${tp.partition}] is not assigned`);
    }
    return a;
  }

  private assertOpen(): void {
    if (this.closed) throw new TributaryClientError('INVALID_REQUEST', 'the consumer is closed');
  }

  /** Where a partition starts; 'committed' reads the group's offset (the reset policy when there is none). */
  private async resolveStart(topic: string, partition: number, from: StartFrom): Promise<number> {
    if (from !== 'committed') return this.offsets.resolve(topic, partition, from);
    const [c] = await this.committed([{ topic, partition }]);
    if (c !== undefined && c.offset >= 0) {
      this.committer?.remember(topic, partition, c.offset);
      return c.offset;
    }
    return this.startWithoutCommit(topic, partition);
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
