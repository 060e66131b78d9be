// Original file: proto/tributary/v1/security_service.proto

import type { Long } from '@grpc/proto-loader';

export interface AuthenticateResponse {
  'handshake_id'?: (string);
  /**
   * server-first-message (step 1) or server-final-message (step 2).
   */
  'message'?: (Buffer | Uint8Array | string);
  /**
   * Step 2 only: the bearer token for later calls, and when it expires.
   */
  'session_token'?: (string);
  'session_expires_at_ms'?: (number | string | Long);
}

export interface AuthenticateResponse__Output {
  'handshake_id': (string);
  /**
   * server-first-message (step 1) or server-final-message (step 2).
   */
  'message': (Buffer);
  /**
   * Step 2 only: the bearer token for later calls, and when it expires.
   */
  'session_token': (string);
  'session_expires_at_ms': (string);
}
