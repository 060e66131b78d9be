// Original file: proto/tributary/v1/client_service.proto

import type { OffsetSpec as _tributary_v1_OffsetSpec, OffsetSpec__Output as _tributary_v1_OffsetSpec__Output } from '../../tributary/v1/OffsetSpec.js';
import type { Long } from '@grpc/proto-loader';

export interface ListOffsetsPartition {
  'partition'?: (number);
  'spec'?: (_tributary_v1_OffsetSpec);
  /**
   * With OFFSET_SPEC_TIMESTAMP: find the first record whose timestamp is at or after this.
   */
  'timestamp_ms'?: (number | string | Long);
}

export interface ListOffsetsPartition__Output {
  'partition': (number);
  'spec': (_tributary_v1_OffsetSpec__Output);
  /**
   * With OFFSET_SPEC_TIMESTAMP: find the first record whose timestamp is at or after this.
   */
  'timestamp_ms': (string);
}
