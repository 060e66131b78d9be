// Original file: proto/tributary/v1/admin_service.proto


export interface PartitionCountUpdate {
  'topic'?: (string);
  /**
   * The new total partition count; must exceed the current one.
   */
  'count'?: (number);
}

export interface PartitionCountUpdate__Output {
  'topic': (string);
  /**
   * The new total partition count; must exceed the current one.
   */
  'count': (number);
}
