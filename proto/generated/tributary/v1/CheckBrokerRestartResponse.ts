// Original file: proto/tributary/v1/admin_service.proto

import type { RestartPartition as _tributary_v1_RestartPartition, RestartPartition__Output as _tributary_v1_RestartPartition__Output } from '../../tributary/v1/RestartPartition.js';

export interface CheckBrokerRestartResponse {
  'broker_id'?: (number);
  /**
   * No partition is in `unsafe`.
   */
  'safe'?: (boolean);
  /**
   * The broker is in the ISR of every partition it replicates (`lagging` is empty).
   */
  'caught_up'?: (boolean);
  /**
   * Partitions whose ISR without this broker would be smaller than min.insync.replicas.
   */
  'unsafe'?: (_tributary_v1_RestartPartition)[];
  /**
   * Partitions whose replication factor is at most min.insync.replicas: no restart of a replica can ever be
   * safe for them, so they do not block (warnings, for the caller to report).
   */
  'never_safe'?: (_tributary_v1_RestartPartition)[];
  /**
   * Partitions this broker replicates but is not in the ISR of (it is catching up).
   */
  'lagging'?: (_tributary_v1_RestartPartition)[];
  /**
   * How many partitions this broker replicates.
   */
  'partitions'?: (number);
}

export interface CheckBrokerRestartResponse__Output {
  'broker_id': (number);
  /**
   * No partition is in `unsafe`.
   */
  'safe': (boolean);
  /**
   * The broker is in the ISR of every partition it replicates (`lagging` is empty).
   */
  'caught_up': (boolean);
  /**
   * Partitions whose ISR without this broker would be smaller than min.insync.replicas.
   */
  'unsafe': (_tributary_v1_RestartPartition__Output)[];
  /**
   * Partitions whose replication factor is at most min.insync.replicas: no restart of a replica can ever be
   * safe for them, so they do not block (warnings, for the caller to report).
   */
  'never_safe': (_tributary_v1_RestartPartition__Output)[];
  /**
   * Partitions this broker replicates but is not in the ISR of (it is catching up).
   */
  'lagging': (_tributary_v1_RestartPartition__Output)[];
  /**
   * How many partitions this broker replicates.
   */
  'partitions': (number);
}
