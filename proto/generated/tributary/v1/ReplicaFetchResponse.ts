// Original file: proto/tributary/v1/replication_service.proto

import type { ReplicaFetchPartitionResponse as _tributary_v1_ReplicaFetchPartitionResponse, ReplicaFetchPartitionResponse__Output as _tributary_v1_ReplicaFetchPartitionResponse__Output } from '../../tributary/v1/ReplicaFetchPartitionResponse.js';

export interface ReplicaFetchResponse {
  'partitions'?: (_tributary_v1_ReplicaFetchPartitionResponse)[];
}

export interface ReplicaFetchResponse__Output {
  'partitions': (_tributary_v1_ReplicaFetchPartitionResponse__Output)[];
}
