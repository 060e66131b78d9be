// Original file: proto/tributary/v1/group_service.proto

import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from '../../tributary/v1/TopicPartitions.js';

export interface ConsumerGroupHeartbeatResponse {
  'member_id'?: (string);
  'member_epoch'?: (number);
  'heartbeat_interval_ms'?: (number);
  /**
   * The partitions the member should own now: it stops (after committing) any it owns that are not
   * here, confirms in its next heartbeat, and starts the new ones.
   */
  'assignment'?: (_tributary_v1_TopicPartitions)[];
}

export interface ConsumerGroupHeartbeatResponse__Output {
  'member_id': (string);
  'member_epoch': (number);
  'heartbeat_interval_ms': (number);
  /**
   * The partitions the member should own now: it stops (after committing) any it owns that are not
   * here, confirms in its next heartbeat, and starts the new ones.
   */
  'assignment': (_tributary_v1_TopicPartitions__Output)[];
}
