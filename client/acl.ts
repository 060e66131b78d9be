/** Access control lists as the SDK shows them (docs/client.md, "Security"); the model lives in proto/acl.ts. */
export {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSIONS,
  ACL_RESOURCE_TYPES,
  type AclBinding,
  type AclFilter,
  type AclOperation,
  type AclPatternType,
  type AclPermission,
  type AclResourceType,
  CLUSTER_RESOURCE_NAME,
  type NewAclBinding,
} from '../proto/acl.js';
