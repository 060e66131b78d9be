// Original file: proto/tributary/v1/security_service.proto

import type { QuotaAlteration as _tributary_v1_QuotaAlteration, QuotaAlteration__Output as _tributary_v1_QuotaAlteration__Output } from '../../tributary/v1/QuotaAlteration.js';

export interface AlterClientQuotasRequest {
  'alterations'?: (_tributary_v1_QuotaAlteration)[];
}

export interface AlterClientQuotasRequest__Output {
  'alterations': (_tributary_v1_QuotaAlteration__Output)[];
}
