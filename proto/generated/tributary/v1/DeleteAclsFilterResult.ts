// Original file: proto/tributary/v1/security_service.proto

import type { Error as _tributary_v1_Error, Error__Output as _tributary_v1_Error__Output } from '../../tributary/v1/Error.js';
import type { AclBinding as _tributary_v1_AclBinding, AclBinding__Output as _tributary_v1_AclBinding__Output } from '../../tributary/v1/AclBinding.js';

export interface DeleteAclsFilterResult {
  'error'?: (_tributary_v1_Error | null);
  'deleted'?: (_tributary_v1_AclBinding)[];
}

export interface DeleteAclsFilterResult__Output {
  'error': (_tributary_v1_Error__Output | null);
  'deleted': (_tributary_v1_AclBinding__Output)[];
}
