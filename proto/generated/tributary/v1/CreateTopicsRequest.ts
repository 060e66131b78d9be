// Original file: proto/tributary/v1/admin_service.proto

import type { NewTopic as _tributary_v1_NewTopic, NewTopic__Output as _tributary_v1_NewTopic__Output } from '../../tributary/v1/NewTopic.js';

export interface CreateTopicsRequest {
  'topics'?: (_tributary_v1_NewTopic)[];
  /**
   * Validate everything but create nothing.
   */
  'validate_only'?: (boolean);
}

export interface CreateTopicsRequest__Output {
  'topics': (_tributary_v1_NewTopic__Output)[];
  /**
   * Validate everything but create nothing.
   */
  'validate_only': (boolean);
}
