// Original file: proto/tributary/v1/replication_service.proto

import type { ReplicaFetchPartition as _tributary_v1_ReplicaFetchPartition, ReplicaFetchPartition__Output as _tributary_v1_ReplicaFetchPartition__Output } from '../../tributary/v1/ReplicaFetchPartition.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchRequest {
  'replica_id'?: (number);
  /**
   * The version of the follower's registration in the DCS; a restarted broker has a new one.
   */
  'broker_epoch'?: (number | string | Long);
  'max_wait_ms'?: (number);
  'min_bytes'?: (number);
  'max_bytes'?: (number);
  'partitions'?: (_tributary_v1_ReplicaFetchPartition)[];
}

export interface ReplicaFetchRequest__Output {
  'replica_id': (number);
  /**
   * The version of the follower's registration in the DCS; a restarted broker has a new one.
   */
  'broker_epoch': (string);
  'max_wait_ms': (number);
  'min_bytes': (number);
  'max_bytes': (number);
  'partitions': (_tributary_v1_ReplicaFetchPartition__Output)[];
}
