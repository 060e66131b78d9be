// Original file: proto/tributary/v1/replication_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { EpochEndOffset as _tributary_v1_EpochEndOffset, EpochEndOffset__Output as _tributary_v1_EpochEndOffset__Output } from '../../tributary/v1/EpochEndOffset.js';
import type { Long } from '@grpc/proto-loader';

export interface ReplicaFetchPartitionResponse {
  'topic'?: (string);
  'partition'?: (number);
  'error'?: (_tributary_v1_Error | null);
  'high_watermark'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  'log_end_offset'?: (number | string | Long);
  /**
   * Set when the follower's log diverges: it truncates to the end offset of the largest epoch both share.
   */
  'diverging_epoch'?: (_tributary_v1_EpochEndOffset | null);
  'batches'?: (Buffer | Uint8Array | string);
}

export interface ReplicaFetchPartitionResponse__Output {
  'topic': (string);
  'partition': (number);
  'error': (_tributary_v1_Error__Output | null);
  'high_watermark': (string);
  'log_start_offset': (string);
  'log_end_offset': (string);
  /**
   * Set when the follower's log diverges: it truncates to the end offset of the largest epoch both share.
   */
  'diverging_epoch': (_tributary_v1_EpochEndOffset__Output | null);
  'batches': (Buffer);
}
