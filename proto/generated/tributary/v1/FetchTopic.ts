// Original file: proto/tributary/v1/client_service.proto

import type { FetchPartition as _tributary_v1_FetchPartition, FetchPartition__Output as _tributary_v1_FetchPartition__Output } from '../../tributary/v1/FetchPartition.js';

export interface FetchTopic {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_FetchPartition)[];
}

export interface FetchTopic__Output {
  'topic': (string);
  'partitions': (_tributary_v1_FetchPartition__Output)[];
}
