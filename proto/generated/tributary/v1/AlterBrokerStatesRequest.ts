// Original file: proto/tributary/v1/admin_service.proto

import type { BrokerStateChange as _tributary_v1_BrokerStateChange, BrokerStateChange__Output as _tributary_v1_BrokerStateChange__Output } from '../../tributary/v1/BrokerStateChange.js';

export interface AlterBrokerStatesRequest {
  'brokers'?: (_tributary_v1_BrokerStateChange)[];
  /**
   * Check everything (ids, states, scale-down safety) but change nothing.
   */
  'validate_only'?: (boolean);
}

export interface AlterBrokerStatesRequest__Output {
  'brokers': (_tributary_v1_BrokerStateChange__Output)[];
  /**
   * Check everything (ids, states, scale-down safety) but change nothing.
   */
  'validate_only': (boolean);
}
