// Original file: proto/tributary/v1/admin_service.proto

import type { PartitionResult as _tributary_v1_PartitionResult, PartitionResult__Output as _tributary_v1_PartitionResult__Output } from '../../tributary/v1/PartitionResult.js';

export interface AlterPartitionReassignmentsResponse {
  'results'?: (_tributary_v1_PartitionResult)[];
}

export interface AlterPartitionReassignmentsResponse__Output {
  'results': (_tributary_v1_PartitionResult__Output)[];
}
