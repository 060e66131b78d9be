// Original file: proto/tributary/v1/admin_service.proto

import type { PartitionReassignment as _tributary_v1_PartitionReassignment, PartitionReassignment__Output as _tributary_v1_PartitionReassignment__Output } from '../../tributary/v1/PartitionReassignment.js';

export interface AlterPartitionReassignmentsRequest {
  'reassignments'?: (_tributary_v1_PartitionReassignment)[];
}

export interface AlterPartitionReassignmentsRequest__Output {
  'reassignments': (_tributary_v1_PartitionReassignment__Output)[];
}
