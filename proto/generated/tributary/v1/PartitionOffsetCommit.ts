// Original file: proto/tributary/v1/group_service.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionOffsetCommit {
  'partition'?: (number);
  /**
   * The next offset to consume (as in Kafka: the last processed offset + 1).
   */
  'offset'?: (number | string | Long);
  /**
   * Free text stored with the offset (at most 4096 bytes).
   */
  'metadata'?: (string);
}

export interface PartitionOffsetCommit__Output {
  'partition': (number);
  /**
   * The next offset to consume (as in Kafka: the last processed offset + 1).
   */
  'offset': (string);
  /**
   * Free text stored with the offset (at most 4096 bytes).
   */
  'metadata': (string);
}
