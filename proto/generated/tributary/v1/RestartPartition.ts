// Original file: proto/tributary/v1/admin_service.proto


export interface RestartPartition {
  'topic'?: (string);
  'partition'?: (number);
  'isr'?: (number)[];
  'replication_factor'?: (number);
  'min_insync_replicas'?: (number);
}

export interface RestartPartition__Output {
  'topic': (string);
  'partition': (number);
  'isr': (number)[];
  'replication_factor': (number);
  'min_insync_replicas': (number);
}
