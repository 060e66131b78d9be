// Original file: proto/tributary/v1/admin_service.proto

import type { RebalanceStatus as _tributary_v1_RebalanceStatus, RebalanceStatus__Output as _tributary_v1_RebalanceStatus__Output } from '../../tributary/v1/RebalanceStatus.js';
import type { BrokerLoad as _tributary_v1_BrokerLoad, BrokerLoad__Output as _tributary_v1_BrokerLoad__Output } from '../../tributary/v1/BrokerLoad.js';
import type { BalanceMove as _tributary_v1_BalanceMove, BalanceMove__Output as _tributary_v1_BalanceMove__Output } from '../../tributary/v1/BalanceMove.js';
import type { Long } from '@grpc/proto-loader';

export interface RebalancePlan {
  'id'?: (string);
  /**
   * What started it (requested, a broker joined, a broker is leaving, ...).
   */
  'reason'?: (string);
  'status'?: (_tributary_v1_RebalanceStatus);
  'started_at_ms'?: (number | string | Long);
  /**
   * 0 while not finished.
   */
  'finished_at_ms'?: (number | string | Long);
  'moves_total'?: (number);
  'moves_done'?: (number);
  'moves_running'?: (number);
  'moves_failed'?: (number);
  'moves_cancelled'?: (number);
  'bytes_total'?: (number | string | Long);
  'bytes_done'?: (number | string | Long);
  /**
   * -1 when unknown.
   */
  'estimated_ms_left'?: (number | string | Long);
  /**
   * What any plan reaching the same balance must copy at least.
   */
  'lower_bound_bytes'?: (number | string | Long);
  /**
   * Per broker, before and after the plan.
   */
  'before'?: (_tributary_v1_BrokerLoad)[];
  'after'?: (_tributary_v1_BrokerLoad)[];
  /**
   * Hard goals the plan cannot meet, one sentence each.
   */
  'unsatisfiable'?: (string)[];
  /**
   * The moves, in order (DescribeBalance: only with include_moves; a summary of a finished plan has none).
   */
  'moves'?: (_tributary_v1_BalanceMove)[];
}

export interface RebalancePlan__Output {
  'id': (string);
  /**
   * What started it (requested, a broker joined, a broker is leaving, ...).
   */
  'reason': (string);
  'status': (_tributary_v1_RebalanceStatus__Output);
  'started_at_ms': (string);
  /**
   * 0 while not finished.
   */
  'finished_at_ms': (string);
  'moves_total': (number);
  'moves_done': (number);
  'moves_running': (number);
  'moves_failed': (number);
  'moves_cancelled': (number);
  'bytes_total': (string);
  'bytes_done': (string);
  /**
   * -1 when unknown.
   */
  'estimated_ms_left': (string);
  /**
   * What any plan reaching the same balance must copy at least.
   */
  'lower_bound_bytes': (string);
  /**
   * Per broker, before and after the plan.
   */
  'before': (_tributary_v1_BrokerLoad__Output)[];
  'after': (_tributary_v1_BrokerLoad__Output)[];
  /**
   * Hard goals the plan cannot meet, one sentence each.
   */
  'unsatisfiable': (string)[];
  /**
   * The moves, in order (DescribeBalance: only with include_moves; a summary of a finished plan has none).
   */
  'moves': (_tributary_v1_BalanceMove__Output)[];
}
