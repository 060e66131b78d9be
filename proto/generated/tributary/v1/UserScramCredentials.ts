// Original file: proto/tributary/v1/security_service.proto

import type { ScramCredentialInfo as _tributary_v1_ScramCredentialInfo, ScramCredentialInfo__Output as _tributary_v1_ScramCredentialInfo__Output } from '../../tributary/v1/ScramCredentialInfo.js';

export interface UserScramCredentials {
  'user'?: (string);
  'credentials'?: (_tributary_v1_ScramCredentialInfo)[];
}

export interface UserScramCredentials__Output {
  'user': (string);
  'credentials': (_tributary_v1_ScramCredentialInfo__Output)[];
}
