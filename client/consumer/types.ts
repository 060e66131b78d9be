/** The consumer's public value types. */
import type { ConsumedRecord } from '../../proto/codec/index.js';

/**
 * Where a partition starts: its first offset, its end (only new records), an offset, a time (ms), or the
 * consumer group's committed offset ('committed': needs `groupId`; `resetPolicy` decides when none).
 */
export type StartFrom = 'earliest' | 'latest' | 'committed' | { offset: number } | { timestamp: number };

/** A record with where it came from. `key`, `value` and header values are views into the received bytes. */
export type Record = ConsumedRecord & { topic: string; partition: number };

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One map key for a topic's partition (the consumer's partition-keyed maps). */
export function keyOf(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

/** One partition to assign; `from` defaults to 'earliest'. */
export interface PartitionAssignment extends TopicPartition {
  from?: StartFrom;
}

/** Several partitions of a topic (all of them by default); `from` defaults to 'earliest'. */
export interface TopicAssignment {
  topic: string;
  partitions?: number[] | 'all';
  from?: StartFrom;
}

/** Records of one partition handed to `eachBatch`, in offset order. */
export interface Batch {
  topic: string;
  partition: number;
  records: Record[];
  /** The partition's high watermark as last reported by the broker. */
  highWatermark: number;
}

export interface RunOptions {
  /** Called for each record, one at a time; the next waits for the returned promise. */
  eachRecord?: (record: Record) => Promise<void> | void;
  /** Called with the records of one partition that are ready, one batch at a time. */
  eachBatch?: (batch: Batch) => Promise<void> | void;
  /** Aborting ends the run (it resolves) once the handler in progress returns; the consumer stays open. */
  signal?: AbortSignal;
}

/** What the consumer holds right now. */
export interface ConsumerStats {
  /** Batch bytes received and not yet handed to the application. */
  bufferedBytes: number;
  bufferedRecords: number;
  maxPrefetchBytes: number;
  /** Messages waiting inside the gRPC streams (at most about one per paused stream), not yet counted above. */
  queuedMessages: number;
  /** Stream reconnects after retriable failures, over all partitions. */
  reconnects: number;
}
