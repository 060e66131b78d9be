// Original file: proto/tributary/v1/admin_service.proto

import type { RebalancePlan as _tributary_v1_RebalancePlan, RebalancePlan__Output as _tributary_v1_RebalancePlan__Output } from '../../tributary/v1/RebalancePlan.js';

export interface CancelRebalanceResponse {
  'plan'?: (_tributary_v1_RebalancePlan | null);
}

export interface CancelRebalanceResponse__Output {
  'plan': (_tributary_v1_RebalancePlan__Output | null);
}
