// Original file: proto/tributary/v1/replication_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface AlterPartitionResponse {
  'error'?: (_tributary_v1_Error | null);
  'leader'?: (number);
  'leader_epoch'?: (number);
  'partition_epoch'?: (number);
  'isr'?: (number)[];
}

export interface AlterPartitionResponse__Output {
  'error': (_tributary_v1_Error__Output | null);
  'leader': (number);
  'leader_epoch': (number);
  'partition_epoch': (number);
  'isr': (number)[];
}
