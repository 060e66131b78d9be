// Original file: proto/tributary/v1/admin_service.proto


export interface OngoingReassignment {
  'topic'?: (string);
  'partition'?: (number);
  'replicas'?: (number)[];
  'adding_replicas'?: (number)[];
  'removing_replicas'?: (number)[];
}

export interface OngoingReassignment__Output {
  'topic': (string);
  'partition': (number);
  'replicas': (number)[];
  'adding_replicas': (number)[];
  'removing_replicas': (number)[];
}
