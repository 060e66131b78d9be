// Original file: proto/tributary/v1/admin_service.proto


export interface TopicListing {
  'name'?: (string);
  'topic_id'?: (string);
  'partitions'?: (number);
  'replication_factor'?: (number);
  'internal'?: (boolean);
}

export interface TopicListing__Output {
  'name': (string);
  'topic_id': (string);
  'partitions': (number);
  'replication_factor': (number);
  'internal': (boolean);
}
