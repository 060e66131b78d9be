// Original file: proto/tributary/v1/group_service.proto

import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from '../../tributary/v1/TopicPartitions.js';
import type { Long } from '@grpc/proto-loader';

export interface GroupMember {
  'member_id'?: (string);
  'instance_id'?: (string);
  'rack_id'?: (string);
  'member_epoch'?: (number);
  'subscribed_topics'?: (string)[];
  'assignment'?: (_tributary_v1_TopicPartitions)[];
  'pending_revocation'?: (_tributary_v1_TopicPartitions)[];
  'target_assignment'?: (_tributary_v1_TopicPartitions)[];
  'last_heartbeat_ms'?: (number | string | Long);
}

export interface GroupMember__Output {
  'member_id': (string);
  'instance_id': (string);
  'rack_id': (string);
  'member_epoch': (number);
  'subscribed_topics': (string)[];
  'assignment': (_tributary_v1_TopicPartitions__Output)[];
  'pending_revocation': (_tributary_v1_TopicPartitions__Output)[];
  'target_assignment': (_tributary_v1_TopicPartitions__Output)[];
  'last_heartbeat_ms': (string);
}
