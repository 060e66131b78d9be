// Original file: proto/tributary/v1/replication_service.proto

import type { ConfirmLeadershipPartition as _tributary_v1_ConfirmLeadershipPartition, ConfirmLeadershipPartition__Output as _tributary_v1_ConfirmLeadershipPartition__Output } from '../../tributary/v1/ConfirmLeadershipPartition.js';

export interface ConfirmLeadershipRequest {
  /**
   * The asking leader.
   */
  'leader_id'?: (number);
  /**
   * Every partition it leads that the receiving broker hosts a replica of (at most 20000).
   */
  'partitions'?: (_tributary_v1_ConfirmLeadershipPartition)[];
}

export interface ConfirmLeadershipRequest__Output {
  /**
   * The asking leader.
   */
  'leader_id': (number);
  /**
   * Every partition it leads that the receiving broker hosts a replica of (at most 20000).
   */
  'partitions': (_tributary_v1_ConfirmLeadershipPartition__Output)[];
}
