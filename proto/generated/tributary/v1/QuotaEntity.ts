// Original file: proto/tributary/v1/security_service.proto


/**
 * A quota applies to a principal, a client id, or both. An unset field is not part of the entity; the
 * value "<default>" is the default for every principal (or client id) without its own entry.
 */
export interface QuotaEntity {
  'principal'?: (string);
  'client_id'?: (string);
  '_principal'?: "principal";
  '_client_id'?: "client_id";
}

/**
 * A quota applies to a principal, a client id, or both. An unset field is not part of the entity; the
 * value "<default>" is the default for every principal (or client id) without its own entry.
 */
export interface QuotaEntity__Output {
  'principal'?: (string);
  'client_id'?: (string);
  '_principal'?: "principal";
  '_client_id'?: "client_id";
}
