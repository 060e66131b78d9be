// Original file: proto/tributary/v1/group_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { BrokerInfo as _tributary_v1_BrokerInfo, BrokerInfo__Output as _tributary_v1_BrokerInfo__Output } from '../../tributary/v1/BrokerInfo.js';

export interface FindCoordinatorResponse {
  'error'?: (_tributary_v1_Error | null);
  'coordinator'?: (_tributary_v1_BrokerInfo | null);
  /**
   * The partition of __consumer_offsets that holds the group.
   */
  'partition'?: (number);
}

export interface FindCoordinatorResponse__Output {
  'error': (_tributary_v1_Error__Output | null);
  'coordinator': (_tributary_v1_BrokerInfo__Output | null);
  /**
   * The partition of __consumer_offsets that holds the group.
   */
  'partition': (number);
}
