import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACL_OPERATIONS,
  type AclBinding,
  type AclOperation,
  type AclResourceType,
  CLUSTER_RESOURCE_NAME,
} from '../../proto/acl.js';
import { AclAuthorizer, type AclRequest, decide, filterMatches } from './acl-authorizer.js';

const NAMES = ['a', 'ab', 'abc', 'b', 'pay-in', 'pay-out', 'payroll'];
const PRINCIPALS = ['User:alice', 'User:bob', 'ServiceAccount:ns/app'];
const TYPES: AclResourceType[] = ['topic', 'group'];
const REQUEST_OPS = ACL_OPERATIONS.filter((o) => o !== 'all');

const binding: fc.Arbitrary<AclBinding> = fc.record({
  resourceType: fc.constantFrom(...TYPES),
  resourceName: fc.constantFrom('*', ...NAMES, 'pay', 'pay-'),
  patternType: fc.constantFrom('literal' as const, 'prefixed' as const),
  principal: fc.constantFrom('User:*', ...PRINCIPALS),
  host: fc.constantFrom('*', '10.0.0.1', '10.0.0.2'),
  operation: fc.constantFrom(...ACL_OPERATIONS),
  permission: fc.constantFrom('allow' as const, 'deny' as const),
});

const request: fc.Arbitrary<AclRequest> = fc.record({
  principal: fc.constantFrom(...PRINCIPALS),
  host: fc.constantFrom('10.0.0.1', '10.0.0.2'),
  operation: fc.constantFrom(...REQUEST_OPS),
  resourceType: fc.constantFrom(...TYPES),
  resourceName: fc.constantFrom(...NAMES),
});

function allow(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: 'topic',
    resourceName: 'orders',
    patternType: 'literal',
    principal: 'User:alice',
    host: '*',
    operation: 'read',
    permission: 'allow',
    ...overrides,
  };
}

function ask(overrides: Partial<AclRequest>): AclRequest {
  return {
    principal: 'User:alice',
    host: '10.0.0.1',
    operation: 'read',
    resourceType: 'topic',
    resourceName: 'orders',
    ...overrides,
  };
}

describe('ACL authorizer', () => {
  it('the indexed, cached authorizer agrees with a scan of every binding', () => {
    fc.assert(
      fc.property(
        fc.array(binding, { maxLength: 30 }),
        fc.array(request, { minLength: 1, maxLength: 20 }),
        (bs, rs) => {
          const authorizer = new AclAuthorizer();
          authorizer.setBindings(bs);
          for (const r of rs) expect(authorizer.authorize(r)).toBe(decide(bs, r));
        },
      ),
    );
  });

  it('deny wins: an applicable deny refuses whatever else allows', () => {
    fc.assert(
      fc.property(fc.array(binding, { maxLength: 30 }), request, (bs, r) => {
        const deny: AclBinding = {
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          patternType: 'literal',
          principal: r.principal,
          host: '*',
          operation: r.operation,
          permission: 'deny',
        };
        const authorizer = new AclAuthorizer();
        authorizer.setBindings([...bs, deny, allow({ ...deny, permission: 'allow', operation: 'all' })]);
        expect(authorizer.authorize(r)).toBe(false);
      }),
    );
  });

  it('literal matches the name or "*", prefixed every name that starts with it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NAMES, 'pay', 'pay-', '*'),
        fc.constantFrom(...NAMES),
        (pattern, name) => {
          const lit = new AclAuthorizer();
          lit.setBindings([allow({ resourceName: pattern })]);
          expect(lit.authorize(ask({ resourceName: name }))).toBe(pattern === '*' || pattern === name);
          if (pattern === '*') return;
          const pre = new AclAuthorizer();
          pre.setBindings([allow({ resourceName: pattern, patternType: 'prefixed' })]);
          expect(pre.authorize(ask({ resourceName: name }))).toBe(name.startsWith(pattern));
        },
      ),
    );
  });

  it('no binding means no access; an allow implies describe, a deny implies nothing but itself', () => {
    const a = new AclAuthorizer();
    expect(a.authorize(ask({}))).toBe(false);
    a.setBindings([allow({ operation: 'write' })]);
    expect(a.authorize(ask({ operation: 'write' }))).toBe(true);
    expect(a.authorize(ask({ operation: 'describe' }))).toBe(true);
    expect(a.authorize(ask({ operation: 'read' }))).toBe(false);
    a.setBindings([allow({ operation: 'all' }), allow({ operation: 'read', permission: 'deny' })]);
    expect(a.authorize(ask({ operation: 'read' }))).toBe(false);
    expect(a.authorize(ask({ operation: 'describe' }))).toBe(true);
    a.setBindings([allow({ operation: 'alter_configs' })]);
    expect(a.authorize(ask({ operation: 'describe_configs' }))).toBe(true);
    a.setBindings([allow({ host: '10.0.0.2' })]);
    expect(a.authorize(ask({ host: '10.0.0.1' }))).toBe(false);
    a.setBindings([allow({ principal: 'User:*' })]);
    expect(a.authorize(ask({ principal: 'ServiceAccount:ns/app' }))).toBe(true);
  });

  it('super users pass everything; KIP-679: write on some topic allows idempotent producers', () => {
    const a = new AclAuthorizer((p) => p === 'User:root');
    expect(
      a.authorize(
        ask({
          principal: 'User:root',
          operation: 'cluster_action',
          resourceType: 'cluster',
          resourceName: CLUSTER_RESOURCE_NAME,
        }),
      ),
    ).toBe(true);
    expect(a.mayWriteSomeTopic('User:alice', '10.0.0.1')).toBe(false);
    a.setBindings([allow({ operation: 'write', patternType: 'prefixed', resourceName: 'pay' })]);
    expect(a.mayWriteSomeTopic('User:alice', '10.0.0.1')).toBe(true);
    a.setBindings([
      allow({ operation: 'write', patternType: 'prefixed', resourceName: 'pay' }),
      allow({ operation: 'all', resourceName: '*', permission: 'deny' }),
    ]);
    expect(a.mayWriteSomeTopic('User:alice', '10.0.0.1')).toBe(false);
  });

  it('filters select by field; "match" selects what would apply to a name', () => {
    const bs = [
      allow({ resourceName: 'pay', patternType: 'prefixed' }),
      allow({ resourceName: '*' }),
      allow({ resourceName: 'pay-in' }),
      allow({ resourceName: 'other' }),
    ];
    const names = (f: Parameters<typeof filterMatches>[0]) =>
      bs.filter((b) => filterMatches(f, b)).map((b) => b.resourceName);
    expect(names({ resourceName: 'pay-in', patternType: 'match' })).toEqual(['pay', '*', 'pay-in']);
    expect(names({ patternType: 'prefixed' })).toEqual(['pay']);
    expect(names({ resourceName: 'other' })).toEqual(['other']);
    expect(names({ operation: 'write' as AclOperation })).toEqual([]);
  });
});
