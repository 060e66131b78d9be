// Original file: proto/tributary/v1/replication_service.proto


export interface ConfirmLeadershipPartition {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The leader epoch the asking leader leads in.
   */
  'leader_epoch'?: (number);
}

export interface ConfirmLeadershipPartition__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The leader epoch the asking leader leads in.
   */
  'leader_epoch': (number);
}
