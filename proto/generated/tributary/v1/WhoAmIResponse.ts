// Original file: proto/tributary/v1/security_service.proto


export interface WhoAmIResponse {
  /**
   * "User:alice", "User:CN-from-certificate", "ServiceAccount:namespace/name", "User:ANONYMOUS".
   */
  'principal'?: (string);
  /**
   * "none", "mtls", "scram-sha-256", "scram-sha-512", "serviceaccount".
   */
  'mechanism'?: (string);
  'super_user'?: (boolean);
}

export interface WhoAmIResponse__Output {
  /**
   * "User:alice", "User:CN-from-certificate", "ServiceAccount:namespace/name", "User:ANONYMOUS".
   */
  'principal': (string);
  /**
   * "none", "mtls", "scram-sha-256", "scram-sha-512", "serviceaccount".
   */
  'mechanism': (string);
  'super_user': (boolean);
}
