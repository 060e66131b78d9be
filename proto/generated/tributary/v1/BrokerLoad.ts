// Original file: proto/tributary/v1/admin_service.proto

import type { Long } from '@grpc/proto-loader';

export interface BrokerLoad {
  'broker_id'?: (number);
  'replicas'?: (number);
  'leaders'?: (number);
  'bytes'?: (number | string | Long);
}

export interface BrokerLoad__Output {
  'broker_id': (number);
  'replicas': (number);
  'leaders': (number);
  'bytes': (string);
}
