/**
 * The consumer's assigned partitions (what Kafka's Java client splits into SubscriptionState and the
 * Fetcher): per partition its stream, position, processed position and pause state, the prefetch buffer
 * they all fill, and the partition failures waiting to be thrown to the application.
 *
 * Flow control: the buffer holds at most `maxPrefetchBytes` plus one message. Once full every stream is
 * paused (grpc-js stops reading, HTTP/2 flow control stops the broker) until the buffer has drained to
 * half: resuming at the first free byte made the streams flap, one message per pause, and each resume
 * costs the broker a flow-control round trip.
 *
 * The consumer decides what a stream's final failure means (`onStreamError`): the failure is thrown to
 * the application (`fail`), or the partition restarts elsewhere (`restart`, e.g. the reset policy).
 */
import type { TributaryError } from '../../proto/errors.js';
import type { Cluster } from '../cluster.js';
import { TributaryClientError } from '../errors.js';
import type { RetryEvent } from '../events.js';
import type { CommitPositions } from './offset-committer.js';
import { PartitionStream, type ReconnectPolicy } from './partition-stream.js';
import { PrefetchBuffer } from './prefetch-buffer.js';
import { type Batch, type ConsumerStats, keyOf, type Record, type TopicPartition } from './types.js';

interface Assigned extends CommitPositions {
  readonly stream: PartitionStream;
  paused: boolean;
  /** Records were dropped while paused: resuming must re-open the stream at `position`. */
  reopenOnResume: boolean;
}

export interface AssignedPartitionsOptions {
  maxPrefetchBytes: number;
  maxBytesPerPartition: number;
  reconnect: ReconnectPolicy;
  onReconnect: (event: RetryEvent) => void;
  /** A partition's stream stopped for good; `restart(offset)` re-opens it (if still assigned) there. */
  onStreamError: (tp: TopicPartition, error: TributaryError, restart: (offset: number) => void) => void;
}

export class AssignedPartitions {
  private readonly buffer: PrefetchBuffer<Record>;
  private readonly assigned = new Map<string, Assigned>();
  /** Partition failures not yet thrown to the application ('' for the group's). */
  private readonly errors: Array<{ key: string; error: TributaryError }> = [];
  /** Streams are paused because the buffer is full. */
  private flowPaused = false;
  /** The partition whose records were last handed out and are not yet known to be processed. */
  private outstanding: string | undefined;
  private closed = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: AssignedPartitionsOptions,
  ) {
    this.buffer = new PrefetchBuffer<Record>(options.maxPrefetchBytes);
  }

  get size(): number {
    return this.assigned.size;
  }

  get bufferedBytes(): number {
    return this.buffer.bytes;
  }

  /** True while no record handed to the application is still being processed. */
  get idle(): boolean {
    return this.outstanding === undefined;
  }

  /** Starts (or restarts) reading a partition at `offset`. */
  start(topic: string, partition: number, offset: number): void {
    const key = keyOf(topic, partition);
    const previous = this.assigned.get(key);
    if (previous !== undefined) {
      previous.stream.close();
      this.buffer.drop(key);
      this.clearErrors(key);
    }
    const stream: PartitionStream = new PartitionStream({
      topic,
      partition,
      maxBytes: this.options.maxBytesPerPartition,
      reconnect: this.options.reconnect,
      leader: () => this.cluster.leaderFor(topic, partition),
      failed: (reasonName, brokerId) => this.cluster.invalidateFor(reasonName, topic, brokerId),
      onRecords: (records, bytes) => this.received(key, records, bytes),
      onReconnect: this.options.onReconnect,
      onError: (error) =>
        this.options.onStreamError({ topic, partition }, error, (at) => {
          const a = this.assigned.get(key);
          if (a === undefined || a.stream !== stream) return;
          this.buffer.drop(key);
          a.position = at;
          a.processed = at;
          stream.start(at);
        }),
    });
    this.assigned.set(key, {
      topic,
      partition,
      stream,
      position: offset,
      processed: offset,
      paused: false,
      reopenOnResume: false,
    });
    stream.setFlowing(!this.flowPaused);
    stream.start(offset);
  }

  /** A failure the application gets from its next read (`tp` undefined: the group's, not a partition's). */
  fail(tp: TopicPartition | undefined, error: TributaryError): void {
    this.errors.push({ key: tp === undefined ? '' : keyOf(tp.topic, tp.partition), error });
    this.buffer.wake();
  }

  /** Stops handing out records of these partitions (they stay assigned until `unassign`). */
  stopDelivery(partitions: TopicPartition[]): void {
    for (const tp of partitions) {
      const a = this.assigned.get(keyOf(tp.topic, tp.partition));
      if (a === undefined) continue;
      a.stream.close();
      this.buffer.drop(keyOf(tp.topic, tp.partition));
    }
    this.updateFlow();
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

  /** Closes every stream and drops the buffer; waiting readers wake and find the consumer done. */
  close(): void {
    this.closed = true;
    for (const a of this.assigned.values()) a.stream.close();
    for (const key of this.assigned.keys()) this.buffer.drop(key);
    this.buffer.wake();
  }

  /** The assigned partitions, sorted by topic and partition. */
  assignment(): TopicPartition[] {
    return [...this.assigned.values()]
      .map(({ topic, partition }) => ({ topic, partition }))
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Every partition's positions (for commits). */
  positions(partitions?: TopicPartition[]): CommitPositions[] {
    if (partitions === undefined) return [...this.assigned.values()];
    return partitions
      .map((tp) => this.assigned.get(keyOf(tp.topic, tp.partition)))
      .filter((a): a is Assigned => a !== undefined);
  }

  position(tp: TopicPartition): number {
    return this.get(tp).position;
  }

  highWatermark(tp: TopicPartition): number {
    return this.get(tp).stream.highWatermark;
  }

  seek(target: TopicPartition & { offset: number }): void {
    const a = this.get(target);
    if (!Number.isSafeInteger(target.offset) || target.offset < 0) {
      throw new RangeError(`offset must be a non-negative integer, got ${target.offset}`);
    }
    const key = keyOf(a.topic, a.partition);
    this.buffer.drop(key);
    this.clearErrors(key);
    a.position = target.offset;
    a.processed = target.offset;
    a.reopenOnResume = false;
    a.stream.start(target.offset);
    this.updateFlow();
  }

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
      maxPrefetchBytes: this.options.maxPrefetchBytes,
      queuedMessages,
      reconnects,
    };
  }

  /** What was handed out before is processed now (the application asked for more). */
  markProcessed(): void {
    if (this.outstanding === undefined) return;
    const a = this.assigned.get(this.outstanding);
    if (a !== undefined) a.processed = a.position;
    this.outstanding = undefined;
  }

  /**
   * Throws the oldest failure not yet thrown whose partition has no records left to hand out: a
   * partition's records received before its failure (those before an undecodable batch, say) reach the
   * application first (docs/api.md: a bad batch never hides the good records before it). A group's
   * failure (no partition) is thrown at once.
   */
  throwPendingError(): void {
    const at = this.errors.findIndex((e) => e.key === '' || !this.buffer.has(e.key));
    if (at < 0) return;
    const [failed] = this.errors.splice(at, 1);
    throw failed!.error;
  }

  /** A buffered record, advancing its partition's position; undefined when none is buffered. */
  takeRecord(): Record | undefined {
    const taken = this.buffer.take();
    if (taken === undefined) return undefined;
    this.handedOver(taken.key, [taken.record]);
    return taken.record;
  }

  /** The buffered records of one partition (at most one received message's worth). */
  takeBatch(): Batch | undefined {
    const chunk = this.buffer.takeChunk();
    if (chunk === undefined) return undefined;
    const a = this.handedOver(chunk.key, chunk.records);
    return {
      topic: a.topic,
      partition: a.partition,
      records: chunk.records,
      highWatermark: a.stream.highWatermark,
    };
  }

  /** Resolves when records or a failure arrive, or `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    return this.buffer.wait(signal);
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

  /** Pauses every stream when the buffer is full; resumes the unpaused ones once it drained to half. */
  private updateFlow(): void {
    const paused = this.flowPaused ? this.buffer.bytes > this.options.maxPrefetchBytes / 2 : this.buffer.full;
    if (paused === this.flowPaused) return;
    this.flowPaused = paused;
    for (const a of this.assigned.values()) a.stream.setFlowing(!paused && !a.paused);
  }

  private clearErrors(key: string): void {
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
}
