// Original file: proto/tributary/v1/client_service.proto

import type { PartitionProduceData as _tributary_v1_PartitionProduceData, PartitionProduceData__Output as _tributary_v1_PartitionProduceData__Output } from '../../tributary/v1/PartitionProduceData.js';

export interface TopicProduceData {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_PartitionProduceData)[];
}

export interface TopicProduceData__Output {
  'topic': (string);
  'partitions': (_tributary_v1_PartitionProduceData__Output)[];
}
