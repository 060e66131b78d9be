// Original file: proto/tributary/v1/admin_service.proto

import type { PartitionCountUpdate as _tributary_v1_PartitionCountUpdate, PartitionCountUpdate__Output as _tributary_v1_PartitionCountUpdate__Output } from '../../tributary/v1/PartitionCountUpdate.js';

export interface CreatePartitionsRequest {
  'topics'?: (_tributary_v1_PartitionCountUpdate)[];
  'validate_only'?: (boolean);
}

export interface CreatePartitionsRequest__Output {
  'topics': (_tributary_v1_PartitionCountUpdate__Output)[];
  'validate_only': (boolean);
}
