// Original file: proto/tributary/v1/group_service.proto

import type { TopicOffsetCommit as _tributary_v1_TopicOffsetCommit, TopicOffsetCommit__Output as _tributary_v1_TopicOffsetCommit__Output } from '../../tributary/v1/TopicOffsetCommit.js';

export interface CommitOffsetsRequest {
  'group_id'?: (string);
  'topics'?: (_tributary_v1_TopicOffsetCommit)[];
}

export interface CommitOffsetsRequest__Output {
  'group_id': (string);
  'topics': (_tributary_v1_TopicOffsetCommit__Output)[];
}
