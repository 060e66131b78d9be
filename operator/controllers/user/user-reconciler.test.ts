import type { V1Secret } from '@kubernetes/client-node';
import pino from 'pino';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TributaryError } from '../../../client/index.js';
import { createCa, issueCertificate, type PemPair } from '../../../kit/pki.js';
import type { ScramMechanismName } from '../../../proto/scram.js';
import type { Cluster, User, UserSpec } from '../../api/v1alpha1.js';
import { USER_FINALIZER } from '../../planning/labels.js';
import { type AclRule, aclKey, type QuotaChanges, type QuotaValues } from '../../planning/user-plan.js';
import { secretText } from '../../planning/user-secret.js';
import type { BrokerSecurity } from './broker-security.js';
import { UserReconciler, type UserReconcilerDeps } from './user-reconciler.js';

// The user reconcile against in-memory brokers, Secrets and caches: what reaches the brokers and the Secret,
// and what the status says.

const NS = 'apps';
const DAY_MS = 86_400_000;

/** Brokers' security metadata in memory, with a log of the writes. */
class MemoryBrokers implements BrokerSecurity {
  readonly scram = new Map<string, Map<ScramMechanismName, string>>();
  readonly bindings = new Map<string, AclRule>();
  readonly quotaOf = new Map<string, QuotaValues>();
  readonly writes: string[] = [];
  failWith: TributaryError | undefined;
  aclsDisabled = false;

  private check(): void {
    if (this.failWith !== undefined) throw this.failWith;
  }
  async scramMechanisms(user: string) {
    this.check();
    return [...(this.scram.get(user)?.keys() ?? [])];
  }
  async upsertScram(user: string, mechanism: ScramMechanismName, password: string) {
    this.check();
    this.writes.push(`upsert ${user} ${mechanism}`);
    const m = this.scram.get(user) ?? new Map();
    m.set(mechanism, password);
    this.scram.set(user, m);
  }
  async deleteScram(user: string, mechanisms: readonly ScramMechanismName[]) {
    this.check();
    this.writes.push(`delete-scram ${user} ${mechanisms.join(',')}`);
    for (const m of mechanisms) this.scram.get(user)?.delete(m);
  }
  async acls(principal: string) {
    this.check();
    if (this.aclsDisabled) throw new TributaryError('SECURITY_DISABLED', 'authorizer=none');
    return [...this.bindings.values()].filter((b) => b.principal === principal);
  }
  async createAcls(rules: readonly AclRule[]) {
    this.check();
    if (this.aclsDisabled) throw new TributaryError('SECURITY_DISABLED', 'authorizer=none');
    this.writes.push(`create-acls ${rules.length}`);
    for (const r of rules) this.bindings.set(aclKey(r), r);
  }
  async deleteAcls(rules: readonly AclRule[]) {
    this.check();
    this.writes.push(`delete-acls ${rules.length}`);
    for (const r of rules) this.bindings.delete(aclKey(r));
  }
  async quotas(principal: string) {
    this.check();
    return { ...(this.quotaOf.get(principal) ?? {}) };
  }
  async alterQuotas(principal: string, changes: QuotaChanges) {
    this.check();
    this.writes.push(`quotas ${principal}`);
    const q = { ...(this.quotaOf.get(principal) ?? {}), ...changes.set };
    for (const k of changes.remove) delete q[k];
    this.quotaOf.set(principal, q);
  }
  principalAcls(principal: string): string[] {
    return [...this.bindings.values()]
      .filter((b) => b.principal === principal)
      .map((b) => `${b.permission} ${b.operation} ${b.resourceType}:${b.resourceName}`)
      .sort();
  }
}

/** Secrets of the namespace, by name, with resourceVersions that grow on every change. */
class MemorySecrets {
  readonly byName = new Map<string, V1Secret>();
  private version = 1;
  put(secret: V1Secret): V1Secret {
    const old = this.byName.get(secret.metadata!.name!);
    const same = old !== undefined && JSON.stringify(old.data) === JSON.stringify(secret.data);
    const stored: V1Secret = {
      ...secret,
      metadata: {
        ...secret.metadata,
        uid: old?.metadata?.uid ?? `s-${secret.metadata!.name}`,
        resourceVersion: same ? old.metadata!.resourceVersion : String(++this.version),
      },
    };
    this.byName.set(secret.metadata!.name!, stored);
    return stored;
  }
  text(name: string): Record<string, string> {
    return secretText(this.byName.get(name));
  }
}

const cluster: Cluster = {
  metadata: { name: 'events', namespace: NS, uid: 'c1' },
  spec: { version: '0.1.0' } as Cluster['spec'],
  status: { bootstrap: 'events-bootstrap.apps.svc:9292' },
};

describe('UserReconciler', () => {
  let users: Map<string, User>;
  let brokers: MemoryBrokers;
  let secrets: MemorySecrets;
  let events: string[];
  let ca: PemPair | undefined;
  let nowMs: number;
  let issued: number;
  let clusters: Map<string, Cluster>;
  let reconciler: UserReconciler;
  let clientsCa: PemPair;
  let otherCa: PemPair;

  beforeAll(async () => {
    [clientsCa, otherCa] = await Promise.all([
      createCa({ commonName: 'clients' }),
      createCa({ commonName: 'other' }),
    ]);
  });

  beforeEach(() => {
    users = new Map();
    brokers = new MemoryBrokers();
    secrets = new MemorySecrets();
    events = [];
    ca = clientsCa;
    nowMs = Date.now();
    issued = 0;
    clusters = new Map([['events', cluster]]);
    const deps = {
      users: {
        get: (name: string) => users.get(name),
        list: () => [...users.values()],
      },
      clusters: { get: (name: string) => clusters.get(name) },
      finalizers: {
        ensure: async (u: User, f: string) => {
          const object = {
            ...u,
            metadata: { ...u.metadata, finalizers: [...(u.metadata.finalizers ?? []), f] },
          };
          if (!u.metadata.finalizers?.includes(f)) users.set(u.metadata.name!, object);
          return { object: users.get(u.metadata.name!)! };
        },
        release: async (u: User) => {
          users.delete(u.metadata.name!);
          return { object: u };
        },
      },
      statuses: {
        write: async (u: User, status: User['status']) => {
          const current = users.get(u.metadata.name!);
          if (current !== undefined) users.set(u.metadata.name!, { ...current, status });
          return true;
        },
      },
      secrets: {
        get: async (_ns: string, name: string) => secrets.byName.get(name),
        delete: async (s: V1Secret) => {
          secrets.byName.delete(s.metadata!.name!);
        },
      },
      applier: { apply: async (s: V1Secret) => secrets.put(s) },
      security: () => brokers,
      clientsCa: { clientsCa: async () => ca },
      addresses: { bootstrapOf: (c: Cluster) => c.status?.bootstrap },
      events: {
        record: (_s: unknown, _t: string, reason: string) => events.push(reason),
        recordChange: () => undefined,
      },
      metrics: { statusWrites: { inc: () => undefined } },
      log: pino({ level: 'silent' }),
      randomBytes: (n: number) => Buffer.alloc(n, 7),
      issueCertificate: (authority: PemPair, commonName: string) => {
        issued++;
        return issueCertificate(authority, {
          commonName,
          usage: 'client',
          notBefore: new Date(nowMs - 60_000),
          validityDays: 365,
        });
      },
      nowMs: () => nowMs,
    } as unknown as UserReconcilerDeps;
    reconciler = new UserReconciler(deps);
  });

  const create = (name: string, spec: Partial<UserSpec>, created = '2026-01-01T00:00:00Z'): void => {
    users.set(name, {
      apiVersion: 'tributary.dev/v1alpha1',
      kind: 'User',
      metadata: { name, namespace: NS, uid: `u-${name}`, generation: 1, creationTimestamp: created as never },
      spec: { cluster: 'events', ...spec },
    });
  };
  const update = (name: string, spec: Partial<UserSpec>): void => {
    const u = users.get(name)!;
    users.set(name, {
      ...u,
      metadata: { ...u.metadata, generation: u.metadata.generation! + 1 },
      spec: { ...u.spec, ...spec },
    });
  };
  const reconcile = (name: string) => reconciler.reconcile(`${NS}/${name}`);
  const ready = (name: string) => users.get(name)?.status?.conditions?.find((c) => c.type === 'Ready');
  const read: UserSpec['authorization'] = {
    acls: [
      {
        resource: { type: 'topic', name: 'orders', patternType: 'literal' },
        operations: ['Read', 'Describe'],
        host: '*',
        type: 'allow',
      },
      {
        resource: { type: 'group', name: 'orders-', patternType: 'prefixed' },
        operations: ['Read'],
        host: '*',
        type: 'allow',
      },
    ],
  };

  it('scram: generates a password into the Secret, sets its hash, the ACLs and quotas, and reports Synced', async () => {
    create('alice', {
      authentication: { type: 'scram-sha-512' },
      authorization: read,
      quotas: { producerByteRate: 1024 },
    });
    expect(await reconcile('alice')).toBeUndefined();
    const secret = secrets.text('alice');
    expect(secret).toEqual({
      username: 'alice',
      password: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      mechanism: 'SCRAM-SHA-512',
    });
    expect(brokers.scram.get('alice')?.get('SCRAM-SHA-512')).toBe(secret['password']);
    expect(brokers.principalAcls('User:alice')).toEqual([
      'allow Describe topic:orders',
      'allow Read group:orders-',
      'allow Read topic:orders',
    ]);
    expect(brokers.quotaOf.get('User:alice')).toEqual({ producer_byte_rate: 1024 });
    const user = users.get('alice')!;
    expect(user.metadata.finalizers).toEqual([USER_FINALIZER]);
    expect(user.status).toMatchObject({
      observedGeneration: 1,
      principal: 'User:alice',
      secret: 'alice',
      passwordVersion: `s-alice/${secrets.byName.get('alice')!.metadata!.resourceVersion}`,
    });
    expect(ready('alice')).toMatchObject({
      status: 'True',
      reason: 'Synced',
      message:
        'User:alice: SCRAM-SHA-512 credential, password in Secret alice; 3 ACL bindings; quotas producer_byte_rate=1024',
    });
    expect(events).toEqual(['PasswordSet', 'AclsChanged', 'QuotasChanged']);

    // Nothing changed: the password is kept, nothing is written to the brokers.
    const writes = brokers.writes.length;
    await reconcile('alice');
    expect(secrets.text('alice')['password']).toBe(secret['password']);
    expect(brokers.writes.length).toBe(writes);
  });

  it('keeps the ACLs and quotas one way: a changed spec, or a binding made by hand, is brought back', async () => {
    create('alice', {
      authentication: { type: 'scram-sha-512' },
      authorization: read,
      quotas: { producerByteRate: 1024 },
    });
    await reconcile('alice');
    const extra: AclRule = {
      resourceType: 'topic',
      resourceName: 'payments',
      patternType: 'literal',
      principal: 'User:alice',
      host: '*',
      operation: 'Write',
      permission: 'allow',
    };
    brokers.bindings.set(aclKey(extra), extra);
    update('alice', {
      authorization: {
        acls: [
          {
            resource: { type: 'topic', name: 'orders', patternType: 'literal' },
            operations: ['Write'],
            host: '*',
            type: 'allow',
          },
        ],
      },
      quotas: { consumerByteRate: 4096 },
    });
    await reconcile('alice');
    expect(brokers.principalAcls('User:alice')).toEqual(['allow Write topic:orders']);
    expect(brokers.quotaOf.get('User:alice')).toEqual({ consumer_byte_rate: 4096 });
    expect(ready('alice')).toMatchObject({ status: 'True', observedGeneration: 2 });
  });

  it('scram with a password Secret: copies it, and sets the credential again when that Secret changes', async () => {
    secrets.put({
      metadata: { name: 'alice-password', namespace: NS },
      data: { pw: Buffer.from('s3cret').toString('base64') },
    });
    create('alice', {
      authentication: {
        type: 'scram-sha-256',
        password: { secretKeyRef: { name: 'alice-password', key: 'pw' } },
      },
    });
    await reconcile('alice');
    expect(secrets.text('alice')).toEqual({
      username: 'alice',
      password: 's3cret',
      mechanism: 'SCRAM-SHA-256',
    });
    expect(brokers.scram.get('alice')?.get('SCRAM-SHA-256')).toBe('s3cret');
    await reconcile('alice');
    expect(brokers.writes.filter((w) => w.startsWith('upsert'))).toHaveLength(1);

    secrets.put({
      metadata: { name: 'alice-password', namespace: NS },
      data: { pw: Buffer.from('n3w').toString('base64') },
    });
    await reconcile('alice');
    expect(brokers.scram.get('alice')?.get('SCRAM-SHA-256')).toBe('n3w');
    expect(secrets.text('alice')['password']).toBe('n3w');

    // Another mechanism: the new credential set, the old one deleted.
    update('alice', {
      authentication: {
        type: 'scram-sha-512',
        password: { secretKeyRef: { name: 'alice-password', key: 'pw' } },
      },
    });
    await reconcile('alice');
    expect([...brokers.scram.get('alice')!.keys()]).toEqual(['SCRAM-SHA-512']);

    // The Secret gone: PasswordSecretNotFound, retried with backoff; the brokers keep the last credential.
    secrets.byName.delete('alice-password');
    expect(await reconcile('alice')).toEqual({ backoff: true });
    expect(ready('alice')).toMatchObject({
      status: 'False',
      reason: 'PasswordSecretNotFound',
      message: 'Secret alice-password does not exist',
    });
  });

  it('tls: issues a certificate from the clients CA into the Secret, and again before it expires or when the CA changes', async () => {
    ca = undefined;
    create('alice', { authentication: { type: 'tls' } });
    expect(await reconcile('alice')).toEqual({ backoff: true });
    expect(ready('alice')).toMatchObject({
      reason: 'ClientsCaNotFound',
      message: 'Cluster events has no clients CA yet',
    });

    ca = clientsCa;
    const outcome = await reconcile('alice');
    expect(outcome).toEqual({ requeueAfterMs: 3_600_000 });
    const first = secrets.text('alice');
    expect(Object.keys(first).sort()).toEqual(['ca.crt', 'user.crt', 'user.key']);
    expect(first['ca.crt']).toBe(clientsCa.certPem);
    expect(users.get('alice')!.status?.certificateNotAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(issued).toBe(1);
    expect(ready('alice')).toMatchObject({ status: 'True', reason: 'Synced' });

    await reconcile('alice');
    expect(issued).toBe(1);
    // 340 days on: inside the 30 days before expiry.
    nowMs += 340 * DAY_MS;
    await reconcile('alice');
    expect(issued).toBe(2);
    expect(secrets.text('alice')['user.crt']).not.toBe(first['user.crt']);

    ca = otherCa;
    await reconcile('alice');
    expect(issued).toBe(3);
    expect(secrets.text('alice')['ca.crt']).toBe(otherCa.certPem);
    expect(events.filter((e) => e === 'CertificateIssued')).toHaveLength(3);
  });

  it('a new principal revokes the old one first; serviceAccount users have no Secret and no SCRAM credential', async () => {
    create('alice', {
      authentication: { type: 'scram-sha-512' },
      authorization: read,
      quotas: { requestRate: 5 },
    });
    await reconcile('alice');
    update('alice', { authentication: { type: 'serviceAccount', name: 'orders-app' } });
    await reconcile('alice');
    expect(brokers.principalAcls('User:alice')).toEqual([]);
    expect(brokers.quotaOf.get('User:alice')).toEqual({});
    expect(brokers.scram.get('alice')?.size).toBe(0);
    expect(secrets.byName.has('alice')).toBe(false);
    expect(brokers.principalAcls('ServiceAccount:apps/orders-app')).toHaveLength(3);
    expect(brokers.quotaOf.get('ServiceAccount:apps/orders-app')).toEqual({ request_rate: 5 });
    expect(users.get('alice')!.status).toMatchObject({ principal: 'ServiceAccount:apps/orders-app' });
    expect(users.get('alice')!.status?.secret).toBeUndefined();
    expect(events).toContain('PrincipalRevoked');
  });

  it('deleting the User revokes credentials, ACLs and quotas, deletes the Secret, then drops the finalizer', async () => {
    create('alice', {
      authentication: { type: 'scram-sha-512' },
      authorization: read,
      quotas: { requestRate: 5 },
    });
    await reconcile('alice');
    const u = users.get('alice')!;
    users.set('alice', { ...u, metadata: { ...u.metadata, deletionTimestamp: new Date() } });

    brokers.failWith = new TributaryError('COORDINATOR_NOT_AVAILABLE', 'down');
    expect(await reconcile('alice')).toEqual({ backoff: true });
    expect(users.has('alice')).toBe(true);
    expect(ready('alice')).toMatchObject({ status: 'False', reason: 'BrokerError' });
    expect(secrets.byName.has('alice')).toBe(true);

    brokers.failWith = undefined;
    expect(await reconcile('alice')).toBeUndefined();
    expect(brokers.scram.get('alice')?.size).toBe(0);
    expect(brokers.principalAcls('User:alice')).toEqual([]);
    expect(brokers.quotaOf.get('User:alice')).toEqual({});
    expect(secrets.byName.has('alice')).toBe(false);
    expect(users.has('alice')).toBe(false);
    expect(events).toContain('AccessRevoked');
  });

  it('refuses to take over a Secret that is not the User’s, and a principal an older User manages', async () => {
    secrets.put({ metadata: { name: 'alice', namespace: NS }, data: { other: 'eA==' } });
    create('alice', { authentication: { type: 'scram-sha-512' } });
    expect(await reconcile('alice')).toEqual({ backoff: true });
    expect(ready('alice')).toMatchObject({ reason: 'SecretConflict' });
    expect(secrets.text('alice')).toEqual({ other: 'x' });
    expect(brokers.writes).toEqual([]);

    create('app-a', { authentication: { type: 'serviceAccount', name: 'app' } }, '2026-01-01T00:00:00Z');
    create(
      'app-b',
      { authentication: { type: 'serviceAccount', name: 'app' }, authorization: read },
      '2026-01-02T00:00:00Z',
    );
    await reconcile('app-a');
    expect(await reconcile('app-b')).toBeUndefined();
    expect(ready('app-b')).toMatchObject({
      reason: 'PrincipalConflict',
      message: 'User app-a already manages principal ServiceAccount:apps/app of Cluster events',
    });
    expect(brokers.principalAcls('ServiceAccount:apps/app')).toEqual([]);
    // Its deletion revokes nothing of the owner's.
    brokers.bindings.clear();
    await reconcile('app-a');
    const b = users.get('app-b')!;
    users.set('app-b', { ...b, metadata: { ...b.metadata, deletionTimestamp: new Date() } });
    const writes = brokers.writes.length;
    await reconcile('app-b');
    expect(users.has('app-b')).toBe(false);
    expect(brokers.writes.length).toBe(writes);
  });

  it('reports SecurityDisabled when the brokers run without an authorizer and the spec has ACLs', async () => {
    brokers.aclsDisabled = true;
    create('alice', { authentication: { type: 'scram-sha-512' } });
    await reconcile('alice');
    expect(ready('alice')).toMatchObject({ status: 'True' });
    update('alice', { authorization: read });
    expect(await reconcile('alice')).toEqual({ backoff: true });
    expect(ready('alice')).toMatchObject({ status: 'False', reason: 'SecurityDisabled' });
    expect(ready('alice')!.message).toContain('SECURITY_DISABLED');
  });

  it('waits for its Cluster, and releases a User whose Cluster is gone without asking brokers', async () => {
    clusters.clear();
    create('alice', { authentication: { type: 'scram-sha-512' } });
    expect(await reconcile('alice')).toEqual({ backoff: true });
    expect(ready('alice')).toMatchObject({ reason: 'ClusterNotFound' });
    const u = users.get('alice')!;
    users.set('alice', { ...u, metadata: { ...u.metadata, deletionTimestamp: new Date() } });
    expect(await reconcile('alice')).toBeUndefined();
    expect(users.has('alice')).toBe(false);
    expect(brokers.writes).toEqual([]);
  });
});
