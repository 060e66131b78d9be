// Original file: proto/tributary/v1/admin_service.proto

import type { BrokerBalanceState as _tributary_v1_BrokerBalanceState, BrokerBalanceState__Output as _tributary_v1_BrokerBalanceState__Output } from '../../tributary/v1/BrokerBalanceState.js';
import type { Long } from '@grpc/proto-loader';

export interface BrokerBalance {
  'broker_id'?: (number);
  'state'?: (_tributary_v1_BrokerBalanceState);
  /**
   * Registered now.
   */
  'live'?: (boolean);
  'rack'?: (string);
  /**
   * Replicas and leaderships it holds (the target replicas of partitions being moved).
   */
  'replicas'?: (number);
  'leaders'?: (number);
  /**
   * Bytes on disk of the partitions it holds, as their leaders measure them.
   */
  'size_bytes'?: (number | string | Long);
}

export interface BrokerBalance__Output {
  'broker_id': (number);
  'state': (_tributary_v1_BrokerBalanceState__Output);
  /**
   * Registered now.
   */
  'live': (boolean);
  'rack': (string);
  /**
   * Replicas and leaderships it holds (the target replicas of partitions being moved).
   */
  'replicas': (number);
  'leaders': (number);
  /**
   * Bytes on disk of the partitions it holds, as their leaders measure them.
   */
  'size_bytes': (string);
}
