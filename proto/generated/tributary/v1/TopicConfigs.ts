// Original file: proto/tributary/v1/admin_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { ConfigDescription as _tributary_v1_ConfigDescription, ConfigDescription__Output as _tributary_v1_ConfigDescription__Output } from '../../tributary/v1/ConfigDescription.js';

export interface TopicConfigs {
  'topic'?: (string);
  'error'?: (_tributary_v1_Error | null);
  'configs'?: (_tributary_v1_ConfigDescription)[];
}

export interface TopicConfigs__Output {
  'topic': (string);
  'error': (_tributary_v1_Error__Output | null);
  'configs': (_tributary_v1_ConfigDescription__Output)[];
}
