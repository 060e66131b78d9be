/**
 * Planning for one User: the principal, credential, ACL bindings and quotas its spec describes, and the
 * changes that bring the brokers there. Pure; the user reconcile performs them.
 *
 * Users sync one way, resource to brokers (as Topics do): the principal's ACL bindings that the spec does not
 * list are deleted, its quotas that the spec does not set are removed, and SCRAM credentials of the user name
 * for another mechanism than the spec's (or any, when the spec has no SCRAM authentication) are deleted.
 *
 * Principals (docs/architecture.md, "Security"): `User:<metadata.name>` for tls and SCRAM users and users
 * without authentication; `ServiceAccount:<namespace>/<name>` for serviceAccount users.
 *
 * One ACL rule of the spec (a resource, several operations) is one binding per operation, as the brokers
 * store them; bindings compare by every field, so a rule whose host or permission changed is a deletion of
 * the old binding and a creation of the new one.
 */
import { isIP } from 'node:net';
import { CLUSTER_RESOURCE_NAME } from '../../client/acl.js';
import { QUOTA_KEYS, type QuotaKey } from '../../client/security-admin.js';
import type { ScramMechanismName } from '../../proto/scram.js';
import type { User, UserAcl } from '../api/v1alpha1.js';

export type AclResourceKind = UserAcl['resource']['type'];
export type AclOperationName = UserAcl['operations'][number];
export type AclPatternKind = UserAcl['resource']['patternType'];
export type AclPermission = UserAcl['type'];

/** One ACL binding of a principal, as the brokers store it. */
export interface AclRule {
  resourceType: AclResourceKind;
  resourceName: string;
  patternType: AclPatternKind;
  principal: string;
  /** An IP address, or '*'. */
  host: string;
  operation: AclOperationName;
  permission: AclPermission;
}

/** How the user authenticates, as far as the operator has to act on it. */
export type UserCredential =
  | { kind: 'tls' }
  | { kind: 'scram'; mechanism: ScramMechanismName; passwordRef?: { name: string; key: string } }
  | { kind: 'serviceAccount'; name: string }
  | { kind: 'none' };

export type QuotaValues = Partial<Record<QuotaKey, number>>;

export interface DesiredUser {
  /** The user name: metadata.name (the SCRAM user and the certificate's common name). */
  name: string;
  principal: string;
  credential: UserCredential;
  acls: AclRule[];
  quotas: QuotaValues;
}

/** Operations each resource type takes (as Kafka's): what else would be refused by the brokers. */
const OPERATIONS_OF: Record<AclResourceKind, ReadonlySet<AclOperationName>> = {
  topic: new Set([
    'All',
    'Read',
    'Write',
    'Create',
    'Delete',
    'Alter',
    'Describe',
    'DescribeConfigs',
    'AlterConfigs',
  ]),
  group: new Set(['All', 'Read', 'Describe', 'Delete']),
  cluster: new Set([
    'All',
    'Create',
    'Alter',
    'Describe',
    'ClusterAction',
    'DescribeConfigs',
    'AlterConfigs',
    'IdempotentWrite',
  ]),
};

/** User names: Kubernetes object names of at most 64 characters (a certificate's CN is at most 64). */
const USER_NAME = /^[a-z0-9]([-a-z0-9.]{0,62}[a-z0-9])?$/;
/** The CRD's limits: 128 rules of at most 11 operations. */
const ACL_RULES_MAX = 128;
const BINDINGS_MAX = ACL_RULES_MAX * 11;

/** The principal `user` stands for, or undefined when its spec cannot name one. */
export function userPrincipal(user: User): string | undefined {
  const auth = user.spec.authentication;
  if (auth?.type === 'serviceAccount') {
    return auth.name === undefined ? undefined : `ServiceAccount:${user.metadata.namespace}/${auth.name}`;
  }
  const name = user.metadata.name ?? '';
  return USER_NAME.test(name) ? `User:${name}` : undefined;
}

/** A canonical text of a binding: equal bindings, equal keys. */
export function aclKey(rule: AclRule): string {
  return JSON.stringify([
    rule.resourceType,
    rule.resourceName,
    rule.patternType,
    rule.principal,
    rule.host.toLowerCase(),
    rule.operation,
    rule.permission,
  ]);
}

function credentialOf(user: User): UserCredential | string {
  const auth = user.spec.authentication;
  switch (auth?.type) {
    case undefined:
      return { kind: 'none' };
    case 'tls':
      return { kind: 'tls' };
    case 'scram-sha-256':
    case 'scram-sha-512': {
      const ref = auth.password?.secretKeyRef;
      if (ref !== undefined && ref.name === user.metadata.name) {
        return 'authentication.password.secretKeyRef names the Secret the operator writes for the User';
      }
      return {
        kind: 'scram',
        mechanism: auth.type === 'scram-sha-256' ? 'SCRAM-SHA-256' : 'SCRAM-SHA-512',
        ...(ref === undefined ? {} : { passwordRef: { name: ref.name, key: ref.key } }),
      };
    }
    case 'serviceAccount':
      if (auth.name === undefined || auth.name === '') {
        return 'authentication.name (the ServiceAccount) is required with type serviceAccount';
      }
      return { kind: 'serviceAccount', name: auth.name };
    default:
      return `unknown authentication type ${JSON.stringify((auth as { type: unknown }).type)}`;
  }
}

function aclRules(acls: readonly UserAcl[], principal: string): AclRule[] | string {
  if (acls.length > ACL_RULES_MAX)
    return `authorization.acls has ${acls.length} rules, at most ${ACL_RULES_MAX}`;
  const rules = new Map<string, AclRule>();
  for (const [i, acl] of acls.entries()) {
    const where = `authorization.acls[${i}]`;
    const type = acl.resource.type;
    const allowed = OPERATIONS_OF[type];
    if (allowed === undefined) return `${where}: unknown resource type ${JSON.stringify(type)}`;
    const name = type === 'cluster' ? (acl.resource.name ?? CLUSTER_RESOURCE_NAME) : acl.resource.name;
    if (name === undefined || name === '') return `${where}: resource.name is required for a ${type}`;
    if (type === 'cluster' && name !== CLUSTER_RESOURCE_NAME) {
      return `${where}: the cluster resource is named ${CLUSTER_RESOURCE_NAME}`;
    }
    const patternType = acl.resource.patternType ?? 'literal';
    if (patternType === 'prefixed' && (name === '*' || type === 'cluster')) {
      return `${where}: patternType prefixed needs a topic or group name prefix`;
    }
    const host = acl.host ?? '*';
    if (host !== '*' && isIP(host) === 0)
      return `${where}: host ${JSON.stringify(host)} is not an IP address or '*'`;
    if (acl.operations.length === 0) return `${where}: operations is empty`;
    for (const operation of acl.operations) {
      if (!allowed.has(operation)) {
        return `${where}: ${operation} is not an operation on a ${type} (${[...allowed].join(', ')})`;
      }
      const rule: AclRule = {
        resourceType: type,
        resourceName: name,
        patternType,
        principal,
        host,
        operation,
        permission: acl.type ?? 'allow',
      };
      rules.set(aclKey(rule), rule);
    }
  }
  if (rules.size > BINDINGS_MAX)
    return `authorization.acls makes ${rules.size} bindings, at most ${BINDINGS_MAX}`;
  return [...rules.values()];
}

function quotaValues(user: User): QuotaValues | string {
  const quotas = user.spec.quotas ?? {};
  const values: QuotaValues = {};
  const fields: Array<[keyof typeof quotas, QuotaKey]> = [
    ['producerByteRate', 'producer_byte_rate'],
    ['consumerByteRate', 'consumer_byte_rate'],
    ['requestRate', 'request_rate'],
  ];
  for (const [field, key] of fields) {
    const value = quotas[field];
    if (value === undefined) continue;
    if (!(Number.isSafeInteger(value) && value >= 1))
      return `quotas.${field} must be a positive integer, got ${value}`;
    values[key] = value;
  }
  return values;
}

/** What `user` asks the brokers to hold, or why its spec cannot say. */
export function desiredUser(user: User): { ok: true; user: DesiredUser } | { ok: false; message: string } {
  const name = user.metadata.name ?? '';
  if (!USER_NAME.test(name)) {
    return {
      ok: false,
      message: `metadata.name ${JSON.stringify(name)} is not a user name of at most 64 characters`,
    };
  }
  const credential = credentialOf(user);
  if (typeof credential === 'string') return { ok: false, message: credential };
  const principal = userPrincipal(user);
  if (principal === undefined) return { ok: false, message: 'the spec names no principal' };
  const acls = aclRules(user.spec.authorization?.acls ?? [], principal);
  if (typeof acls === 'string') return { ok: false, message: acls };
  const quotas = quotaValues(user);
  if (typeof quotas === 'string') return { ok: false, message: quotas };
  return { ok: true, user: { name, principal, credential, acls, quotas } };
}

export interface AclChanges {
  create: AclRule[];
  delete: AclRule[];
}

/** The bindings to create and to delete so that the principal's are `desired` (one way). */
export function planAcls(desired: readonly AclRule[], observed: readonly AclRule[]): AclChanges {
  const want = new Map(desired.map((r) => [aclKey(r), r]));
  const have = new Map(observed.map((r) => [aclKey(r), r]));
  return {
    create: [...want].filter(([k]) => !have.has(k)).map(([, r]) => r),
    delete: [...have].filter(([k]) => !want.has(k)).map(([, r]) => r),
  };
}

export interface QuotaChanges {
  set: QuotaValues;
  remove: QuotaKey[];
}

/** The quota values to set and the keys to remove so that the principal's quotas are `desired`. */
export function planQuotas(desired: QuotaValues, observed: QuotaValues): QuotaChanges {
  const set: QuotaValues = {};
  const remove: QuotaKey[] = [];
  for (const key of QUOTA_KEYS) {
    const want = desired[key];
    const have = observed[key];
    if (want !== undefined && want !== have) set[key] = want;
    if (want === undefined && have !== undefined) remove.push(key);
  }
  return { set, remove };
}

export function quotaChangesEmpty(changes: QuotaChanges): boolean {
  return Object.keys(changes.set).length === 0 && changes.remove.length === 0;
}

export interface ScramChanges {
  /** Set (again) the credential of this mechanism from the password. */
  upsert?: ScramMechanismName;
  /** Delete the credentials of these mechanisms. */
  delete: ScramMechanismName[];
}

/**
 * SCRAM changes for the user name: the spec's mechanism set when the brokers lack it or the password
 * changed since it was set (`passwordChanged`); every other mechanism deleted.
 */
export function planScram(
  credential: UserCredential,
  observed: readonly ScramMechanismName[],
  passwordChanged: boolean,
): ScramChanges {
  const mechanism = credential.kind === 'scram' ? credential.mechanism : undefined;
  const changes: ScramChanges = { delete: observed.filter((m) => m !== mechanism) };
  if (mechanism !== undefined && (passwordChanged || !observed.includes(mechanism)))
    changes.upsert = mechanism;
  return changes;
}
