// Original file: proto/tributary/v1/client_service.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchPartition {
  'partition'?: (number);
  'fetch_offset'?: (number | string | Long);
  /**
   * Upper bound for this partition; 0 means the broker default (1 MiB).
   */
  'max_bytes'?: (number);
}

export interface FetchPartition__Output {
  'partition': (number);
  'fetch_offset': (string);
  /**
   * Upper bound for this partition; 0 means the broker default (1 MiB).
   */
  'max_bytes': (number);
}
