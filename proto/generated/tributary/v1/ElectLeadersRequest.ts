// Original file: proto/tributary/v1/admin_service.proto

import type { ElectionType as _tributary_v1_ElectionType, ElectionType__Output as _tributary_v1_ElectionType__Output } from '../../tributary/v1/ElectionType.js';
import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from '../../tributary/v1/TopicPartitions.js';

export interface ElectLeadersRequest {
  'type'?: (_tributary_v1_ElectionType);
  /**
   * Empty: every partition of every topic.
   */
  'topics'?: (_tributary_v1_TopicPartitions)[];
}

export interface ElectLeadersRequest__Output {
  'type': (_tributary_v1_ElectionType__Output);
  /**
   * Empty: every partition of every topic.
   */
  'topics': (_tributary_v1_TopicPartitions__Output)[];
}
