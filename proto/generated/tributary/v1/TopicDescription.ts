// Original file: proto/tributary/v1/admin_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { PartitionDescription as _tributary_v1_PartitionDescription, PartitionDescription__Output as _tributary_v1_PartitionDescription__Output } from '../../tributary/v1/PartitionDescription.js';
import type { ConfigEntry as _tributary_v1_ConfigEntry, ConfigEntry__Output as _tributary_v1_ConfigEntry__Output } from '../../tributary/v1/ConfigEntry.js';

export interface TopicDescription {
  'name'?: (string);
  'error'?: (_tributary_v1_Error | null);
  'topic_id'?: (string);
  'partitions'?: (_tributary_v1_PartitionDescription)[];
  /**
   * Only entries set on the topic; DescribeConfigs shows defaults too.
   */
  'configs'?: (_tributary_v1_ConfigEntry)[];
}

export interface TopicDescription__Output {
  'name': (string);
  'error': (_tributary_v1_Error__Output | null);
  'topic_id': (string);
  'partitions': (_tributary_v1_PartitionDescription__Output)[];
  /**
   * Only entries set on the topic; DescribeConfigs shows defaults too.
   */
  'configs': (_tributary_v1_ConfigEntry__Output)[];
}
