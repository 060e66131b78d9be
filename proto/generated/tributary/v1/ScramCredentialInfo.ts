// Original file: proto/tributary/v1/security_service.proto

import type { ScramMechanism as _tributary_v1_ScramMechanism, ScramMechanism__Output as _tributary_v1_ScramMechanism__Output } from '../../tributary/v1/ScramMechanism.js';

export interface ScramCredentialInfo {
  'mechanism'?: (_tributary_v1_ScramMechanism);
  'iterations'?: (number);
}

export interface ScramCredentialInfo__Output {
  'mechanism': (_tributary_v1_ScramMechanism__Output);
  'iterations': (number);
}
