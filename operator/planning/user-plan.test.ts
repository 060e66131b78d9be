import { describe, expect, it } from 'vitest';
import type { User, UserSpec } from '../api/v1alpha1.js';
import { type AclRule, desiredUser, planAcls, planQuotas, planScram, userPrincipal } from './user-plan.js';

function user(spec: Partial<UserSpec>, name = 'alice'): User {
  return {
    metadata: { name, namespace: 'apps', uid: 'u1', generation: 1 },
    spec: { cluster: 'events', ...spec },
  };
}

const rule = (over: Partial<AclRule>): AclRule => ({
  resourceType: 'topic',
  resourceName: 'orders',
  patternType: 'literal',
  principal: 'User:alice',
  host: '*',
  operation: 'Read',
  permission: 'allow',
  ...over,
});

describe('desiredUser', () => {
  it('names the principal by authentication type', () => {
    expect(userPrincipal(user({ authentication: { type: 'tls' } }))).toBe('User:alice');
    expect(userPrincipal(user({ authentication: { type: 'scram-sha-256' } }))).toBe('User:alice');
    expect(userPrincipal(user({}))).toBe('User:alice');
    expect(userPrincipal(user({ authentication: { type: 'serviceAccount', name: 'orders-app' } }))).toBe(
      'ServiceAccount:apps/orders-app',
    );
  });

  it('maps the credential, SCRAM mechanism in the SDK spelling, password reference kept', () => {
    const d = desiredUser(
      user({
        authentication: { type: 'scram-sha-256', password: { secretKeyRef: { name: 'pw', key: 'secret' } } },
      }),
    );
    expect(d).toEqual({
      ok: true,
      user: {
        name: 'alice',
        principal: 'User:alice',
        credential: { kind: 'scram', mechanism: 'SCRAM-SHA-256', passwordRef: { name: 'pw', key: 'secret' } },
        acls: [],
        quotas: {},
      },
    });
    expect(desiredUser(user({ authentication: { type: 'scram-sha-512' } }))).toMatchObject({
      ok: true,
      user: { credential: { kind: 'scram', mechanism: 'SCRAM-SHA-512' } },
    });
  });

  it('expands each rule into one binding per operation, duplicates once, the cluster resource named', () => {
    const d = desiredUser(
      user({
        authorization: {
          acls: [
            {
              resource: { type: 'topic', name: 'orders', patternType: 'literal' },
              operations: ['Read', 'Describe'],
              host: '*',
              type: 'allow',
            },
            {
              resource: { type: 'topic', name: 'orders', patternType: 'literal' },
              operations: ['Read'],
              host: '*',
              type: 'allow',
            },
            {
              resource: { type: 'group', name: 'orders-', patternType: 'prefixed' },
              operations: ['Read'],
              host: '10.0.0.7',
              type: 'deny',
            },
            {
              resource: { type: 'cluster', patternType: 'literal' },
              operations: ['IdempotentWrite'],
              host: '*',
              type: 'allow',
            },
          ],
        },
        quotas: { producerByteRate: 1024, requestRate: 10 },
      }),
    );
    if (!d.ok) throw new Error(d.message);
    expect(d.user.acls).toEqual([
      rule({ operation: 'Read' }),
      rule({ operation: 'Describe' }),
      rule({
        resourceType: 'group',
        resourceName: 'orders-',
        patternType: 'prefixed',
        host: '10.0.0.7',
        permission: 'deny',
      }),
      rule({ resourceType: 'cluster', resourceName: 'tributary-cluster', operation: 'IdempotentWrite' }),
    ]);
    expect(d.user.quotas).toEqual({ producer_byte_rate: 1024, request_rate: 10 });
  });

  it('refuses what the brokers would refuse, naming the rule', () => {
    const acl = (type: 'topic' | 'group' | 'cluster', operations: string[], extra: object = {}) =>
      desiredUser(
        user({
          authorization: {
            acls: [
              {
                resource: {
                  type,
                  name: type === 'cluster' ? undefined : 'x',
                  patternType: 'literal',
                  ...extra,
                },
                operations: operations as never,
                host: '*',
                type: 'allow',
              },
            ],
          },
        }),
      );
    expect(acl('group', ['Write'])).toEqual({
      ok: false,
      message: 'authorization.acls[0]: Write is not an operation on a group (All, Read, Describe, Delete)',
    });
    expect(acl('topic', ['ClusterAction'])).toMatchObject({ ok: false });
    expect(acl('cluster', ['Read'])).toMatchObject({ ok: false });
    expect(acl('topic', ['Read'], { name: '*', patternType: 'prefixed' })).toMatchObject({
      ok: false,
      message: 'authorization.acls[0]: patternType prefixed needs a topic or group name prefix',
    });
    expect(acl('cluster', ['Alter'], { name: 'other' })).toMatchObject({ ok: false });
    expect(
      desiredUser(
        user({
          authorization: {
            acls: [
              {
                resource: { type: 'topic', name: 'x', patternType: 'literal' },
                operations: ['Read'],
                host: 'db',
                type: 'allow',
              },
            ],
          },
        }),
      ),
    ).toEqual({ ok: false, message: `authorization.acls[0]: host "db" is not an IP address or '*'` });
    expect(desiredUser(user({ authentication: { type: 'serviceAccount' } }))).toMatchObject({ ok: false });
    expect(
      desiredUser(
        user({
          authentication: { type: 'scram-sha-512', password: { secretKeyRef: { name: 'alice', key: 'p' } } },
        }),
      ),
    ).toMatchObject({ ok: false });
    expect(desiredUser(user({ quotas: { consumerByteRate: 0 } }))).toMatchObject({ ok: false });
    expect(desiredUser(user({}, 'a'.repeat(65)))).toMatchObject({ ok: false });
  });
});

describe('planAcls', () => {
  it('creates what is missing and deletes what the spec does not list, by every field', () => {
    const keep = rule({});
    const hostChanged = rule({ operation: 'Describe', host: '10.0.0.1' });
    const extra = rule({ resourceName: 'payments' });
    expect(planAcls([keep, rule({ operation: 'Describe' })], [keep, hostChanged, extra])).toEqual({
      create: [rule({ operation: 'Describe' })],
      delete: [hostChanged, extra],
    });
    expect(planAcls([keep], [keep])).toEqual({ create: [], delete: [] });
  });
});

describe('planQuotas', () => {
  it('sets changed values and removes those the spec dropped', () => {
    expect(
      planQuotas(
        { producer_byte_rate: 2048, request_rate: 5 },
        { producer_byte_rate: 1024, consumer_byte_rate: 9 },
      ),
    ).toEqual({ set: { producer_byte_rate: 2048, request_rate: 5 }, remove: ['consumer_byte_rate'] });
    expect(planQuotas({ request_rate: 5 }, { request_rate: 5 })).toEqual({ set: {}, remove: [] });
  });
});

describe('planScram', () => {
  const scram = { kind: 'scram', mechanism: 'SCRAM-SHA-512' } as const;
  it('sets the credential when missing or when the password changed, deletes other mechanisms', () => {
    expect(planScram(scram, [], false)).toEqual({ upsert: 'SCRAM-SHA-512', delete: [] });
    expect(planScram(scram, ['SCRAM-SHA-512'], false)).toEqual({ delete: [] });
    expect(planScram(scram, ['SCRAM-SHA-512'], true)).toEqual({ upsert: 'SCRAM-SHA-512', delete: [] });
    expect(planScram(scram, ['SCRAM-SHA-256', 'SCRAM-SHA-512'], false)).toEqual({
      delete: ['SCRAM-SHA-256'],
    });
  });
  it('deletes every mechanism of a user that does not use SCRAM', () => {
    expect(planScram({ kind: 'tls' }, ['SCRAM-SHA-256'], true)).toEqual({ delete: ['SCRAM-SHA-256'] });
    expect(planScram({ kind: 'none' }, [], false)).toEqual({ delete: [] });
  });
});
