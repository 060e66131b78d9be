// Original file: proto/tributary/v1/admin_service.proto


export interface PartitionReassignment {
  'topic'?: (string);
  'partition'?: (number);
  /**
   * The target replica list, preferred leader first; empty cancels a reassignment in progress.
   */
  'replicas'?: (number)[];
}

export interface PartitionReassignment__Output {
  'topic': (string);
  'partition': (number);
  /**
   * The target replica list, preferred leader first; empty cancels a reassignment in progress.
   */
  'replicas': (number)[];
}
