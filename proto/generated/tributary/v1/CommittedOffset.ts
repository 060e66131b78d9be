// Original file: proto/tributary/v1/group_service.proto

import type { Long } from '@grpc/proto-loader';

export interface CommittedOffset {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * -1: nothing committed for this partition.
   */
  'offset'?: (number | string | Long);
  'metadata'?: (string);
  'commit_timestamp_ms'?: (number | string | Long);
}

export interface CommittedOffset__Output {
  'topic': (string);
  'partition': (number);
  /**
   * -1: nothing committed for this partition.
   */
  'offset': (string);
  'metadata': (string);
  'commit_timestamp_ms': (string);
}
