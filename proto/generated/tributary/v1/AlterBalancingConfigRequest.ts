// Original file: proto/tributary/v1/admin_service.proto

import type { BalancingMode as _tributary_v1_BalancingMode, BalancingMode__Output as _tributary_v1_BalancingMode__Output } from '../../tributary/v1/BalancingMode.js';
import type { Long } from '@grpc/proto-loader';

export interface AlterBalancingConfigRequest {
  /**
   * Unset fields keep their current value.
   */
  'mode'?: (_tributary_v1_BalancingMode);
  'throttle_bytes_per_sec'?: (number | string | Long);
  'moves_per_broker'?: (number);
  'imbalance_threshold_percent'?: (number);
  'gone_broker_grace_ms'?: (number | string | Long);
  'validate_only'?: (boolean);
  '_mode'?: "mode";
  '_throttle_bytes_per_sec'?: "throttle_bytes_per_sec";
  '_moves_per_broker'?: "moves_per_broker";
  '_imbalance_threshold_percent'?: "imbalance_threshold_percent";
  '_gone_broker_grace_ms'?: "gone_broker_grace_ms";
}

export interface AlterBalancingConfigRequest__Output {
  /**
   * Unset fields keep their current value.
   */
  'mode'?: (_tributary_v1_BalancingMode__Output);
  'throttle_bytes_per_sec'?: (string);
  'moves_per_broker'?: (number);
  'imbalance_threshold_percent'?: (number);
  'gone_broker_grace_ms'?: (string);
  'validate_only': (boolean);
  '_mode'?: "mode";
  '_throttle_bytes_per_sec'?: "throttle_bytes_per_sec";
  '_moves_per_broker'?: "moves_per_broker";
  '_imbalance_threshold_percent'?: "imbalance_threshold_percent";
  '_gone_broker_grace_ms'?: "gone_broker_grace_ms";
}
