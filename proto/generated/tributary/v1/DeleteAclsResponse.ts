// Original file: proto/tributary/v1/security_service.proto

import type { DeleteAclsFilterResult as _tributary_v1_DeleteAclsFilterResult, DeleteAclsFilterResult__Output as _tributary_v1_DeleteAclsFilterResult__Output } from '../../tributary/v1/DeleteAclsFilterResult.js';

export interface DeleteAclsResponse {
  'results'?: (_tributary_v1_DeleteAclsFilterResult)[];
}

export interface DeleteAclsResponse__Output {
  'results': (_tributary_v1_DeleteAclsFilterResult__Output)[];
}
