// Original file: proto/tributary/v1/admin_service.proto

import type { OngoingReassignment as _tributary_v1_OngoingReassignment, OngoingReassignment__Output as _tributary_v1_OngoingReassignment__Output } from '../../tributary/v1/OngoingReassignment.js';

export interface ListPartitionReassignmentsResponse {
  'reassignments'?: (_tributary_v1_OngoingReassignment)[];
}

export interface ListPartitionReassignmentsResponse__Output {
  'reassignments': (_tributary_v1_OngoingReassignment__Output)[];
}
