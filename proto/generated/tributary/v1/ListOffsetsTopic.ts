// Original file: proto/tributary/v1/client_service.proto

import type { ListOffsetsPartition as _tributary_v1_ListOffsetsPartition, ListOffsetsPartition__Output as _tributary_v1_ListOffsetsPartition__Output } from '../../tributary/v1/ListOffsetsPartition.js';

export interface ListOffsetsTopic {
  'topic'?: (string);
  'partitions'?: (_tributary_v1_ListOffsetsPartition)[];
}

export interface ListOffsetsTopic__Output {
  'topic': (string);
  'partitions': (_tributary_v1_ListOffsetsPartition__Output)[];
}
