// Original file: proto/tributary/v1/security_service.proto

export const AclPatternType = {
  ACL_PATTERN_TYPE_UNSPECIFIED: 'ACL_PATTERN_TYPE_UNSPECIFIED',
  /**
   * Filters only: literal or prefixed.
   */
  ACL_PATTERN_TYPE_ANY: 'ACL_PATTERN_TYPE_ANY',
  /**
   * The name as is; "*" matches every resource of the type.
   */
  ACL_PATTERN_TYPE_LITERAL: 'ACL_PATTERN_TYPE_LITERAL',
  ACL_PATTERN_TYPE_PREFIXED: 'ACL_PATTERN_TYPE_PREFIXED',
  /**
   * Filters only: every binding that would apply to the filter's literal name.
   */
  ACL_PATTERN_TYPE_MATCH: 'ACL_PATTERN_TYPE_MATCH',
} as const;

export type AclPatternType =
  | 'ACL_PATTERN_TYPE_UNSPECIFIED'
  | 0
  /**
   * Filters only: literal or prefixed.
   */
  | 'ACL_PATTERN_TYPE_ANY'
  | 1
  /**
   * The name as is; "*" matches every resource of the type.
   */
  | 'ACL_PATTERN_TYPE_LITERAL'
  | 2
  | 'ACL_PATTERN_TYPE_PREFIXED'
  | 3
  /**
   * Filters only: every binding that would apply to the filter's literal name.
   */
  | 'ACL_PATTERN_TYPE_MATCH'
  | 4

export type AclPatternType__Output = typeof AclPatternType[keyof typeof AclPatternType]
