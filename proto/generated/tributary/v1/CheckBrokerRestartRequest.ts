// Original file: proto/tributary/v1/admin_service.proto


export interface CheckBrokerRestartRequest {
  'broker_id'?: (number);
}

export interface CheckBrokerRestartRequest__Output {
  'broker_id': (number);
}
