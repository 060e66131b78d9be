// Original file: proto/tributary/v1/security_service.proto

import type { ScramCredentialUpsertion as _tributary_v1_ScramCredentialUpsertion, ScramCredentialUpsertion__Output as _tributary_v1_ScramCredentialUpsertion__Output } from '../../tributary/v1/ScramCredentialUpsertion.js';
import type { ScramCredentialDeletion as _tributary_v1_ScramCredentialDeletion, ScramCredentialDeletion__Output as _tributary_v1_ScramCredentialDeletion__Output } from '../../tributary/v1/ScramCredentialDeletion.js';

export interface AlterUserScramCredentialsRequest {
  'upsertions'?: (_tributary_v1_ScramCredentialUpsertion)[];
  'deletions'?: (_tributary_v1_ScramCredentialDeletion)[];
}

export interface AlterUserScramCredentialsRequest__Output {
  'upsertions': (_tributary_v1_ScramCredentialUpsertion__Output)[];
  'deletions': (_tributary_v1_ScramCredentialDeletion__Output)[];
}
