// Original file: proto/tributary/v1/security_service.proto

import type { ScramMechanism as _tributary_v1_ScramMechanism, ScramMechanism__Output as _tributary_v1_ScramMechanism__Output } from '../../tributary/v1/ScramMechanism.js';

export interface ScramCredentialUpsertion {
  'user'?: (string);
  'mechanism'?: (_tributary_v1_ScramMechanism);
  'iterations'?: (number);
  'salt'?: (Buffer | Uint8Array | string);
  /**
   * H(HMAC(SaltedPassword, "Client Key")) and HMAC(SaltedPassword, "Server Key") (RFC 5802).
   */
  'stored_key'?: (Buffer | Uint8Array | string);
  'server_key'?: (Buffer | Uint8Array | string);
}

export interface ScramCredentialUpsertion__Output {
  'user': (string);
  'mechanism': (_tributary_v1_ScramMechanism__Output);
  'iterations': (number);
  'salt': (Buffer);
  /**
   * H(HMAC(SaltedPassword, "Client Key")) and HMAC(SaltedPassword, "Server Key") (RFC 5802).
   */
  'stored_key': (Buffer);
  'server_key': (Buffer);
}
