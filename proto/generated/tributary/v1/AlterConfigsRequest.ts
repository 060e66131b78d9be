// Original file: proto/tributary/v1/admin_service.proto

import type { TopicConfigAlteration as _tributary_v1_TopicConfigAlteration, TopicConfigAlteration__Output as _tributary_v1_TopicConfigAlteration__Output } from '../../tributary/v1/TopicConfigAlteration.js';

export interface AlterConfigsRequest {
  'topics'?: (_tributary_v1_TopicConfigAlteration)[];
  'validate_only'?: (boolean);
}

export interface AlterConfigsRequest__Output {
  'topics': (_tributary_v1_TopicConfigAlteration__Output)[];
  'validate_only': (boolean);
}
