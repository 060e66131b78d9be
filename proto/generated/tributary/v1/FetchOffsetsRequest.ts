// Original file: proto/tributary/v1/group_service.proto

import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from '../../tributary/v1/TopicPartitions.js';

export interface FetchOffsetsRequest {
  'group_id'?: (string);
  /**
   * Empty: every partition the group has committed.
   */
  'topics'?: (_tributary_v1_TopicPartitions)[];
}

export interface FetchOffsetsRequest__Output {
  'group_id': (string);
  /**
   * Empty: every partition the group has committed.
   */
  'topics': (_tributary_v1_TopicPartitions__Output)[];
}
