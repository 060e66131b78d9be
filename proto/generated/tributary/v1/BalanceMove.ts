// Original file: proto/tributary/v1/admin_service.proto

import type { BalanceMoveKind as _tributary_v1_BalanceMoveKind, BalanceMoveKind__Output as _tributary_v1_BalanceMoveKind__Output } from '../../tributary/v1/BalanceMoveKind.js';
import type { BalanceMoveState as _tributary_v1_BalanceMoveState, BalanceMoveState__Output as _tributary_v1_BalanceMoveState__Output } from '../../tributary/v1/BalanceMoveState.js';
import type { Long } from '@grpc/proto-loader';

export interface BalanceMove {
  'kind'?: (_tributary_v1_BalanceMoveKind);
  'topic'?: (string);
  'partition'?: (number);
  'from'?: (number)[];
  'to'?: (number)[];
  /**
   * Bytes to copy (size times brokers added); 0 for a leader move.
   */
  'bytes'?: (number | string | Long);
  'state'?: (_tributary_v1_BalanceMoveState);
  /**
   * Why it failed or was cancelled.
   */
  'error'?: (string);
}

export interface BalanceMove__Output {
  'kind': (_tributary_v1_BalanceMoveKind__Output);
  'topic': (string);
  'partition': (number);
  'from': (number)[];
  'to': (number)[];
  /**
   * Bytes to copy (size times brokers added); 0 for a leader move.
   */
  'bytes': (string);
  'state': (_tributary_v1_BalanceMoveState__Output);
  /**
   * Why it failed or was cancelled.
   */
  'error': (string);
}
