// Original file: proto/tributary/v1/admin_service.proto

import type { TopicConfigs as _tributary_v1_TopicConfigs, TopicConfigs__Output as _tributary_v1_TopicConfigs__Output } from '../../tributary/v1/TopicConfigs.js';

export interface DescribeConfigsResponse {
  'topics'?: (_tributary_v1_TopicConfigs)[];
}

export interface DescribeConfigsResponse__Output {
  'topics': (_tributary_v1_TopicConfigs__Output)[];
}
