// Original file: proto/tributary/v1/client_service.proto

import type { FetchTopic as _tributary_v1_FetchTopic, FetchTopic__Output as _tributary_v1_FetchTopic__Output } from '../../tributary/v1/FetchTopic.js';
import type { RecordFormat as _tributary_v1_RecordFormat, RecordFormat__Output as _tributary_v1_RecordFormat__Output } from '../../tributary/v1/RecordFormat.js';

export interface FetchRequest {
  /**
   * Longest time to wait for min_bytes; 0 answers at once.
   */
  'max_wait_ms'?: (number);
  /**
   * Answer as soon as this many bytes are available across all partitions (at least 1).
   */
  'min_bytes'?: (number);
  /**
   * Upper bound for the whole response (at least one batch is always returned so consumers progress).
   */
  'max_bytes'?: (number);
  'topics'?: (_tributary_v1_FetchTopic)[];
  'format'?: (_tributary_v1_RecordFormat);
}

export interface FetchRequest__Output {
  /**
   * Longest time to wait for min_bytes; 0 answers at once.
   */
  'max_wait_ms': (number);
  /**
   * Answer as soon as this many bytes are available across all partitions (at least 1).
   */
  'min_bytes': (number);
  /**
   * Upper bound for the whole response (at least one batch is always returned so consumers progress).
   */
  'max_bytes': (number);
  'topics': (_tributary_v1_FetchTopic__Output)[];
  'format': (_tributary_v1_RecordFormat__Output);
}
