// Original file: proto/tributary/v1/client_service.proto

import type { ListOffsetsPartitionResponse as _tributary_v1_ListOffsetsPartitionResponse, ListOffsetsPartitionResponse__Output as _tributary_v1_ListOffsetsPartitionResponse__Output } from '../../tributary/v1/ListOffsetsPartitionResponse.js';

export interface ListOffsetsTopicResponse {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_ListOffsetsPartitionResponse)[];
}

export interface ListOffsetsTopicResponse__Output {
  'topic': (string);
  'partitions': (_tributary_v1_ListOffsetsPartitionResponse__Output)[];
}
