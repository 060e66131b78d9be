// Original file: proto/tributary/v1/group_service.proto

import type { TopicOffsetCommit as _tributary_v1_TopicOffsetCommit, TopicOffsetCommit__Output as _tributary_v1_TopicOffsetCommit__Output } from '../../tributary/v1/TopicOffsetCommit.js';

export interface CommitOffsetsRequest {
  'group_id'?: (string);
  'topics'?: (_tributary_v1_TopicOffsetCommit)[];
  /**
   * A group member commits with its id and current epoch, and only partitions it owns; a fenced or
   * unknown member is refused (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID). Empty: an admin commit, accepted
   * only while the group has no active members (NON_EMPTY_GROUP otherwise).
   */
  'member_id'?: (string);
  'member_epoch'?: (number);
}

export interface CommitOffsetsRequest__Output {
  'group_id': (string);
  'topics': (_tributary_v1_TopicOffsetCommit__Output)[];
  /**
   * A group member commits with its id and current epoch, and only partitions it owns; a fenced or
   * unknown member is refused (STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID). Empty: an admin commit, accepted
   * only while the group has no active members (NON_EMPTY_GROUP otherwise).
   */
  'member_id': (string);
  'member_epoch': (number);
}
