// Original file: proto/tributary/v1/security_service.proto

import type { ScramMechanism as _tributary_v1_ScramMechanism, ScramMechanism__Output as _tributary_v1_ScramMechanism__Output } from '../../tributary/v1/ScramMechanism.js';

export interface ScramCredentialDeletion {
  'user'?: (string);
  'mechanism'?: (_tributary_v1_ScramMechanism);
}

export interface ScramCredentialDeletion__Output {
  'user': (string);
  'mechanism': (_tributary_v1_ScramMechanism__Output);
}
