/** The consumer's options: defaults in one place (documented in docs/client.md) and one validation. */
import type { Logger } from '../logger.js';
import type { RebalanceListener } from './group-membership.js';
import { DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './partition-stream.js';

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
  /** Where the consumer logs what it handles itself (failed commits, reconnects); default: nowhere. */
  logger?: Logger;
  /** Names this consumer in its trace spans (`messaging.client.id`); default: none. */
  clientId?: string;
}

export interface SubscribeOptions {
  /** Called around assignment changes. */
  listener?: RebalanceListener;
}

export const DEFAULT_MAX_PREFETCH_BYTES = 16 * MiB;
export const DEFAULT_MAX_BYTES_PER_PARTITION = 1 * MiB;
/** Assigned partitions per consumer: one stream each. */
export const MAX_ASSIGNED_PARTITIONS = 10_000;

export interface ConsumerSettings {
  maxPrefetchBytes: number;
  maxBytesPerPartition: number;
  reconnect: ReconnectPolicy;
  resetPolicy: 'earliest' | 'latest' | 'none';
  /** 0 when off (no group, or turned off). */
  autoCommitIntervalMs: number;
  member: { instanceId: string; rack: string; rebalanceTimeoutMs: number };
}

/** The options with defaults filled in; throws RangeError. */
export function resolveConsumerOptions(options: ConsumerOptions): ConsumerSettings {
  const autoCommitMs = options.autoCommitIntervalMs ?? 5000;
  if (!Number.isSafeInteger(autoCommitMs) || autoCommitMs < 0) {
    throw new RangeError(`autoCommitIntervalMs must be a non-negative integer, got ${autoCommitMs}`);
  }
  const rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 60_000;
  if (!Number.isSafeInteger(rebalanceTimeoutMs) || rebalanceTimeoutMs < 1000) {
    throw new RangeError(`rebalanceTimeoutMs must be an integer >= 1000, got ${rebalanceTimeoutMs}`);
  }
  const maxBytesPerPartition = options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION;
  if (!Number.isSafeInteger(maxBytesPerPartition) || maxBytesPerPartition <= 0) {
    throw new RangeError(`maxBytesPerPartition must be a positive integer, got ${maxBytesPerPartition}`);
  }
  return {
    maxPrefetchBytes: options.maxPrefetchBytes ?? DEFAULT_MAX_PREFETCH_BYTES,
    maxBytesPerPartition,
    reconnect: { ...DEFAULT_RECONNECT_POLICY, ...options.reconnect },
    resetPolicy: options.resetPolicy ?? 'earliest',
    autoCommitIntervalMs: options.groupId === undefined ? 0 : autoCommitMs,
    member: { instanceId: options.instanceId ?? '', rack: options.rack ?? '', rebalanceTimeoutMs },
  };
}
