// Original file: proto/tributary/v1/client_service.proto


export interface PartitionMetadata {
  'partition'?: (number);
  'leader'?: (number);
  'leader_epoch'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
}

export interface PartitionMetadata__Output {
  'partition': (number);
  'leader': (number);
  'leader_epoch': (number);
  'replicas': (number)[];
  'isr': (number)[];
}
