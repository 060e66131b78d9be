// Original file: proto/tributary/v1/security_service.proto

import type { AclBindingFilter as _tributary_v1_AclBindingFilter, AclBindingFilter__Output as _tributary_v1_AclBindingFilter__Output } from '../../tributary/v1/AclBindingFilter.js';

export interface DeleteAclsRequest {
  'filters'?: (_tributary_v1_AclBindingFilter)[];
}

export interface DeleteAclsRequest__Output {
  'filters': (_tributary_v1_AclBindingFilter__Output)[];
}
