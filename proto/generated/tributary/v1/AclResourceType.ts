// Original file: proto/tributary/v1/security_service.proto

export const AclResourceType = {
  ACL_RESOURCE_TYPE_UNSPECIFIED: 'ACL_RESOURCE_TYPE_UNSPECIFIED',
  ACL_RESOURCE_TYPE_ANY: 'ACL_RESOURCE_TYPE_ANY',
  ACL_RESOURCE_TYPE_TOPIC: 'ACL_RESOURCE_TYPE_TOPIC',
  ACL_RESOURCE_TYPE_GROUP: 'ACL_RESOURCE_TYPE_GROUP',
  /**
   * The one resource named "tributary-cluster".
   */
  ACL_RESOURCE_TYPE_CLUSTER: 'ACL_RESOURCE_TYPE_CLUSTER',
} as const;

export type AclResourceType =
  | 'ACL_RESOURCE_TYPE_UNSPECIFIED'
  | 0
  | 'ACL_RESOURCE_TYPE_ANY'
  | 1
  | 'ACL_RESOURCE_TYPE_TOPIC'
  | 2
  | 'ACL_RESOURCE_TYPE_GROUP'
  | 3
  /**
   * The one resource named "tributary-cluster".
   */
  | 'ACL_RESOURCE_TYPE_CLUSTER'
  | 4

export type AclResourceType__Output = typeof AclResourceType[keyof typeof AclResourceType]
