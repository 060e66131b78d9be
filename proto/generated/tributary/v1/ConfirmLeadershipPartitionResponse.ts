// Original file: proto/tributary/v1/replication_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';

export interface ConfirmLeadershipPartitionResponse {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * Unset: confirmed (this replica's metadata names the asking broker as leader at exactly that leader
   * epoch, and this broker does not lead the partition). Otherwise why not: FENCED_LEADER_EPOCH (it has
   * seen a newer leader epoch, or leads the partition itself), UNKNOWN_LEADER_EPOCH (it has not seen that
   * epoch yet), NOT_LEADER (it knows another leader, or none, at that epoch), UNKNOWN_TOPIC or
   * UNKNOWN_PARTITION (it hosts no such replica).
   */
  'error'?: (_tributary_v1_Error | null);
  /**
   * This replica's view of the partition: the leader (-1: none) and the leader epoch.
   */
  'leader'?: (number);
  'leader_epoch'?: (number);
}

export interface ConfirmLeadershipPartitionResponse__Output {
  'topic': (string);
  'partition': (number);
  /**
   * Unset: confirmed (this replica's metadata names the asking broker as leader at exactly that leader
   * epoch, and this broker does not lead the partition). Otherwise why not: FENCED_LEADER_EPOCH (it has
   * seen a newer leader epoch, or leads the partition itself), UNKNOWN_LEADER_EPOCH (it has not seen that
   * epoch yet), NOT_LEADER (it knows another leader, or none, at that epoch), UNKNOWN_TOPIC or
   * UNKNOWN_PARTITION (it hosts no such replica).
   */
  'error': (_tributary_v1_Error__Output | null);
  /**
   * This replica's view of the partition: the leader (-1: none) and the leader epoch.
   */
  'leader': (number);
  'leader_epoch': (number);
}
