// Original file: proto/tributary/v1/admin_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface PartitionResult {
  'topic'?: (string);
  'partition'?: (number);
  'error'?: (_tributary_v1_Error | null);
}

export interface PartitionResult__Output {
  'topic': (string);
  'partition': (number);
  'error': (_tributary_v1_Error__Output | null);
}
