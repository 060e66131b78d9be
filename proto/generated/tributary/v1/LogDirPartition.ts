// Original file: proto/tributary/v1/admin_service.proto

import type { Long } from '@grpc/proto-loader';

export interface LogDirPartition {
  'topic'?: (string);
  'partition'?: (number);
  'size_bytes'?: (number | string | Long);
  'log_end_offset'?: (number | string | Long);
  'leader'?: (boolean);
}

export interface LogDirPartition__Output {
  'topic': (string);
  'partition': (number);
  'size_bytes': (string);
  'log_end_offset': (string);
  'leader': (boolean);
}
