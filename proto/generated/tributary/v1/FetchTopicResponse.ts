// Original file: proto/tributary/v1/client_service.proto

import type { FetchPartitionResponse as _tributary_v1_FetchPartitionResponse, FetchPartitionResponse__Output as _tributary_v1_FetchPartitionResponse__Output } from '../../tributary/v1/FetchPartitionResponse.js';

export interface FetchTopicResponse {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_FetchPartitionResponse)[];
}

export interface FetchTopicResponse__Output {
  'topic': (string);
  'partitions': (_tributary_v1_FetchPartitionResponse__Output)[];
}
