// Original file: proto/tributary/v1/client_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from '../../tributary/v1/ConsumedRecord.js';
import type { Long } from '@grpc/proto-loader';

export interface FetchPartitionResponse {
  'partition'?: (number);
  'error'?: (_tributary_v1_Error | null);
  'high_watermark'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  /**
   * Whole RecordBatch v2 batches (format BATCHES). The first may start before fetch_offset: skip those
   * records.
   */
  'batches'?: (Buffer | Uint8Array | string);
  /**
   * Decoded records from fetch_offset on (format RECORDS).
   */
  'records'?: (_tributary_v1_ConsumedRecord)[];
}

export interface FetchPartitionResponse__Output {
  'partition': (number);
  'error': (_tributary_v1_Error__Output | null);
  'high_watermark': (string);
  'log_start_offset': (string);
  /**
   * Whole RecordBatch v2 batches (format BATCHES). The first may start before fetch_offset: skip those
   * records.
   */
  'batches': (Buffer);
  /**
   * Decoded records from fetch_offset on (format RECORDS).
   */
  'records': (_tributary_v1_ConsumedRecord__Output)[];
}
