// Original file: proto/tributary/v1/admin_service.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionDescription {
  'partition'?: (number);
  'leader'?: (number);
  'leader_epoch'?: (number);
  'replicas'?: (number)[];
  'isr'?: (number)[];
  'log_start_offset'?: (number | string | Long);
  'log_end_offset'?: (number | string | Long);
  'high_watermark'?: (number | string | Long);
  'size_bytes'?: (number | string | Long);
}

export interface PartitionDescription__Output {
  'partition': (number);
  'leader': (number);
  'leader_epoch': (number);
  'replicas': (number)[];
  'isr': (number)[];
  'log_start_offset': (string);
  'log_end_offset': (string);
  'high_watermark': (string);
  'size_bytes': (string);
}
