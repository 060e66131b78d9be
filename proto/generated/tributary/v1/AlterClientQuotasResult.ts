// Original file: proto/tributary/v1/security_service.proto

import type { QuotaEntity as _tributary_v1_QuotaEntity, QuotaEntity__Output as _tributary_v1_QuotaEntity__Output } from '../../tributary/v1/QuotaEntity.js';
import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface AlterClientQuotasResult {
  'entity'?: (_tributary_v1_QuotaEntity | null);
  'error'?: (_tributary_v1_Error | null);
}

export interface AlterClientQuotasResult__Output {
  'entity': (_tributary_v1_QuotaEntity__Output | null);
  'error': (_tributary_v1_Error__Output | null);
}
