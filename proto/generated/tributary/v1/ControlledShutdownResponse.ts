// Original file: proto/tributary/v1/replication_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface ControlledShutdownResponse {
  'error'?: (_tributary_v1_Error | null);
  /**
   * Partitions this broker still leads (no other in-sync replica could take over).
   */
  'remaining_leaderships'?: (number);
}

export interface ControlledShutdownResponse__Output {
  'error': (_tributary_v1_Error__Output | null);
  /**
   * Partitions this broker still leads (no other in-sync replica could take over).
   */
  'remaining_leaderships': (number);
}
