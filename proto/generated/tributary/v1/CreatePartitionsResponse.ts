// Original file: proto/tributary/v1/admin_service.proto

import type { TopicResult as _tributary_v1_TopicResult, TopicResult__Output as _tributary_v1_TopicResult__Output } from '../../tributary/v1/TopicResult.js';

export interface CreatePartitionsResponse {
  'topics'?: (_tributary_v1_TopicResult)[];
}

export interface CreatePartitionsResponse__Output {
  'topics': (_tributary_v1_TopicResult__Output)[];
}
