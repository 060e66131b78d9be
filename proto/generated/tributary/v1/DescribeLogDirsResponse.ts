// Original file: proto/tributary/v1/admin_service.proto

import type { LogDirPartition as _tributary_v1_LogDirPartition, LogDirPartition__Output as _tributary_v1_LogDirPartition__Output } from '../../tributary/v1/LogDirPartition.js';

export interface DescribeLogDirsResponse {
  'broker_id'?: (number);
  'partitions'?: (_tributary_v1_LogDirPartition)[];
}

export interface DescribeLogDirsResponse__Output {
  'broker_id': (number);
  'partitions': (_tributary_v1_LogDirPartition__Output)[];
}
