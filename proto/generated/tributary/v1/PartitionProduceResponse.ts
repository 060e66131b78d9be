// Original file: proto/tributary/v1/client_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { Long } from '@grpc/proto-loader';

export interface PartitionProduceResponse {
  'partition'?: (number);
  /**
   * Set when this partition failed; the other fields are then meaningless.
   */
  'error'?: (_tributary_v1_Error | null);
  /**
   * Offset of the first appended record (-1 with acks NONE).
   */
  'base_offset'?: (number | string | Long);
  /**
   * Offset of the last appended record (-1 with acks NONE).
   */
  'last_offset'?: (number | string | Long);
  /**
   * The broker's append time when the topic uses LogAppendTime, otherwise -1.
   */
  'log_append_time_ms'?: (number | string | Long);
  'log_start_offset'?: (number | string | Long);
  /**
   * The leader epoch under which the records were appended (-1 with acks NONE).
   */
  'leader_epoch'?: (number);
  /**
   * The broker that appended them as leader.
   */
  'leader_id'?: (number);
}

export interface PartitionProduceResponse__Output {
  'partition': (number);
  /**
   * Set when this partition failed; the other fields are then meaningless.
   */
  'error': (_tributary_v1_Error__Output | null);
  /**
   * Offset of the first appended record (-1 with acks NONE).
   */
  'base_offset': (string);
  /**
   * Offset of the last appended record (-1 with acks NONE).
   */
  'last_offset': (string);
  /**
   * The broker's append time when the topic uses LogAppendTime, otherwise -1.
   */
  'log_append_time_ms': (string);
  'log_start_offset': (string);
  /**
   * The leader epoch under which the records were appended (-1 with acks NONE).
   */
  'leader_epoch': (number);
  /**
   * The broker that appended them as leader.
   */
  'leader_id': (number);
}
