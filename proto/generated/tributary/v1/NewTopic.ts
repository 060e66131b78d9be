// Original file: proto/tributary/v1/admin_service.proto

import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from '../../tributary/v1/ConfigEntry.js';

export interface NewTopic {
  'name'?: (string);
  /**
   * 0 means the broker default (num.partitions).
   */
  'partitions'?: (number);
  /**
   * 0 means the broker default (default.replication.factor).
   */
  'replication_factor'?: (number);
  'configs'?: (_tributary_v1_ConfigEntry)[];
}

export interface NewTopic__Output {
  'name': (string);
  /**
   * 0 means the broker default (num.partitions).
   */
  'partitions': (number);
  /**
   * 0 means the broker default (default.replication.factor).
   */
  'replication_factor': (number);
  'configs': (_tributary_v1_ConfigEntry__Output)[];
}
