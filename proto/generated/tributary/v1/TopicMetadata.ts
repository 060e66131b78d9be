// Original file: proto/tributary/v1/client_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { PartitionMetadata as _tributary_v1_PartitionMetadata, PartitionMetadata__Output as _tributary_v1_PartitionMetadata__Output } from '../../tributary/v1/PartitionMetadata.js';

export interface TopicMetadata {
  'name'?: (string);
  'error'?: (_tributary_v1_Error | null);
  'topic_id'?: (string);
  'partitions'?: (_tributary_v1_PartitionMetadata)[];
}

export interface TopicMetadata__Output {
  'name': (string);
  'error': (_tributary_v1_Error__Output | null);
  'topic_id': (string);
  'partitions': (_tributary_v1_PartitionMetadata__Output)[];
}
