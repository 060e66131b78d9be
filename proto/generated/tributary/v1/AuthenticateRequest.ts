// Original file: proto/tributary/v1/security_service.proto

import type { ScramMechanism as _tributary_v1_ScramMechanism, ScramMechanism__Output as _tributary_v1_ScramMechanism__Output } from '../../tributary/v1/ScramMechanism.js';

export interface AuthenticateRequest {
  'mechanism'?: (_tributary_v1_ScramMechanism);
  /**
   * Empty on step 1; the id step 1 answered on step 2.
   */
  'handshake_id'?: (string);
  /**
   * client-first-message (step 1) or client-final-message (step 2), UTF-8.
   */
  'message'?: (Buffer | Uint8Array | string);
}

export interface AuthenticateRequest__Output {
  'mechanism': (_tributary_v1_ScramMechanism__Output);
  /**
   * Empty on step 1; the id step 1 answered on step 2.
   */
  'handshake_id': (string);
  /**
   * client-first-message (step 1) or client-final-message (step 2), UTF-8.
   */
  'message': (Buffer);
}
