// Original file: proto/tributary/v1/admin_service.proto

import type { BrokerBalance as _tributary_v1_BrokerBalance, BrokerBalance__Output as _tributary_v1_BrokerBalance__Output } from '../../tributary/v1/BrokerBalance.js';
import type { RebalancePlan as _tributary_v1_RebalancePlan, RebalancePlan__Output as _tributary_v1_RebalancePlan__Output } from '../../tributary/v1/RebalancePlan.js';
import type { BalancingConfig as _tributary_v1_BalancingConfig, BalancingConfig__Output as _tributary_v1_BalancingConfig__Output } from '../../tributary/v1/BalancingConfig.js';

export interface DescribeBalanceResponse {
  'brokers'?: (_tributary_v1_BrokerBalance)[];
  /**
   * Unset when no plan is running.
   */
  'current'?: (_tributary_v1_RebalancePlan | null);
  /**
   * The last finished plan (completed, cancelled, superseded or failed), without moves; unset if none.
   */
  'last'?: (_tributary_v1_RebalancePlan | null);
  'config'?: (_tributary_v1_BalancingConfig | null);
}

export interface DescribeBalanceResponse__Output {
  'brokers': (_tributary_v1_BrokerBalance__Output)[];
  /**
   * Unset when no plan is running.
   */
  'current': (_tributary_v1_RebalancePlan__Output | null);
  /**
   * The last finished plan (completed, cancelled, superseded or failed), without moves; unset if none.
   */
  'last': (_tributary_v1_RebalancePlan__Output | null);
  'config': (_tributary_v1_BalancingConfig__Output | null);
}
