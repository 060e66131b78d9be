/**
 * Access control lists as the SDK shows them (docs/client.md, "Security"): Kafka's model, lower-case
 * names. The wire forms are SecurityService's enums (docs/api.md, "SecurityService").
 */
import type { AclBinding__Output as WireBinding } from '../proto/generated/tributary/v1/AclBinding.js';
import type { AclBindingFilter } from '../proto/generated/tributary/v1/AclBindingFilter.js';
import { TributaryClientError } from './errors.js';

export type AclResourceType = 'topic' | 'group' | 'cluster';
/** literal: the name as is ("*" matches every resource of the type); prefixed: every name starting with it. */
export type AclPatternType = 'literal' | 'prefixed';
export type AclOperation =
  | 'all'
  | 'read'
  | 'write'
  | 'create'
  | 'delete'
  | 'alter'
  | 'describe'
  | 'cluster_action'
  | 'describe_configs'
  | 'alter_configs'
  | 'idempotent_write';
export type AclPermission = 'allow' | 'deny';

export const ACL_RESOURCE_TYPES: readonly AclResourceType[] = ['topic', 'group', 'cluster'];
export const ACL_PATTERN_TYPES: readonly AclPatternType[] = ['literal', 'prefixed'];
export const ACL_OPERATIONS: readonly AclOperation[] = [
  'all',
  'read',
  'write',
  'create',
  'delete',
  'alter',
  'describe',
  'cluster_action',
  'describe_configs',
  'alter_configs',
  'idempotent_write',
];
export const ACL_PERMISSIONS: readonly AclPermission[] = ['allow', 'deny'];

/** The one cluster resource's name. */
export const CLUSTER_RESOURCE_NAME = 'tributary-cluster';

export interface AclBinding {
  resourceType: AclResourceType;
  /** For the cluster: "tributary-cluster". */
  resourceName: string;
  patternType: AclPatternType;
  /** "User:alice", "ServiceAccount:ns/name", or "User:*" for every principal. */
  principal: string;
  /** Client IP address or "*". */
  host: string;
  operation: AclOperation;
  permission: AclPermission;
}

/** A binding to create: `patternType` defaults to literal, `host` to "*", `permission` to allow. */
export type NewAclBinding = Omit<AclBinding, 'patternType' | 'host' | 'permission'> &
  Partial<Pick<AclBinding, 'patternType' | 'host' | 'permission'>>;

/**
 * Selects bindings; an absent field matches anything. `patternType: 'match'` selects every binding that
 * applies to `resourceName` (literal equal or "*", or a prefix of it).
 */
export interface AclFilter {
  resourceType?: AclResourceType;
  resourceName?: string;
  patternType?: AclPatternType | 'match';
  principal?: string;
  host?: string;
  operation?: AclOperation;
  permission?: AclPermission;
}

function wireName<T extends string>(prefix: string, value: T): string {
  return `${prefix}${value.toUpperCase()}`;
}

function fromWire<T extends string>(prefix: string, value: string, known: readonly T[], what: string): T {
  const name = value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : '';
  if (!(known as readonly string[]).includes(name))
    throw new TributaryClientError('INTERNAL', `the broker answered an unknown ACL ${what} "${value}"`);
  return name as T;
}

export function aclBindingToWire(b: NewAclBinding): Required<WireBinding> {
  return {
    resource_type: wireName('ACL_RESOURCE_TYPE_', b.resourceType) as WireBinding['resource_type'],
    resource_name: b.resourceName,
    pattern_type: wireName('ACL_PATTERN_TYPE_', b.patternType ?? 'literal') as WireBinding['pattern_type'],
    principal: b.principal,
    host: b.host ?? '*',
    operation: wireName('ACL_OPERATION_', b.operation) as WireBinding['operation'],
    permission_type: wireName(
      'ACL_PERMISSION_TYPE_',
      b.permission ?? 'allow',
    ) as WireBinding['permission_type'],
  };
}

export function aclBindingFromWire(b: WireBinding): AclBinding {
  return {
    resourceType: fromWire('ACL_RESOURCE_TYPE_', b.resource_type, ACL_RESOURCE_TYPES, 'resource type'),
    resourceName: b.resource_name,
    patternType: fromWire('ACL_PATTERN_TYPE_', b.pattern_type, ACL_PATTERN_TYPES, 'pattern type'),
    principal: b.principal,
    host: b.host,
    operation: fromWire('ACL_OPERATION_', b.operation, ACL_OPERATIONS, 'operation'),
    permission: fromWire('ACL_PERMISSION_TYPE_', b.permission_type, ACL_PERMISSIONS, 'permission'),
  };
}

export function aclFilterToWire(f: AclFilter): AclBindingFilter {
  return {
    resource_type: wireName(
      'ACL_RESOURCE_TYPE_',
      f.resourceType ?? 'any',
    ) as AclBindingFilter['resource_type'],
    resource_name: f.resourceName ?? '',
    pattern_type: wireName('ACL_PATTERN_TYPE_', f.patternType ?? 'any') as AclBindingFilter['pattern_type'],
    principal: f.principal ?? '',
    host: f.host ?? '',
    operation: wireName('ACL_OPERATION_', f.operation ?? 'any') as AclBindingFilter['operation'],
    permission_type: wireName(
      'ACL_PERMISSION_TYPE_',
      f.permission ?? 'any',
    ) as AclBindingFilter['permission_type'],
  };
}
