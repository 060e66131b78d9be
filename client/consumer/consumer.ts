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
 * `consume`, `consumeTopic` and `fetch` are the one-shot reads the CLI uses: no assignment, no shared
 * buffer; each `consume` is one Subscribe stream that ends at the high watermark unless `follow`.
 *
 * Consumer groups: `subscribe(topics)` (with `groupId`) joins the group; its coordinator decides which
 * partitions this consumer reads and changes that as members come and go (see group-membership.ts). The
 * iteration and `run` carry on across those changes. Auto-commit commits only processed records: a
 * record counts as processed once the application asks for the next one.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import { decodeBatches } from '../../proto/codec/index.js';
import type { TributaryError } from '../../proto/errors.js';
import type { FetchResponse__Output } from '../../proto/generated/tributary/v1/FetchResponse.js';
import type { SubscribeResponse__Output } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import type { Cluster, PartitionLeader } from '../cluster.js';
import type { Connection } from '../connection.js';
import { fromServiceError, fromWireError, reasonOf, TributaryClientError } from '../errors.js';
import { type CommitMember, type CommittedOffset, Groups, type OffsetCommit } from '../groups.js';
import { partitionOffset } from '../offsets.js';
import { GroupMembership, type MembershipHost, type RebalanceListener } from './group-membership.js';
import { mergeAsyncIterables } from './merge.js';
import { DEFAULT_RECONNECT_POLICY, PartitionStream, type ReconnectPolicy } from './partition-stream.js';
import { PrefetchBuffer } from './prefetch-buffer.js';
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

export { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './partition-stream.js';
export { PrefetchBuffer } from './prefetch-buffer.js';
export type * from './types.js';

const MiB = 1024 * 1024;

export interface ConsumerOptions {
  /** Bound on received, undelivered bytes across all partitions. Default 16 MiB. */
  maxPrefetchBytes?: number;
  /** Largest message a partition's stream carries (Subscribe max_bytes). Default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Aborting closes the consumer. */
  signal?: AbortSignal;
  /** Reconnects after retriable stream failures. */
  reconnect?: Partial<ReconnectPolicy>;
  /** The consumer group whose committed offsets `commit()` writes and `from: 'committed'` reads. */
  groupId?: string;
  /** With a groupId: commit every assigned partition's position this often, and at close; 0 turns it off. Default 5000. */
  autoCommitIntervalMs?: number;
  /** `from: 'committed'` with nothing committed: start at 'earliest' (default), 'latest', or fail ('none'). */
  resetPolicy?: 'earliest' | 'latest' | 'none';
  /**
   * Static membership: a stable id for this consumer instance (e.g. the pod name). A static member that
   * restarts within the group's session timeout gets its partitions back with no rebalance.
   */
  instanceId?: string;
  /** The consumer's rack or zone: the group prefers giving it partitions with a replica there. */
  rack?: string;
  /** How long a rebalance may wait for this consumer to give partitions up. Default 60000. */
  rebalanceTimeoutMs?: number;
}

export interface SubscribeOptions {
  /** Called around assignment changes. */
  listener?: RebalanceListener;
}

export const DEFAULT_MAX_PREFETCH_BYTES = 16 * MiB;
/** Retries of a start-offset lookup after a retriable failure (about 2 s in all). */
const OFFSET_RETRIES = 6;
export const DEFAULT_MAX_BYTES_PER_PARTITION = 1 * MiB;
/** Assigned partitions per consumer: one stream each. */
export const MAX_ASSIGNED_PARTITIONS = 10_000;

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

function cancelled(signal: AbortSignal | undefined): TributaryClientError {
  return new TributaryClientError('CANCELLED', 'the operation was aborted', {
    retriable: false,
    cause: signal?.reason,
  });
}

/** `promise`, or a CANCELLED rejection as soon as `signal` aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(cancelled(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(cancelled(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export class Consumer implements AsyncIterable<Record> {
  readonly maxPrefetchBytes: number;
  readonly maxBytesPerPartition: number;
  private readonly reconnect: ReconnectPolicy;
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
  readonly groupId: string | undefined;
  private readonly groups: Groups;
  private readonly resetPolicy: 'earliest' | 'latest' | 'none';
  private autoCommitTimer: NodeJS.Timeout | undefined;
  private commitChain: Promise<void> = Promise.resolve();
  /** Positions as last committed, so auto-commit writes only what moved. */
  private readonly lastCommitted = new Map<string, number>();
  /** The partition whose records were last handed out and are not yet known to be processed. */
  private outstanding: string | undefined;
  private membership: GroupMembership | undefined;
  private readonly autoCommit: boolean;
  private readonly memberOptions: { instanceId: string; rack: string; rebalanceTimeoutMs: number };

  constructor(
    private readonly cluster: Cluster,
    options: ConsumerOptions = {},
  ) {
    this.groupId = options.groupId;
    this.groups = new Groups(cluster);
    this.resetPolicy = options.resetPolicy ?? 'earliest';
    const autoCommitMs = options.autoCommitIntervalMs ?? 5000;
    if (!Number.isSafeInteger(autoCommitMs) || autoCommitMs < 0) {
      throw new RangeError(`autoCommitIntervalMs must be a non-negative integer, got ${autoCommitMs}`);
    }
    this.autoCommit = this.groupId !== undefined && autoCommitMs > 0;
    if (this.autoCommit) {
      this.autoCommitTimer = setInterval(() => void this.commitProcessed().catch(() => {}), autoCommitMs);
      this.autoCommitTimer.unref();
    }
    const rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 60_000;
    if (!Number.isSafeInteger(rebalanceTimeoutMs) || rebalanceTimeoutMs < 1000) {
      throw new RangeError(`rebalanceTimeoutMs must be an integer >= 1000, got ${rebalanceTimeoutMs}`);
    }
    this.memberOptions = {
      instanceId: options.instanceId ?? '',
      rack: options.rack ?? '',
      rebalanceTimeoutMs,
    };
    this.maxPrefetchBytes = options.maxPrefetchBytes ?? DEFAULT_MAX_PREFETCH_BYTES;
    this.maxBytesPerPartition = options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION;
    if (!Number.isSafeInteger(this.maxBytesPerPartition) || this.maxBytesPerPartition <= 0) {
      throw new RangeError(
        `maxBytesPerPartition must be a positive integer, got ${this.maxBytesPerPartition}`,
      );
    }
    this.reconnect = { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect };
    this.buffer = new PrefetchBuffer<Record>(this.maxPrefetchBytes);
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.closed = true;
      const onAbort = (): void => void this.close();
      signal.addEventListener('abort', onAbort, { once: true });
      this.onClose.push(() => signal.removeEventListener('abort', onAbort));
    }
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
      const metadata = await abortable(this.cluster.topic(spec.topic), signal);
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
            this.lastCommitted.set(keyOf(tp.topic, tp.partition), offset);
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
        if (!this.autoCommit) return;
        const revoked = partitions
          .map((tp) => this.assigned.get(keyOf(tp.topic, tp.partition)))
          .filter((a): a is Assigned => a !== undefined);
        await this.commitList(this.moved(revoked, 'processed'), member);
      },
      drop: (partitions) => this.unassign(partitions),
      idle: () => this.outstanding === undefined,
      fail: (error) => {
        this.errors.push({ key: '', error });
        this.buffer.wake();
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
      void this.safePoint()?.catch(() => {});
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
    if (this.groupId === undefined) {
      throw new TributaryClientError('INVALID_REQUEST', 'commit needs a consumer created with a groupId', {
        retriable: false,
      });
    }
    const list = offsets ?? this.moved(this.assigned.values(), 'position');
    await this.commitList(list, this.membership?.member);
  }

  /** Auto-commit: the positions up to which records were processed (not merely handed out). */
  private async commitProcessed(): Promise<void> {
    await this.commitList(this.moved(this.assigned.values(), 'processed'), this.membership?.member);
  }

  /** Commits of the partitions whose `which` position moved since their last commit. */
  private moved(partitions: Iterable<Assigned>, which: 'position' | 'processed'): OffsetCommit[] {
    return [...partitions]
      .filter((a) => this.lastCommitted.get(keyOf(a.topic, a.partition)) !== a[which])
      .map((a) => ({ topic: a.topic, partition: a.partition, offset: a[which] }));
  }

  private async commitList(list: OffsetCommit[], member: CommitMember | undefined): Promise<void> {
    if (list.length === 0) return;
    // One commit at a time, in call order, so an older position can never land after a newer one.
    const run = this.commitChain.then(() => this.groups.commit(this.groupId!, list, member));
    this.commitChain = run.catch(() => {});
    await run;
    for (const o of list) this.lastCommitted.set(keyOf(o.topic, o.partition), o.offset);
  }

  /** The group's committed offsets for the given partitions (-1 where nothing is committed). */
  async committed(partitions: TopicPartition[]): Promise<CommittedOffset[]> {
    if (this.groupId === undefined) {
      throw new TributaryClientError(
        'INVALID_REQUEST',
        'committed offsets need a consumer created with a groupId',
        {
          retriable: false,
        },
      );
    }
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    return this.groups.fetch(
      this.groupId,
      [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
    );
  }

  /** Ends reading: closes every stream, drops the buffer, ends iterations and `run` (after its handler). */
  async close(): Promise<void> {
    if (this.autoCommitTimer !== undefined) {
      clearInterval(this.autoCommitTimer);
      this.autoCommitTimer = undefined;
      // The last processed positions, once, before the streams go (best effort: close never fails for
      // it). A subscribed consumer commits them as it leaves its group.
      if (this.membership === undefined) await this.commitProcessed().catch(() => {});
    }
    await this.unsubscribe().catch(() => {});
    if (!this.closed) {
      this.closed = true;
      for (const a of this.assigned.values()) a.stream.close();
      for (const key of this.assigned.keys()) this.buffer.drop(key);
      this.closedController.abort();
      this.buffer.wake();
      for (const callback of this.onClose.splice(0)) callback();
    }
    // From inside a handler, waiting for the run would wait for ourselves.
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
    const stream = new PartitionStream({
      topic,
      partition,
      maxBytes: this.maxBytesPerPartition,
      reconnect: this.reconnect,
      leader: () => this.leaderOf(topic, partition),
      failed: (reasonName, brokerId) => this.failed(reasonName, topic, brokerId),
      onRecords: (records, bytes) => this.received(key, records, bytes),
      onError: (error) => {
        // A group's committed offset outside the log (retention moved past it, or the log was
        // truncated): start again where the reset policy says, as Kafka's auto.offset.reset does.
        if (
          this.membership !== undefined &&
          error.reason === 'OFFSET_OUT_OF_RANGE' &&
          this.resetPolicy !== 'none'
        ) {
          const policy = this.resetPolicy;
          void this.offset(topic, partition, policy).then(
            (offset) => {
              const a = this.assigned.get(key);
              if (a === undefined || a.stream !== stream) return;
              this.buffer.drop(key);
              a.position = offset;
              a.processed = offset;
              stream.start(offset);
            },
            (err: unknown) => {
              this.errors.push({
                key,
                error: err instanceof TributaryClientError ? err : fromServiceError(err),
              });
              this.buffer.wake();
            },
          );
          return;
        }
        this.errors.push({ key, error });
        this.buffer.wake();
      },
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

  /** The connection to the partition's leader (`Cluster.leaderFor` when the cluster layer has it). */
  /** The partition's leader and a connection to it. */
  private leaderOf(topic: string, partition: number): Promise<PartitionLeader> {
    return this.cluster.leaderFor(topic, partition);
  }

  private async leader(topic: string, partition: number): Promise<Connection> {
    return (await this.cluster.leaderFor(topic, partition)).connection;
  }

  /** Lets the cluster layer drop stale metadata, and the connection of a broker that went away. */
  private failed(reasonName: string, topic: string, brokerId: number | undefined): void {
    this.cluster.invalidateFor(reasonName, topic, brokerId);
  }

  private async resolveStart(topic: string, partition: number, from: StartFrom): Promise<number> {
    if (from === 'earliest' || from === 'latest') return this.offset(topic, partition, from);
    if (from === 'committed') {
      const [c] = await this.committed([{ topic, partition }]);
      if (c !== undefined && c.offset >= 0) {
        this.lastCommitted.set(keyOf(topic, partition), c.offset);
        return c.offset;
      }
      return this.startWithoutCommit(topic, partition);
    }
    if ('offset' in from) {
      if (!Number.isSafeInteger(from.offset) || from.offset < 0) {
        throw new TributaryClientError('OFFSET_OUT_OF_RANGE', `invalid start offset ${from.offset}`);
      }
      return from.offset;
    }
    const connection = await this.leader(topic, partition);
    const found = await partitionOffset(connection, topic, partition, { timestamp: from.timestamp });
    return found.offset >= 0 ? found.offset : this.offset(topic, partition, 'latest');
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
    return this.offset(topic, partition, this.resetPolicy);
  }

  /**
   * The earliest or latest offset, from the partition's leader. Retriable failures (a topic just created
   * whose leader is not serving yet, a leader that moved) refresh metadata and retry a few times.
   */
  private async offset(topic: string, partition: number, spec: 'earliest' | 'latest'): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const connection = await this.leader(topic, partition);
        return (await partitionOffset(connection, topic, partition, spec)).offset;
      } catch (err) {
        const error = err instanceof TributaryClientError ? err : fromServiceError(err);
        this.failed(reasonOf(error), topic, undefined);
        if (!error.retriable || attempt >= OFFSET_RETRIES || this.closed) throw error;
        await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // One-shot reads (the CLI's), independent of the assignment

  /** Records of one partition from `from` on, in offset order. */
  async *consume(options: ConsumeOptions): AsyncGenerator<Record, void, undefined> {
    const { topic, partition, signal } = options;
    const follow = options.follow ?? false;
    if (signal?.aborted) return;
    const [start, end] = await Promise.all([
      this.resolveStart(topic, partition, options.from ?? 'earliest'),
      follow ? Promise.resolve(Number.POSITIVE_INFINITY) : this.offset(topic, partition, 'latest'),
    ]);
    if (!follow && start >= end) return;
    if (signal?.aborted) return;
    const connection = await this.leader(topic, partition);

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
    const connection = await this.leader(topic, partition);
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
      this.failed(error.reasonName, topic, undefined);
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
}
