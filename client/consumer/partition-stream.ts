/**
 * One partition's Subscribe stream for the `Consumer`: opens it at an offset on the partition's leader,
 * decodes each message's batches, drops records before the offset asked for, and hands the rest to the
 * owner. It reconnects after retriable failures (the broker restarting, BROKER_SHUTTING_DOWN, NOT_LEADER)
 * with exponential backoff, at the offset after the last record it handed over, so nothing is lost or
 * repeated. Non-retriable failures (OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC, a corrupt batch) and running out of
 * reconnect attempts go to `onError`, once.
 *
 * Flow control: `setFlowing(false)` pauses the grpc-js stream, so grpc-js stops reading the HTTP/2 stream
 * and the broker, its window full, stops reading the log. Offsets are checked to strictly increase.
 */
import type { ClientReadableStream } from '@grpc/grpc-js';
import { backoffDelayMs } from '../../kit/index.js';
import { decodeReadableBatches } from '../../proto/codec/index.js';
import type { TributaryError } from '../../proto/errors.js';
import type { SubscribeResponse__Output } from '../../proto/generated/tributary/v1/SubscribeResponse.js';
import type { Connection } from '../connection.js';
import { fromServiceError, reasonOf, TributaryClientError } from '../errors.js';
import type { RetryEvent } from '../events.js';
import type { Record } from './types.js';

export interface ReconnectPolicy {
  /** First backoff; doubles per failed attempt. Default 100. */
  backoffMs: number;
  /** Largest backoff. Default 5000. */
  backoffMaxMs: number;
  /** Consecutive failed attempts before the error surfaces. Default 20 (about a minute and a half). */
  attemptsMax: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  backoffMs: 100,
  backoffMaxMs: 5_000,
  attemptsMax: 20,
};

export interface PartitionStreamOptions {
  topic: string;
  partition: number;
  /** Largest message the broker sends (Subscribe max_bytes); 0 means the broker default. */
  maxBytes: number;
  reconnect: ReconnectPolicy;
  /** The partition's leader and a connection to it. */
  leader: () => Promise<{ brokerId: number; connection: Connection }>;
  /** Called with every failure, so the cluster layer can drop stale metadata or a dead connection. */
  failed: (reasonName: string, brokerId: number | undefined) => void;
  onRecords: (records: Record[], bytes: number) => void;
  /** A retriable failure: the stream opens again after `delayMs`. */
  onReconnect?: (event: RetryEvent) => void;
  onError: (error: TributaryError) => void;
}

/**
 * grpc-js's `ClientReadableStream` is an object-mode Readable with Node's default highWaterMark of 16, so
 * a paused call keeps reading until 16 messages (up to 16 x max_bytes) wait inside it, unseen by the
 * prefetch bound. It takes no option for this; lowering the field of the stream's state keeps at most one
 * message there. Harmless when flowing: messages are emitted as they arrive. If a Node or grpc-js release
 * moves the field, this does nothing and the default applies.
 */
function limitReadAhead(call: ClientReadableStream<unknown>): void {
  const state = (call as unknown as { _readableState?: { highWaterMark?: unknown } })._readableState;
  if (state !== undefined && typeof state.highWaterMark === 'number') state.highWaterMark = 1;
}

/** `backoffMs * 2^(attempt - 1)` capped at `backoffMaxMs`, no jitter: the shared formula (kit/backoff.ts). */
export function reconnectDelayMs(attempt: number, policy: ReconnectPolicy): number {
  if (policy.backoffMs <= 0 || policy.backoffMaxMs <= 0) return 0;
  const baseMs = Math.min(policy.backoffMs, policy.backoffMaxMs);
  return backoffDelayMs(attempt, { baseMs, maxMs: policy.backoffMaxMs });
}

export class PartitionStream {
  /** The offset of the next record this stream will hand over. */
  next = 0;
  /** The last high watermark the broker reported (-1 before the first message). */
  highWatermark = -1;
  /** Reconnects since the consumer started, for tests and metrics. */
  reconnects = 0;
  private call: ClientReadableStream<SubscribeResponse__Output> | null = null;
  /** Bumped by every (re)open and close, so events of a superseded call are ignored. */
  private generation = 0;
  private flowing = true;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly options: PartitionStreamOptions) {}

  /** Messages received by grpc-js and not yet handed to this stream (held while paused). */
  get queuedMessages(): number {
    return this.call?.readableLength ?? 0;
  }

  get topic(): string {
    return this.options.topic;
  }

  get partition(): number {
    return this.options.partition;
  }

  /** (Re)opens the stream at `offset`, abandoning the current call. */
  start(offset: number): void {
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid offset ${offset}`);
    this.next = offset;
    this.failures = 0;
    this.open();
  }

  /** Pauses or resumes reading the current (and any future) call. */
  setFlowing(flowing: boolean): void {
    if (this.flowing === flowing) return;
    this.flowing = flowing;
    if (this.call === null) return;
    if (flowing) this.call.resume();
    else this.call.pause();
  }

  close(): void {
    this.closed = true;
    this.abandon();
  }

  private abandon(): void {
    this.generation += 1;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const call = this.call;
    this.call = null;
    call?.cancel();
  }

  private open(): void {
    this.abandon();
    if (this.closed) return;
    const generation = this.generation;
    const { topic, partition } = this.options;
    this.options.leader().then(
      ({ brokerId, connection }) => {
        if (generation !== this.generation) return;
        const call = connection.client.Subscribe({
          topic,
          partition,
          offset: String(this.next),
          max_bytes: this.options.maxBytes,
          format: 'RECORD_FORMAT_BATCHES',
        });
        this.call = call;
        limitReadAhead(call);
        call.on('data', (message: SubscribeResponse__Output) => {
          if (generation === this.generation) this.onMessage(message);
        });
        call.on('error', (err: unknown) => {
          if (generation === this.generation) this.onFailure(fromServiceError(err), brokerId);
        });
        call.on('end', () => {
          if (generation !== this.generation) return;
          this.onFailure(
            new TributaryClientError('UNAVAILABLE', 'the broker ended the stream', { retriable: true }),
          );
        });
        if (!this.flowing) call.pause();
      },
      (err: unknown) => {
        if (generation === this.generation) this.onFailure(fromServiceError(err));
      },
    );
  }

  private onMessage(message: SubscribeResponse__Output): void {
    this.failures = 0;
    const { topic, partition } = this.options;
    const records: Record[] = [];
    let next = this.next;
    // A batch that cannot be decoded ends the message: the records before it are delivered first, then
    // the partition fails (docs/api.md: a bad batch never hides the good records before it).
    const decoded = decodeReadableBatches(message.batches);
    for (const one of decoded.records) {
      // A message's first batch may start before the offset asked for.
      if (one.offset < next) continue;
      // Tag the decoded object in place: a spread copy per record cost more than the decoding.
      const record = one as Record;
      record.topic = topic;
      record.partition = partition;
      records.push(record);
      next = record.offset + 1;
    }
    if (decoded.error !== undefined) {
      this.next = next;
      if (records.length > 0) this.options.onRecords(records, message.batches.length);
      this.fail(fromServiceError(decoded.error));
      return;
    }
    const nextOffset = Number(message.next_offset);
    if (nextOffset < this.next) {
      this.fail(
        new TributaryClientError(
          'INTERNAL',
          `${topic}[${partition}]: offsets went backwards (next_offset ${nextOffset} < ${this.next})`,
        ),
      );
      return;
    }
    // Aborted transactions and compaction leave gaps; next_offset skips them.
    this.next = Math.max(next, nextOffset);
    this.highWatermark = Number(message.high_watermark);
    this.options.onRecords(records, message.batches.length);
  }

  private onFailure(error: TributaryError, brokerId?: number): void {
    this.call = null;
    if (this.closed) return;
    const { reconnect } = this.options;
    this.options.failed(reasonOf(error), brokerId);
    if (!error.retriable || this.failures >= reconnect.attemptsMax) {
      this.fail(error);
      return;
    }
    this.failures += 1;
    const delayMs = reconnectDelayMs(this.failures, reconnect);
    this.reconnects += 1;
    this.options.onReconnect?.({
      topic: this.options.topic,
      partition: this.options.partition,
      attempt: this.failures,
      delayMs,
      error,
    });
    const generation = this.generation;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (generation === this.generation && !this.closed) this.open();
    }, delayMs);
  }

  private fail(error: TributaryError): void {
    this.abandon();
    const { topic, partition } = this.options;
    this.options.onError(
      new TributaryClientError(reasonOf(error), `${topic}[${partition}]: ${error.message}`, {
        code: error.code,
        retriable: error.retriable,
        cause: error,
      }),
    );
  }
}
