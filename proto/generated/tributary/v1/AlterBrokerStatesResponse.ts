// Original file: proto/tributary/v1/admin_service.proto

import type { BrokerBalance as _tributary_v1_BrokerBalance, BrokerBalance__Output as _tributary_v1_BrokerBalance__Output } from '../../tributary/v1/BrokerBalance.js';

export interface AlterBrokerStatesResponse {
  /**
   * Every broker the controller knows after the change (registered, holding replicas, or given a state).
   */
  'brokers'?: (_tributary_v1_BrokerBalance)[];
}

export interface AlterBrokerStatesResponse__Output {
  /**
   * Every broker the controller knows after the change (registered, holding replicas, or given a state).
   */
  'brokers': (_tributary_v1_BrokerBalance__Output)[];
}
