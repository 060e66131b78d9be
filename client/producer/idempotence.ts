/**
 * The idempotent producer's identity (Kafka's TransactionManager, idempotence part): a producer id and
 * epoch from the cluster, and the next sequence number of every partition.
 *
 * - A batch is numbered at its first encoding and keeps its numbers across retries (its bytes are
 *   encoded once), so the leader recognises a retried batch and answers it with the original offsets.
 * - After a numbered batch failed for good its numbers may be missing at the broker, and later batches
 *   of the partition would be refused as out of order: `reset` drops the id and the sequences, and
 *   un-numbers the batches never sent; the next send fetches a new id first. Batches already sent keep
 *   their bytes (the broker may hold them) and fail or succeed under the old id.
 */
import type { InitProducerIdResponse__Output } from '../../proto/generated/tributary/v1/InitProducerIdResponse.js';
import type { Connection } from '../connection.js';
import type { ProducerBatch } from './accumulator.js';

/** Sequence numbers are int32 and wrap, as in Kafka. */
const SEQUENCE_MODULO = 2 ** 31;
/** Kafka's limit with idempotence: the broker remembers the last five batches per producer. */
export const IDEMPOTENT_MAX_IN_FLIGHT = 5;

export class ProducerIdentity {
  private producerId = -1;
  private producerEpoch = -1;
  private request: Promise<void> | undefined;
  /** Next sequence number per partition key. */
  private readonly sequences = new Map<string, number>();

  /** `connection()`: where InitProducerId goes (the bootstrap connection). */
  constructor(private readonly connection: () => Connection) {}

  /** Whether an id is held, so batches may be numbered. */
  get ready(): boolean {
    return this.producerId >= 0;
  }

  /** Gets a producer id and epoch from the cluster, once (concurrent callers share the request). */
  init(): Promise<void> {
    const connection = this.connection();
    this.request ??= connection
      .unary<InitProducerIdResponse__Output>((md, opts, cb) =>
        connection.client.InitProducerId({}, md, opts, cb),
      )
      .then((res) => {
        this.producerId = Number(res.producer_id);
        this.producerEpoch = res.producer_epoch;
      })
      .finally(() => {
        this.request = undefined;
      });
    return this.request;
  }

  /** Drops the id and every sequence; `unsent` batches (never sent) are numbered again at their next encoding. */
  reset(unsent: Iterable<ProducerBatch>): void {
    this.producerId = -1;
    this.producerEpoch = -1;
    this.sequences.clear();
    for (const batch of unsent) if (batch.attempts === 0) batch.encoded = null;
  }

  /** Encodes a batch, numbering it at its first encoding. */
  encode(batch: ProducerBatch): Buffer {
    if (batch.encoded !== null) return batch.encode();
    if (!this.ready) throw new Error('a batch cannot be numbered without a producer id');
    const baseSequence = this.sequences.get(batch.key) ?? 0;
    const encoded = batch.encode({
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence,
    });
    this.sequences.set(batch.key, (baseSequence + batch.records.length) % SEQUENCE_MODULO);
    return encoded;
  }
}
