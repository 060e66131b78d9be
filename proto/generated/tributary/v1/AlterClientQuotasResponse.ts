// Original file: proto/tributary/v1/security_service.proto

import type { AlterClientQuotasResult as _tributary_v1_AlterClientQuotasResult, AlterClientQuotasResult__Output as _tributary_v1_AlterClientQuotasResult__Output } from '../../tributary/v1/AlterClientQuotasResult.js';

export interface AlterClientQuotasResponse {
  'results'?: (_tributary_v1_AlterClientQuotasResult)[];
}

export interface AlterClientQuotasResponse__Output {
  'results': (_tributary_v1_AlterClientQuotasResult__Output)[];
}
