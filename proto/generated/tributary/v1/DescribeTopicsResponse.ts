// Original file: proto/tributary/v1/admin_service.proto

import type { TopicDescription as _tributary_v1_TopicDescription, TopicDescription__Output as _tributary_v1_TopicDescription__Output } from '../../tributary/v1/TopicDescription.js';

export interface DescribeTopicsResponse {
  'topics'?: (_tributary_v1_TopicDescription)[];
}

export interface DescribeTopicsResponse__Output {
  'topics': (_tributary_v1_TopicDescription__Output)[];
}
