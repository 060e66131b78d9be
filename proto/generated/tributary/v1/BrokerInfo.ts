// Original file: proto/tributary/v1/common.proto


/**
 * A broker as clients reach it.
 */
export interface BrokerInfo {
  'id'?: (number);
  'host'?: (string);
  'port'?: (number);
  'rack'?: (string);
}

/**
 * A broker as clients reach it.
 */
export interface BrokerInfo__Output {
  'id': (number);
  'host': (string);
  'port': (number);
  'rack': (string);
}
