/**
 * Access control lists (docs/architecture.md, "Security: authorization"): Kafka's model with lower-case
 * names, shared by the SDK (which shows them) and the broker (which stores and applies them). The wire
 * forms are SecurityService's enums (docs/api.md, "SecurityService"); conversions from the wire refuse
 * what a binding may not hold (UNSPECIFIED, or a filter-only value such as ANY) with INVALID_REQUEST.
 */

import { TributaryError } from './errors.js';
import type { AclBinding as WireBinding } from './generated/tributary/v1/AclBinding.js';
import type { AclBindingFilter as WireFilter } from './generated/tributary/v1/AclBindingFilter.js';

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
/** The principal of a binding that applies to every principal. */
export const ANY_PRINCIPAL = 'User:*';
/** Limits on a binding's strings. */
export const ACL_NAME_CHARS_MAX = 255;
export const PRINCIPAL_CHARS_MAX = 300;

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

const PREFIX = {
  resourceType: 'ACL_RESOURCE_TYPE_',
  patternType: 'ACL_PATTERN_TYPE_',
  operation: 'ACL_OPERATION_',
  permission: 'ACL_PERMISSION_TYPE_',
} as const;

function toWire(prefix: string, value: string): never {
  return `${prefix}${value.toUpperCase()}` as never;
}

/**
 * The lower-case name of a wire enum value, or undefined for ANY (filters) and UNSPECIFIED. A value the
 * proto does not define (decoded as a number) is refused, never read as "any".
 */
function fromWire<T extends string>(
  prefix: string,
  value: unknown,
  known: readonly T[],
  what: string,
): T | undefined {
  if (value !== undefined && typeof value !== 'string')
    throw new TributaryError('INVALID_REQUEST', `unknown ACL ${what} ${JSON.stringify(value)}`);
  const text = value ?? '';
  const name = text.startsWith(prefix) ? text.slice(prefix.length).toLowerCase() : '';
  if (name === 'any' || name === 'unspecified' || name === '') return undefined;
  if (!(known as readonly string[]).includes(name))
    throw new TributaryError('INVALID_REQUEST', `unknown ACL ${what} ${JSON.stringify(value)}`);
  return name as T;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new TributaryError('INVALID_REQUEST', `an ACL binding needs a ${what}`);
  return value;
}

/** A principal as the broker names it: "User:<name>", "ServiceAccount:<ns>/<name>", or "User:*". */
export function isPrincipal(value: string): boolean {
  return (
    value.length <= PRINCIPAL_CHARS_MAX &&
    (/^User:[^\s]+$/.test(value) || /^ServiceAccount:[a-z0-9.-]{1,63}\/[a-z0-9.-]{1,253}$/.test(value))
  );
}

/** Throws INVALID_REQUEST naming what is wrong with a binding. */
export function validateAclBinding(b: AclBinding): void {
  const fail = (message: string): never => {
    throw new TributaryError('INVALID_REQUEST', `ACL binding: ${message}`);
  };
  if (!isPrincipal(b.principal))
    fail(`principal ${JSON.stringify(b.principal)} is not User:<name>, ServiceAccount:<ns>/<name> or User:*`);
  if (b.resourceName === '' || b.resourceName.length > ACL_NAME_CHARS_MAX)
    fail(`the resource name must have 1 to ${ACL_NAME_CHARS_MAX} characters`);
  if (
    b.resourceType === 'cluster' &&
    (b.resourceName !== CLUSTER_RESOURCE_NAME || b.patternType !== 'literal')
  )
    fail(`the cluster resource is the literal name "${CLUSTER_RESOURCE_NAME}"`);
  if (b.patternType === 'prefixed' && b.resourceName === '*')
    fail('a prefixed pattern "*" would match only names starting with "*": use the literal "*"');
  if (b.host !== '*' && !/^[0-9a-fA-F.:]{2,45}$/.test(b.host))
    fail(`host ${JSON.stringify(b.host)} is not an IP address or "*"`);
}

export function aclBindingToWire(b: NewAclBinding): Required<WireBinding> {
  return {
    resource_type: toWire(PREFIX.resourceType, b.resourceType),
    resource_name: b.resourceName,
    pattern_type: toWire(PREFIX.patternType, b.patternType ?? 'literal'),
    principal: b.principal,
    host: b.host ?? '*',
    operation: toWire(PREFIX.operation, b.operation),
    permission_type: toWire(PREFIX.permission, b.permission ?? 'allow'),
  };
}

/** A binding from the wire; an empty host is "*". Throws INVALID_REQUEST when a field is not a binding's. */
export function aclBindingFromWire(b: WireBinding): AclBinding {
  return {
    resourceType: required(
      fromWire(PREFIX.resourceType, b.resource_type, ACL_RESOURCE_TYPES, 'resource type'),
      'resource type',
    ),
    resourceName: b.resource_name ?? '',
    patternType: required(
      fromWire(PREFIX.patternType, b.pattern_type, ACL_PATTERN_TYPES, 'pattern type'),
      'pattern type',
    ),
    principal: b.principal ?? '',
    host: b.host === undefined || b.host === '' ? '*' : b.host,
    operation: required(fromWire(PREFIX.operation, b.operation, ACL_OPERATIONS, 'operation'), 'operation'),
    permission: required(
      fromWire(PREFIX.permission, b.permission_type, ACL_PERMISSIONS, 'permission'),
      'permission',
    ),
  };
}

export function aclFilterToWire(f: AclFilter): Required<WireFilter> {
  return {
    resource_type: toWire(PREFIX.resourceType, f.resourceType ?? 'any'),
    resource_name: f.resourceName ?? '',
    pattern_type: toWire(PREFIX.patternType, f.patternType ?? 'any'),
    principal: f.principal ?? '',
    host: f.host ?? '',
    operation: toWire(PREFIX.operation, f.operation ?? 'any'),
    permission_type: toWire(PREFIX.permission, f.permission ?? 'any'),
  };
}

export function aclFilterFromWire(f: WireFilter | null | undefined): AclFilter {
  const out: AclFilter = {};
  if (f === null || f === undefined) return out;
  const resourceType = fromWire(PREFIX.resourceType, f.resource_type, ACL_RESOURCE_TYPES, 'resource type');
  const patternType = fromWire(
    PREFIX.patternType,
    f.pattern_type,
    [...ACL_PATTERN_TYPES, 'match' as const],
    'pattern type',
  );
  const operation = fromWire(PREFIX.operation, f.operation, ACL_OPERATIONS, 'operation');
  const permission = fromWire(PREFIX.permission, f.permission_type, ACL_PERMISSIONS, 'permission');
  if (resourceType !== undefined) out.resourceType = resourceType;
  if (f.resource_name) out.resourceName = f.resource_name;
  if (patternType !== undefined) out.patternType = patternType;
  if (f.principal) out.principal = f.principal;
  if (f.host) out.host = f.host;
  if (operation !== undefined) out.operation = operation;
  if (permission !== undefined) out.permission = permission;
  return out;
}
