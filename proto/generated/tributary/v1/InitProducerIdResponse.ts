// Original file: proto/tributary/v1/client_service.proto

import type { Long } from '@grpc/proto-loader';

export interface InitProducerIdResponse {
  'producer_id'?: (number | string | Long);
  'producer_epoch'?: (number);
}

export interface InitProducerIdResponse__Output {
  'producer_id': (string);
  'producer_epoch': (number);
}
