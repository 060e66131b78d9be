// Original file: proto/tributary/v1/security_service.proto

import type { AclResourceType as _tributary_v1_AclResourceType, AclResourceType__Output as _tributary_v1_AclResourceType__Output } from '../../tributary/v1/AclResourceType.js';
import type { AclPatternType as _tributary_v1_AclPatternType, AclPatternType__Output as _tributary_v1_AclPatternType__Output } from '../../tributary/v1/AclPatternType.js';
import type { AclOperation as _tributary_v1_AclOperation, AclOperation__Output as _tributary_v1_AclOperation__Output } from '../../tributary/v1/AclOperation.js';
import type { AclPermissionType as _tributary_v1_AclPermissionType, AclPermissionType__Output as _tributary_v1_AclPermissionType__Output } from '../../tributary/v1/AclPermissionType.js';

/**
 * Unset (or ANY) fields match anything; an empty string matches anything.
 */
export interface AclBindingFilter {
  'resource_type'?: (_tributary_v1_AclResourceType);
  'resource_name'?: (string);
  'pattern_type'?: (_tributary_v1_AclPatternType);
  'principal'?: (string);
  'host'?: (string);
  'operation'?: (_tributary_v1_AclOperation);
  'permission_type'?: (_tributary_v1_AclPermissionType);
}

/**
 * Unset (or ANY) fields match anything; an empty string matches anything.
 */
export interface AclBindingFilter__Output {
  'resource_type': (_tributary_v1_AclResourceType__Output);
  'resource_name': (string);
  'pattern_type': (_tributary_v1_AclPatternType__Output);
  'principal': (string);
  'host': (string);
  'operation': (_tributary_v1_AclOperation__Output);
  'permission_type': (_tributary_v1_AclPermissionType__Output);
}
