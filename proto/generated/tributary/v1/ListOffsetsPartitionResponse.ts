// Original file: proto/tributary/v1/client_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartitionResponse {
  'partition'?: (number);
  'error'?: (_tributary_v1_Error | null);
  /**
   * -1 when a timestamp lookup finds no record at or after the timestamp.
   */
  'offset'?: (number | string | Long);
  /**
   * The found record's timestamp for timestamp lookups, -1 otherwise.
   */
  'timestamp_ms'?: (number | string | Long);
}

export interface ListOffsetsPartitionResponse__Output {
  'partition': (number);
  'error': (_tributary_v1_Error__Output | null);
  /**
   * -1 when a timestamp lookup finds no record at or after the timestamp.
   */
  'offset': (string);
  /**
   * The found record's timestamp for timestamp lookups, -1 otherwise.
   */
  'timestamp_ms': (string);
}
