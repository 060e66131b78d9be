// Original file: proto/tributary/v1/replication_service.proto

import type { Long } from '@grpc/proto-loader';

export interface AllocateProducerIdsRequest {
  'broker_id'?: (number);
  'broker_epoch'?: (number | string | Long);
}

export interface AllocateProducerIdsRequest__Output {
  'broker_id': (number);
  'broker_epoch': (string);
}
