// Original file: proto/tributary/v1/client_service.proto

import type { StartPosition as _tributary_v1_StartPosition, StartPosition__Output as _tributary_v1_StartPosition__Output } from '../../tributary/v1/StartPosition.js';
import type { RecordFormat as _tributary_v1_RecordFormat, RecordFormat__Output as _tributary_v1_RecordFormat__Output } from '../../tributary/v1/RecordFormat.js';
import type { Long } from '@grpc/proto-loader';

export interface SubscribeRequest {
  'topic'?: (string);
  'partition'?: (number);
  'position'?: (_tributary_v1_StartPosition);
  'offset'?: (number | string | Long);
  'timestamp_ms'?: (number | string | Long);
  /**
   * Largest message the server sends; 0 means the broker default (1 MiB).
   */
  'max_bytes'?: (number);
  'format'?: (_tributary_v1_RecordFormat);
  'start'?: "position"|"offset"|"timestamp_ms";
}

export interface SubscribeRequest__Output {
  'topic': (string);
  'partition': (number);
  'position'?: (_tributary_v1_StartPosition__Output);
  'offset'?: (string);
  'timestamp_ms'?: (string);
  /**
   * Largest message the server sends; 0 means the broker default (1 MiB).
   */
  'max_bytes': (number);
  'format': (_tributary_v1_RecordFormat__Output);
  'start'?: "position"|"offset"|"timestamp_ms";
}
