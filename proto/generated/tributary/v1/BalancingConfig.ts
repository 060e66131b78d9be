// Original file: proto/tributary/v1/admin_service.proto

import type { BalancingMode as _tributary_v1_BalancingMode, BalancingMode__Output as _tributary_v1_BalancingMode__Output } from '../../tributary/v1/BalancingMode.js';
import type { Long } from '@grpc/proto-loader';

export interface BalancingConfig {
  'mode'?: (_tributary_v1_BalancingMode);
  /**
   * Bytes per second a broker may copy for replicas it receives in a move, and send as leader to replicas a
   * move adds (not in sync yet); other replication is never throttled.
   */
  'throttle_bytes_per_sec'?: (number | string | Long);
  /**
   * Reassignments running at once that involve one broker (as source or target).
   */
  'moves_per_broker'?: (number);
  /**
   * Continuous mode: rebalance when a broker's replica count or bytes are this many percent off the mean.
   */
  'imbalance_threshold_percent'?: (number);
  /**
   * Continuous mode: how long a broker may be gone before its replicas are re-created elsewhere.
   */
  'gone_broker_grace_ms'?: (number | string | Long);
}

export interface BalancingConfig__Output {
  'mode': (_tributary_v1_BalancingMode__Output);
  /**
   * Bytes per second a broker may copy for replicas it receives in a move, and send as leader to replicas a
   * move adds (not in sync yet); other replication is never throttled.
   */
  'throttle_bytes_per_sec': (string);
  /**
   * Reassignments running at once that involve one broker (as source or target).
   */
  'moves_per_broker': (number);
  /**
   * Continuous mode: rebalance when a broker's replica count or bytes are this many percent off the mean.
   */
  'imbalance_threshold_percent': (number);
  /**
   * Continuous mode: how long a broker may be gone before its replicas are re-created elsewhere.
   */
  'gone_broker_grace_ms': (string);
}
