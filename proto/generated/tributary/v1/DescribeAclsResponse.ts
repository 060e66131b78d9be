// Original file: proto/tributary/v1/security_service.proto

import type { AclBinding as _tributary_v1_AclBinding, AclBinding__Output as _tributary_v1_AclBinding__Output } from '../../tributary/v1/AclBinding.js';

export interface DescribeAclsResponse {
  'bindings'?: (_tributary_v1_AclBinding)[];
}

export interface DescribeAclsResponse__Output {
  'bindings': (_tributary_v1_AclBinding__Output)[];
}
