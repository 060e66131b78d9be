// Original file: proto/tributary/v1/replication_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { Long } from '@grpc/proto-loader';

export interface AllocateProducerIdsResponse {
  'error'?: (_tributary_v1_Error | null);
  /**
   * The block [first_id, first_id + count) now belongs to the requesting broker.
   */
  'first_id'?: (number | string | Long);
  'count'?: (number);
}

export interface AllocateProducerIdsResponse__Output {
  'error': (_tributary_v1_Error__Output | null);
  /**
   * The block [first_id, first_id + count) now belongs to the requesting broker.
   */
  'first_id': (string);
  'count': (number);
}
