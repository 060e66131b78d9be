// Original file: proto/tributary/v1/security_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface AlterUserScramCredentialsResult {
  'user'?: (string);
  'error'?: (_tributary_v1_Error | null);
}

export interface AlterUserScramCredentialsResult__Output {
  'user': (string);
  'error': (_tributary_v1_Error__Output | null);
}
