// Original file: proto/tributary/v1/common.proto

import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from '../../tributary/v1/Header.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A plain record, for clients that do not build RecordBatch v2 bytes themselves (grpcurl, scripts).
 * The broker encodes these into a batch; the log only ever stores batches.
 */
export interface Record {
  /**
   * Absent means a null key.
   */
  'key'?: (Buffer | Uint8Array | string);
  /**
   * Absent means a null value (a tombstone on compacted topics).
   */
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_tributary_v1_Header)[];
  /**
   * Create time in milliseconds since the epoch; 0 means "now".
   */
  'timestamp_ms'?: (number | string | Long);
  '_key'?: "key";
  '_value'?: "value";
}

/**
 * A plain record, for clients that do not build RecordBatch v2 bytes themselves (grpcurl, scripts).
 * The broker encodes these into a batch; the log only ever stores batches.
 */
export interface Record__Output {
  /**
   * Absent means a null key.
   */
  'key'?: (Buffer);
  /**
   * Absent means a null value (a tombstone on compacted topics).
   */
  'value'?: (Buffer);
  'headers': (_tributary_v1_Header__Output)[];
  /**
   * Create time in milliseconds since the epoch; 0 means "now".
   */
  'timestamp_ms': (string);
  '_key'?: "key";
  '_value'?: "value";
}
