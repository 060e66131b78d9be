// Original file: proto/tributary/v1/admin_service.proto

import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from '../../tributary/v1/TopicPartitions.js';

export interface ListPartitionReassignmentsRequest {
  /**
   * Empty: every reassignment in progress.
   */
  'topics'?: (_tributary_v1_TopicPartitions)[];
}

export interface ListPartitionReassignmentsRequest__Output {
  /**
   * Empty: every reassignment in progress.
   */
  'topics': (_tributary_v1_TopicPartitions__Output)[];
}
