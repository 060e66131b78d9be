import { TributaryError } from '../../proto/errors.js';

/** Batches remembered per producer for duplicate detection (Kafka keeps 5, matching max in-flight). */
export const BATCHES_PER_PRODUCER = 5;
const INT32_MAX = 0x7fffffff;

/** One appended batch of an idempotent producer. */
export interface ProducerBatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly timestampMs: number;
}

export interface ProducerEntry {
  epoch: number;
  /** Oldest first, at most BATCHES_PER_PRODUCER. */
  batches: ProducerBatchMetadata[];
  lastTimestampMs: number;
}

/** What a batch header says about its producer. */
export interface BatchIdentity {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Records in the batch minus one (lastOffsetDelta). */
  lastOffsetDelta: number;
}

export type SequenceCheck =
  | { kind: 'none' }
  | { kind: 'append'; firstSeq: number; lastSeq: number }
  | { kind: 'duplicate'; batch: ProducerBatchMetadata };

export function lastSequence(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta
    ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

function nextSequence(seq: number): number {
  return seq === INT32_MAX ? 0 : seq + 1;
}

/**
 * The idempotent-producer state of one partition (Kafka's ProducerStateManager): per producer id its
 * epoch and its last few batches' sequence ranges and offsets. The leader checks every batch of an
 * idempotent producer against it: the next sequence is appended, a repeat of a remembered batch is a
 * duplicate answered with the original offsets, anything else is refused (OUT_OF_ORDER_SEQUENCE_NUMBER);
 * an older epoch is fenced (INVALID_PRODUCER_EPOCH). Followers apply the leader's batches without
 * checks, so a new leader knows every producer. The state is rebuilt from the log (and a snapshot) at
 * start. Producers idle longer than the expiration are forgotten; at most `maxProducers` are kept.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  constructor(
    private readonly maxProducers = 100_000,
    private readonly expirationMs = 7 * 24 * 3600 * 1000,
  ) {}

  get size(): number {
    return this.producers.size;
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Checks a batch a producer sent to the leader, against `pending` (queued, not yet written) first. */
  check(b: BatchIdentity, pending?: ProducerEntry): SequenceCheck {
    if (b.producerId < 0) return { kind: 'none' };
    if (b.producerEpoch < 0 || b.baseSequence < 0) {
      throw new TributaryError(
        'INVALID_REQUEST',
        `producer ${b.producerId} sent epoch ${b.producerEpoch}, sequence ${b.baseSequence}`,
      );
    }
    const firstSeq = b.baseSequence;
    const lastSeq = lastSequence(firstSeq, b.lastOffsetDelta);
    const known = mergeEntries(this.producers.get(b.producerId), pending);
    if (known === undefined) {
      if (firstSeq !== 0) {
        throw new TributaryError(
          'UNKNOWN_PRODUCER_ID',
          `producer ${b.producerId} is unknown to this partition and sent sequence ${firstSeq}, not 0 (its state expired or was never written here)`,
        );
      }
      return { kind: 'append', firstSeq, lastSeq };
    }
    if (b.producerEpoch < known.epoch) {
      throw new TributaryError(
        'INVALID_PRODUCER_EPOCH',
        `producer ${b.producerId} epoch ${b.producerEpoch} is fenced by epoch ${known.epoch}`,
      );
    }
    if (b.producerEpoch > known.epoch) {
      if (firstSeq !== 0) {
        throw new TributaryError(
          'OUT_OF_ORDER_SEQUENCE_NUMBER',
          `producer ${b.producerId} starts epoch ${b.producerEpoch} at sequence ${firstSeq}, not 0`,
        );
      }
      return { kind: 'append', firstSeq, lastSeq };
    }
    const dup = known.batches.find((x) => x.firstSeq === firstSeq && x.lastSeq === lastSeq);
    if (dup !== undefined) return { kind: 'duplicate', batch: dup };
    const last = known.batches[known.batches.length - 1];
    const expected = last === undefined ? 0 : nextSequence(last.lastSeq);
    if (firstSeq !== expected) {
      throw new TributaryError(
        'OUT_OF_ORDER_SEQUENCE_NUMBER',
        `producer ${b.producerId} sent sequence ${firstSeq}, expected ${expected}`,
      );
    }
    return { kind: 'append', firstSeq, lastSeq };
  }

  /** Records an appended batch (leader after its write; follower and recovery for every batch). */
  apply(producerId: number, epoch: number, batch: ProducerBatchMetadata): void {
    if (producerId < 0) return;
    let entry = this.producers.get(producerId);
    if (entry === undefined || epoch > entry.epoch) {
      entry = { epoch, batches: [], lastTimestampMs: batch.timestampMs };
    }
    this.producers.delete(producerId); // re-insert: the map's order is least recently written first
    this.producers.set(producerId, entry);
    entry.batches.push(batch);
    if (entry.batches.length > BATCHES_PER_PRODUCER) entry.batches.shift();
    entry.lastTimestampMs = Math.max(entry.lastTimestampMs, batch.timestampMs);
    while (this.producers.size > this.maxProducers) {
      const oldest = this.producers.keys().next().value as number;
      this.producers.delete(oldest);
    }
  }

  /** Forgets producers that wrote nothing for the expiration time. */
  expire(nowMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (nowMs - e.lastTimestampMs > this.expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.producers.clear();
  }

  toJSON(): Array<[number, ProducerEntry]> {
    return [...this.producers];
  }

  load(entries: Array<[number, ProducerEntry]>): void {
    this.producers.clear();
    for (const [id, e] of entries) this.producers.set(id, e);
  }
}

/** The committed entry with the queued (pending) batches of the same producer layered on top. */
function mergeEntries(
  committed: ProducerEntry | undefined,
  pending: ProducerEntry | undefined,
): ProducerEntry | undefined {
  if (pending === undefined) return committed;
  if (committed === undefined || pending.epoch > committed.epoch) return pending;
  return {
    epoch: committed.epoch,
    batches: [...committed.batches, ...pending.batches].slice(-BATCHES_PER_PRODUCER),
    lastTimestampMs: Math.max(committed.lastTimestampMs, pending.lastTimestampMs),
  };
}
