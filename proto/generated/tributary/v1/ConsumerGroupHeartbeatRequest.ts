// Original file: proto/tributary/v1/group_service.proto

import type { TopicPartitions as _tributary_v1_TopicPartitions, TopicPartitions__Output as _tributary_v1_TopicPartitions__Output } from '../../tributary/v1/TopicPartitions.js';

/**
 * A member's heartbeat. Join with member_epoch 0 (and a member id the client generated, a UUID), then
 * send the epoch the last response gave. Leave with -1; a static member (instance_id set) restarting
 * leaves with -2 and keeps its partitions until the session times out, so its successor with the same
 * instance id takes them over without a rebalance.
 */
export interface ConsumerGroupHeartbeatRequest {
  'group_id'?: (string);
  'member_id'?: (string);
  'member_epoch'?: (number);
  'instance_id'?: (string);
  'rack_id'?: (string);
  'subscribed_topics'?: (string)[];
  /**
   * The partitions the member owns right now: how it confirms it has revoked what it was told to drop.
   */
  'owned_partitions'?: (_tributary_v1_TopicPartitions)[];
  /**
   * How long the member may take to revoke partitions before it is removed from the group.
   */
  'rebalance_timeout_ms'?: (number);
}

/**
 * A member's heartbeat. Join with member_epoch 0 (and a member id the client generated, a UUID), then
 * send the epoch the last response gave. Leave with -1; a static member (instance_id set) restarting
 * leaves with -2 and keeps its partitions until the session times out, so its successor with the same
 * instance id takes them over without a rebalance.
 */
export interface ConsumerGroupHeartbeatRequest__Output {
  'group_id': (string);
  'member_id': (string);
  'member_epoch': (number);
  'instance_id': (string);
  'rack_id': (string);
  'subscribed_topics': (string)[];
  /**
   * The partitions the member owns right now: how it confirms it has revoked what it was told to drop.
   */
  'owned_partitions': (_tributary_v1_TopicPartitions__Output)[];
  /**
   * How long the member may take to revoke partitions before it is removed from the group.
   */
  'rebalance_timeout_ms': (number);
}
