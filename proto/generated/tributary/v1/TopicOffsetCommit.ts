// Original file: proto/tributary/v1/group_service.proto

import type { PartitionOffsetCommit as _tributary_v1_PartitionOffsetCommit, PartitionOffsetCommit__Output as _tributary_v1_PartitionOffsetCommit__Output } from '../../tributary/v1/PartitionOffsetCommit.js';

export interface TopicOffsetCommit {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_PartitionOffsetCommit)[];
}

export interface TopicOffsetCommit__Output {
  'topic': (string);
  'partitions': (_tributary_v1_PartitionOffsetCommit__Output)[];
}
