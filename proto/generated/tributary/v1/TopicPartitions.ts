// Original file: proto/tributary/v1/admin_service.proto


export interface TopicPartitions {
  'topic'?: (string);
  /**
   * Empty: every partition of the topic.
   */
  'partitions'?: (number)[];
}

export interface TopicPartitions__Output {
  'topic': (string);
  /**
   * Empty: every partition of the topic.
   */
  'partitions': (number)[];
}
