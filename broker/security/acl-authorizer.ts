/**
 * The ACL decision (docs/architecture.md, "Security: authorization"), Kafka's rules:
 *
 * - A binding applies to a request when its principal is the caller's or "User:*", its host is the
 *   caller's address or "*", its resource type is the resource's, and its pattern matches the name:
 *   literal equal, literal "*" (every name), or prefixed (the name starts with it).
 * - Its operation is the requested one or `all`. An allow binding also implies `describe` when it grants
 *   read, write, delete or alter, and `describe_configs` when it grants alter_configs; a deny binding
 *   implies nothing beyond itself (denying read does not deny describe), except `all`.
 * - Deny wins: one applicable deny refuses, whatever allows. Without an applicable allow the answer is no
 *   (no binding means no access). Super users skip all of it.
 *
 * Bindings are indexed by resource type, literal name and prefix; decisions are cached per (principal,
 * host, operation, resource) in a bounded map that is dropped whenever the bindings change.
 */
import type { AclBinding, AclFilter, AclOperation, AclResourceType } from '../../proto/acl.js';
import { ANY_PRINCIPAL } from '../../proto/acl.js';

const IMPLIED_BY_ALLOW: Partial<Record<AclOperation, readonly AclOperation[]>> = {
  describe: ['describe', 'read', 'write', 'delete', 'alter'],
  describe_configs: ['describe_configs', 'alter_configs'],
};

/** Decisions kept between changes of the bindings; past this the cache starts again. */
const DECISION_CACHE_MAX = 20_000;

export interface AclRequest {
  principal: string;
  host: string;
  operation: AclOperation;
  resourceType: AclResourceType;
  resourceName: string;
}

interface TypeIndex {
  literal: Map<string, AclBinding[]>;
  prefixed: AclBinding[];
}

/** Does `binding` grant (or, for deny, refuse) `operation`? */
export function operationMatches(binding: AclBinding, operation: AclOperation): boolean {
  if (binding.operation === 'all' || binding.operation === operation) return true;
  if (binding.permission === 'deny') return false;
  return IMPLIED_BY_ALLOW[operation]?.includes(binding.operation) ?? false;
}

export function patternMatches(binding: AclBinding, name: string): boolean {
  if (binding.patternType === 'prefixed') return name.startsWith(binding.resourceName);
  return binding.resourceName === '*' || binding.resourceName === name;
}

export function bindingApplies(binding: AclBinding, request: AclRequest): boolean {
  return (
    binding.resourceType === request.resourceType &&
    (binding.principal === request.principal || binding.principal === ANY_PRINCIPAL) &&
    (binding.host === '*' || binding.host === request.host) &&
    patternMatches(binding, request.resourceName) &&
    operationMatches(binding, request.operation)
  );
}

/** The reference decision, by a scan of every binding: what the indexed authorizer must agree with. */
export function decide(bindings: readonly AclBinding[], request: AclRequest): boolean {
  let allowed = false;
  for (const b of bindings) {
    if (!bindingApplies(b, request)) continue;
    if (b.permission === 'deny') return false;
    allowed = true;
  }
  return allowed;
}

/** Does a filter select this binding? (DescribeAcls, DeleteAcls.) */
export function filterMatches(filter: AclFilter, b: AclBinding): boolean {
  if (filter.resourceType !== undefined && filter.resourceType !== b.resourceType) return false;
  if (filter.principal !== undefined && filter.principal !== b.principal) return false;
  if (filter.host !== undefined && filter.host !== b.host) return false;
  if (filter.operation !== undefined && filter.operation !== b.operation) return false;
  if (filter.permission !== undefined && filter.permission !== b.permission) return false;
  const name = filter.resourceName;
  if (filter.patternType === 'match') {
    // Every binding that would apply to the literal name (all bindings when no name is given).
    return name === undefined || patternMatches(b, name);
  }
  if (filter.patternType !== undefined && filter.patternType !== b.patternType) return false;
  return name === undefined || name === b.resourceName;
}

/** Bindings equal in every field. */
export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permission === b.permission
  );
}

export class AclAuthorizer {
  private index = new Map<AclResourceType, TypeIndex>();
  private bindingsList: readonly AclBinding[] = [];
  private readonly decisions = new Map<string, boolean>();

  constructor(private readonly isSuperUser: (principal: string) => boolean = () => false) {}

  get bindings(): readonly AclBinding[] {
    return this.bindingsList;
  }

  /** Replaces every binding (after a change in the DCS). */
  setBindings(bindings: readonly AclBinding[]): void {
    const index = new Map<AclResourceType, TypeIndex>();
    for (const b of bindings) {
      let t = index.get(b.resourceType);
      if (t === undefined) {
        t = { literal: new Map(), prefixed: [] };
        index.set(b.resourceType, t);
      }
      if (b.patternType === 'prefixed') t.prefixed.push(b);
      else {
        const list = t.literal.get(b.resourceName);
        if (list === undefined) t.literal.set(b.resourceName, [b]);
        else list.push(b);
      }
    }
    this.index = index;
    this.bindingsList = bindings;
    this.decisions.clear();
  }

  authorize(request: AclRequest): boolean {
    if (this.isSuperUser(request.principal)) return true;
    const key = `${request.principal}\u0000${request.host}\u0000${request.operation}\u0000${request.resourceType}\u0000${request.resourceName}`;
    const cached = this.decisions.get(key);
    if (cached !== undefined) return cached;
    const t = this.index.get(request.resourceType);
    const candidates =
      t === undefined
        ? []
        : [
            ...(t.literal.get(request.resourceName) ?? []),
            ...(request.resourceName === '*' ? [] : (t.literal.get('*') ?? [])),
            ...t.prefixed,
          ];
    const allowed = decide(candidates, request);
    if (this.decisions.size >= DECISION_CACHE_MAX) this.decisions.clear();
    this.decisions.set(key, allowed);
    return allowed;
  }

  /**
   * Kafka's rule for idempotent producers (KIP-679): `idempotent_write` on the cluster, or `write`
   * allowed on some topic (an allow binding for write or all on any topic pattern, not cancelled by a
   * deny of the same on every topic).
   */
  mayWriteSomeTopic(principal: string, host: string): boolean {
    if (this.isSuperUser(principal)) return true;
    const t = this.index.get('topic');
    if (t === undefined) return false;
    const all = [...[...t.literal.values()].flat(), ...t.prefixed];
    const applies = (b: AclBinding) =>
      (b.principal === principal || b.principal === ANY_PRINCIPAL) &&
      (b.host === '*' || b.host === host) &&
      (b.operation === 'write' || b.operation === 'all');
    const deniedEverywhere = all.some(
      (b) =>
        applies(b) &&
        b.permission === 'deny' &&
        ((b.patternType === 'literal' && b.resourceName === '*') ||
          (b.patternType === 'prefixed' && b.resourceName === '')),
    );
    return !deniedEverywhere && all.some((b) => applies(b) && b.permission === 'allow');
  }
}
