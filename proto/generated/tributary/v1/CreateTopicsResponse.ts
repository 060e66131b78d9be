// Original file: proto/tributary/v1/admin_service.proto

import type { TopicResult as _tributary_v1_TopicResult, TopicResult__Output as _tributary_v1_TopicResult__Output } from '../../tributary/v1/TopicResult.js';

export interface CreateTopicsResponse {
  'topics'?: (_tributary_v1_TopicResult)[];
}

export interface CreateTopicsResponse__Output {
  'topics': (_tributary_v1_TopicResult__Output)[];
}
