// Original file: proto/tributary/v1/security_service.proto

export const AclPermissionType = {
  ACL_PERMISSION_TYPE_UNSPECIFIED: 'ACL_PERMISSION_TYPE_UNSPECIFIED',
  /**
   * Filters only.
   */
  ACL_PERMISSION_TYPE_ANY: 'ACL_PERMISSION_TYPE_ANY',
  ACL_PERMISSION_TYPE_DENY: 'ACL_PERMISSION_TYPE_DENY',
  ACL_PERMISSION_TYPE_ALLOW: 'ACL_PERMISSION_TYPE_ALLOW',
} as const;

export type AclPermissionType =
  | 'ACL_PERMISSION_TYPE_UNSPECIFIED'
  | 0
  /**
   * Filters only.
   */
  | 'ACL_PERMISSION_TYPE_ANY'
  | 1
  | 'ACL_PERMISSION_TYPE_DENY'
  | 2
  | 'ACL_PERMISSION_TYPE_ALLOW'
  | 3

export type AclPermissionType__Output = typeof AclPermissionType[keyof typeof AclPermissionType]
