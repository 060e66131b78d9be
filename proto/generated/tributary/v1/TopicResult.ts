// Original file: proto/tributary/v1/admin_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface TopicResult {
  'name'?: (string);
  /**
   * Unset on success.
   */
  'error'?: (_tributary_v1_Error | null);
}

export interface TopicResult__Output {
  'name': (string);
  /**
   * Unset on success.
   */
  'error': (_tributary_v1_Error__Output | null);
}
