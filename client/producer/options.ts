/**
 * The producer's public types and options: defaults in one place (`PRODUCER_DEFAULTS`, documented in
 * docs/client-producer.md) and one validation, run when the producer is created.
 */
import type { CompressionName } from '../../proto/codec/compression.js';
import { compressionId, type ProducerRecord } from '../../proto/codec/index.js';
import type { Acks } from '../../proto/generated/tributary/v1/Acks.js';
import type { Logger } from '../logger.js';
import type { AcksMode } from './accumulator.js';
import { IDEMPOTENT_MAX_IN_FLIGHT } from './idempotence.js';
import type { Partitioner } from './partitioner.js';

export type Compression = CompressionName;

export interface Message {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: ProducerRecord['headers'];
  /** Explicit partition; otherwise the partitioner chooses. */
  partition?: number;
  /** Create time in ms since the epoch; defaults to now. */
  timestamp?: number;
}

export interface ProduceRecord extends Message {
  topic: string;
}

export interface SendRequest {
  topic: string;
  messages: Message[];
  acks?: AcksMode;
  /** How long the broker may wait for acks=all; 0 or absent means the broker default. */
  timeoutMs?: number;
  compression?: Compression;
  signal?: AbortSignal;
}

export interface PartitionAck {
  partition: number;
  /** First offset written; -1 with acks 'none'. */
  baseOffset: number;
  /** Last offset written; -1 with acks 'none'. */
  lastOffset: number;
  /** The broker's append time for LogAppendTime topics, else -1. */
  logAppendTimeMs: number;
}

export interface ProducerOptions {
  /** Custom partitioner for every record without an explicit partition (default: murmur2 + sticky). */
  partitioner?: Partitioner;
  acks?: AcksMode;
  compression?: Compression;
  /** A batch closes at this many (estimated) bytes. */
  batchBytes?: number;
  /** A batch closes this long after its first record. */
  lingerMs?: number;
  /** Upper bound of one Produce request (the batches of many partitions for one leader). */
  maxRequestBytes?: number;
  /** Produce requests in flight per broker (on its ProduceStream). */
  maxInFlightRequests?: number;
  /** Produce requests in flight per partition; order holds for any value (see producer.ts). */
  maxInFlightPerPartition?: number;
  /** Total bytes of records buffered and not yet acknowledged; produce() waits when full. */
  bufferBytes?: number;
  /** Re-sends of a batch after a retriable error. */
  retries?: number;
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** A record fails when not acknowledged this long after produce() (retries included). */
  deliveryTimeoutMs?: number;
  /** How long the broker may wait for acks=all; 0 means the broker default. */
  timeoutMs?: number;
  /**
   * Idempotent delivery (the default with acks all, as in Kafka's Java client): the producer gets a
   * producer id from the cluster and numbers each partition's batches, so the leader writes a retried
   * batch once. Needs acks 'all' and at most 5 requests in flight per partition.
   */
  idempotent?: boolean;
  /** Where the producer logs what it handles itself (retries, failed batches); default: nowhere. */
  logger?: Logger;
  /** Names this producer in its trace spans (`messaging.client.id`); default: none. */
  clientId?: string;
}

/** The numeric and mode options, every one set. */
export type ProducerSettings = Required<
  Omit<ProducerOptions, 'partitioner' | 'idempotent' | 'logger' | 'clientId'>
>;

const KiB = 1024;
const MiB = 1024 * KiB;

export const PRODUCER_DEFAULTS = {
  acks: 'all' as AcksMode,
  compression: 'none' as Compression,
  batchBytes: 256 * KiB,
  lingerMs: 5,
  maxRequestBytes: 1 * MiB,
  maxInFlightRequests: 5,
  maxInFlightPerPartition: 5,
  bufferBytes: 32 * MiB,
  retries: 5,
  retryBackoffMs: 100,
  retryBackoffMaxMs: 1000,
  deliveryTimeoutMs: 120_000,
  timeoutMs: 0,
} as const;

export const ACKS: Record<AcksMode, Acks> = { none: 'ACKS_NONE', leader: 'ACKS_LEADER', all: 'ACKS_ALL' };

/** The options with defaults filled in, and whether the producer is idempotent; throws RangeError. */
export function resolveProducerOptions(options: ProducerOptions): {
  settings: ProducerSettings;
  idempotent: boolean;
} {
  const o = { ...PRODUCER_DEFAULTS, ...stripUndefined(options) };
  delete (o as ProducerOptions).partitioner;
  delete (o as ProducerOptions).idempotent;
  delete (o as ProducerOptions).logger;
  delete (o as ProducerOptions).clientId;
  const idempotent = options.idempotent ?? o.acks === 'all';
  if (idempotent && o.acks !== 'all') {
    throw new RangeError(`an idempotent producer needs acks 'all', got '${o.acks}'`);
  }
  if (idempotent && o.maxInFlightPerPartition > IDEMPOTENT_MAX_IN_FLIGHT) {
    throw new RangeError(
      `an idempotent producer allows at most ${IDEMPOTENT_MAX_IN_FLIGHT} requests in flight per partition`,
    );
  }
  compressionId(o.compression);
  if (!(o.acks in ACKS)) throw new RangeError(`acks must be none, leader or all, got ${o.acks}`);
  positiveInt('batchBytes', o.batchBytes);
  positiveInt('lingerMs', o.lingerMs, 0);
  positiveInt('maxRequestBytes', o.maxRequestBytes);
  positiveInt('maxInFlightRequests', o.maxInFlightRequests);
  positiveInt('maxInFlightPerPartition', o.maxInFlightPerPartition);
  positiveInt('retries', o.retries, 0);
  positiveInt('retryBackoffMs', o.retryBackoffMs, 0);
  positiveInt('retryBackoffMaxMs', o.retryBackoffMaxMs, 0);
  positiveInt('deliveryTimeoutMs', o.deliveryTimeoutMs);
  positiveInt('timeoutMs', o.timeoutMs, 0);
  return { settings: o, idempotent };
}

function positiveInt(name: string, value: number, min = 1): number {
  if (!(Number.isInteger(value) && value >= min)) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
