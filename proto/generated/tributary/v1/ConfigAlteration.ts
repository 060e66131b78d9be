// Original file: proto/tributary/v1/admin_service.proto

import type { AlterOp as _tributary_v1_AlterOp, AlterOp__Output as _tributary_v1_AlterOp__Output } from '../../tributary/v1/AlterOp.js';

export interface ConfigAlteration {
  'name'?: (string);
  'value'?: (string);
  'op'?: (_tributary_v1_AlterOp);
}

export interface ConfigAlteration__Output {
  'name': (string);
  'value': (string);
  'op': (_tributary_v1_AlterOp__Output);
}
