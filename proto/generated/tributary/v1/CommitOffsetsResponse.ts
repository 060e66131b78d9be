// Original file: proto/tributary/v1/group_service.proto

import type { PartitionResult as _tributary_v1_PartitionResult, PartitionResult__Output as _tributary_v1_PartitionResult__Output } from '../../tributary/v1/PartitionResult.js';

export interface CommitOffsetsResponse {
  'results'?: (_tributary_v1_PartitionResult)[];
}

export interface CommitOffsetsResponse__Output {
  'results': (_tributary_v1_PartitionResult__Output)[];
}
