// Original file: proto/tributary/v1/security_service.proto


/**
 * Keys: "producer_byte_rate", "consumer_byte_rate" (bytes/s), "request_rate" (requests/s).
 */
export interface QuotaValue {
  'key'?: (string);
  'value'?: (number | string);
}

/**
 * Keys: "producer_byte_rate", "consumer_byte_rate" (bytes/s), "request_rate" (requests/s).
 */
export interface QuotaValue__Output {
  'key': (string);
  'value': (number);
}
