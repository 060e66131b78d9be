// Original file: proto/tributary/v1/admin_service.proto

import type { ConfigAlteration as _tributary_v1_ConfigAlteration, ConfigAlteration__Output as _tributary_v1_ConfigAlteration__Output } from '../../tributary/v1/ConfigAlteration.js';

export interface TopicConfigAlteration {
  'topic'?: (string);
  'alterations'?: (_tributary_v1_ConfigAlteration)[];
}

export interface TopicConfigAlteration__Output {
  'topic': (string);
  'alterations': (_tributary_v1_ConfigAlteration__Output)[];
}
