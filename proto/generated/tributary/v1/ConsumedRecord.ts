// Original file: proto/tributary/v1/common.proto

import type { TimestampType as _tributary_v1_TimestampType, TimestampType__Output as _tributary_v1_TimestampType__Output } from '../../tributary/v1/TimestampType.js';
import type { Header as _tributary_v1_Header, Header__Output as _tributary_v1_Header__Output } from '../../tributary/v1/Header.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A record as a consumer sees it, decoded by the broker only when the request asks for RECORDS.
 */
export interface ConsumedRecord {
  'offset'?: (number | string | Long);
  'timestamp_ms'?: (number | string | Long);
  'timestamp_type'?: (_tributary_v1_TimestampType);
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  'headers'?: (_tributary_v1_Header)[];
  '_key'?: "key";
  '_value'?: "value";
}

/**
 * A record as a consumer sees it, decoded by the broker only when the request asks for RECORDS.
 */
export interface ConsumedRecord__Output {
  'offset': (string);
  'timestamp_ms': (string);
  'timestamp_type': (_tributary_v1_TimestampType__Output);
  'key'?: (Buffer);
  'value'?: (Buffer);
  'headers': (_tributary_v1_Header__Output)[];
  '_key'?: "key";
  '_value'?: "value";
}
