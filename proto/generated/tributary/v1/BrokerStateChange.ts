// Original file: proto/tributary/v1/admin_service.proto

import type { BrokerBalanceState as _tributary_v1_BrokerBalanceState, BrokerBalanceState__Output as _tributary_v1_BrokerBalanceState__Output } from '../../tributary/v1/BrokerBalanceState.js';

export interface BrokerStateChange {
  'broker_id'?: (number);
  'state'?: (_tributary_v1_BrokerBalanceState);
}

export interface BrokerStateChange__Output {
  'broker_id': (number);
  'state': (_tributary_v1_BrokerBalanceState__Output);
}
