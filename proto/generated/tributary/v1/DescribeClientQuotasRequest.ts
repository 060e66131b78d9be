// Original file: proto/tributary/v1/security_service.proto

import type { QuotaEntity as _tributary_v1_QuotaEntity, QuotaEntity__Output as _tributary_v1_QuotaEntity__Output } from '../../tributary/v1/QuotaEntity.js';

export interface DescribeClientQuotasRequest {
  /**
   * Unset: every entity. Set: entities whose set fields equal these.
   */
  'filter'?: (_tributary_v1_QuotaEntity | null);
  '_filter'?: "filter";
}

export interface DescribeClientQuotasRequest__Output {
  /**
   * Unset: every entity. Set: entities whose set fields equal these.
   */
  'filter'?: (_tributary_v1_QuotaEntity__Output | null);
  '_filter'?: "filter";
}
