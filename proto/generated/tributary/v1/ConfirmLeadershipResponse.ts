// Original file: proto/tributary/v1/replication_service.proto

import type { ConfirmLeadershipPartitionResponse as _tributary_v1_ConfirmLeadershipPartitionResponse, ConfirmLeadershipPartitionResponse__Output as _tributary_v1_ConfirmLeadershipPartitionResponse__Output } from '../../tributary/v1/ConfirmLeadershipPartitionResponse.js';

export interface ConfirmLeadershipResponse {
  /**
   * The answering broker.
   */
  'broker_id'?: (number);
  /**
   * One answer per partition asked, in the order asked.
   */
  'partitions'?: (_tributary_v1_ConfirmLeadershipPartitionResponse)[];
}

export interface ConfirmLeadershipResponse__Output {
  /**
   * The answering broker.
   */
  'broker_id': (number);
  /**
   * One answer per partition asked, in the order asked.
   */
  'partitions': (_tributary_v1_ConfirmLeadershipPartitionResponse__Output)[];
}
