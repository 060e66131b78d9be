// Original file: proto/tributary/v1/security_service.proto

import type { AlterUserScramCredentialsResult as _tributary_v1_AlterUserScramCredentialsResult, AlterUserScramCredentialsResult__Output as _tributary_v1_AlterUserScramCredentialsResult__Output } from '../../tributary/v1/AlterUserScramCredentialsResult.js';

export interface AlterUserScramCredentialsResponse {
  /**
   * One per upsertion then one per deletion, in order.
   */
  'results'?: (_tributary_v1_AlterUserScramCredentialsResult)[];
}

export interface AlterUserScramCredentialsResponse__Output {
  /**
   * One per upsertion then one per deletion, in order.
   */
  'results': (_tributary_v1_AlterUserScramCredentialsResult__Output)[];
}
