// Original file: proto/tributary/v1/client_service.proto

import type { PartitionProduceResponse as _tributary_v1_PartitionProduceResponse, PartitionProduceResponse__Output as _tributary_v1_PartitionProduceResponse__Output } from '../../tributary/v1/PartitionProduceResponse.js';

export interface TopicProduceResponse {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_PartitionProduceResponse)[];
}

export interface TopicProduceResponse__Output {
  'topic': (string);
  'partitions': (_tributary_v1_PartitionProduceResponse__Output)[];
}
