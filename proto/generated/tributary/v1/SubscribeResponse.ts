// Original file: proto/tributary/v1/client_service.proto

import type { ConsumedRecord as _tributary_v1_ConsumedRecord, ConsumedRecord__Output as _tributary_v1_ConsumedRecord__Output } from '../../tributary/v1/ConsumedRecord.js';
import type { Long } from '@grpc/proto-loader';

export interface SubscribeResponse {
  /**
   * The offset the next message starts at.
   */
  'next_offset'?: (number | string | Long);
  'high_watermark'?: (number | string | Long);
  'batches'?: (Buffer | Uint8Array | string);
  'records'?: (_tributary_v1_ConsumedRecord)[];
}

export interface SubscribeResponse__Output {
  /**
   * The offset the next message starts at.
   */
  'next_offset': (string);
  'high_watermark': (string);
  'batches': (Buffer);
  'records': (_tributary_v1_ConsumedRecord__Output)[];
}
