// Original file: proto/tributary/v1/security_service.proto

import type { QuotaEntity as _tributary_v1_QuotaEntity, QuotaEntity__Output as _tributary_v1_QuotaEntity__Output } from '../../tributary/v1/QuotaEntity.js';
import type { QuotaValue as _tributary_v1_QuotaValue, QuotaValue__Output as _tributary_v1_QuotaValue__Output } from '../../tributary/v1/QuotaValue.js';

export interface QuotaAlteration {
  'entity'?: (_tributary_v1_QuotaEntity | null);
  /**
   * Set or replaced.
   */
  'set'?: (_tributary_v1_QuotaValue)[];
  /**
   * Keys removed.
   */
  'remove'?: (string)[];
}

export interface QuotaAlteration__Output {
  'entity': (_tributary_v1_QuotaEntity__Output | null);
  /**
   * Set or replaced.
   */
  'set': (_tributary_v1_QuotaValue__Output)[];
  /**
   * Keys removed.
   */
  'remove': (string)[];
}
