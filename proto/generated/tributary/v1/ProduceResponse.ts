// Original file: proto/tributary/v1/client_service.proto

import type { TopicProduceResponse as _tributary_v1_TopicProduceResponse, TopicProduceResponse__Output as _tributary_v1_TopicProduceResponse__Output } from '../../tributary/v1/TopicProduceResponse.js';

export interface ProduceResponse {
  'topics'?: (_tributary_v1_TopicProduceResponse)[];
}

export interface ProduceResponse__Output {
  'topics': (_tributary_v1_TopicProduceResponse__Output)[];
}
