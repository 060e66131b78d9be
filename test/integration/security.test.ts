/**
 * Authentication and ACLs on a real broker (docs/operations.md, "Secure a cluster"): a denial test for
 * every door (no credentials, wrong password, unknown user, a non-broker fetching as a replica, garbage on
 * the auth path), and an ACL allowing then denying each operation on each resource type, prefixed
 * patterns, deny over allow, a consumer without group READ.
 */
import { credentials, Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tributary } from '../../client/index.js';
import type { AclOperation, AclResourceType, NewAclBinding } from '../../proto/acl.js';
import { loadTributaryProto } from '../../proto/load.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { reasonOf } from '../helpers/grpc.js';
import { parsePrometheusText } from '../helpers/prometheus-text.js';
import {
  ADMIN_PASSWORD,
  clientAs,
  SECURE_ARGS,
  securityStub,
  sessionToken,
  startSecureBroker,
} from '../helpers/secure-broker.js';

let broker: BrokerProcess;
let admin: Tributary;
let alice: Tributary;
const clients: Tributary[] = [];

function track(t: Tributary): Tributary {
  clients.push(t);
  return t;
}

/** bob logs in with SCRAM-SHA-256 (his only credential). */
function bobClient(): Tributary {
  return track(
    clientAs(broker.address, 'bob', 'bob-secret', {
      auth: { username: 'bob', password: 'bob-secret', mechanism: 'SCRAM-SHA-256' },
    }),
  );
}

beforeAll(async () => {
  broker = await startSecureBroker();
  admin = track(clientAs(broker.address, 'admin', ADMIN_PASSWORD));
  await admin.securityAdmin().setUserPassword('alice', 'alice-secret');
  await admin.securityAdmin().setUserPassword('bob', 'bob-secret', { mechanism: 'SCRAM-SHA-256' });
  alice = track(clientAs(broker.address, 'alice', 'alice-secret'));
  await admin.admin().createTopic({ name: 'doors', partitions: 1 });
  const producer = admin.producer();
  await producer.send({ topic: 'doors', messages: [{ value: 'd0' }, { value: 'd1' }] });
  await producer.close();
});

afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.stop();
  removeDataDirs();
});

/** The reason of a rejection (its broker reason name), and its message. */
async function refusal(work: Promise<unknown>): Promise<{ reason: string; message: string }> {
  try {
    await work;
  } catch (err) {
    const e = err as { reasonName?: string; reason?: string; message: string };
    return { reason: e.reasonName ?? e.reason ?? 'unknown', message: e.message };
  }
  return { reason: 'no error', message: '' };
}

async function metric(name: string, labels: Record<string, string>): Promise<number> {
  const url = /"metrics":"(http:[^"]+)"/.exec(broker.output())?.[1];
  if (url === undefined) throw new Error('the broker logged no metrics URL');
  const samples = parsePrometheusText(await (await fetch(url)).text());
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

describe('authentication: every door refuses a caller it does not know', () => {
  it('a call without credentials is AUTHENTICATION_REQUIRED', async () => {
    const anonymous = track(clientAs(broker.address, undefined));
    expect(await refusal(anonymous.admin().listTopics())).toMatchObject({
      reason: 'AUTHENTICATION_REQUIRED',
    });
  });

  it('a wrong password and an unknown user are AUTHENTICATION_FAILED, alike, counted and slowed', async () => {
    const before = await metric('tributary_authentication_failures_total', {
      reason: 'AUTHENTICATION_FAILED',
    });
    const wrong = await refusal(
      track(clientAs(broker.address, 'alice', 'guess'))
        .admin()
        .listTopics(),
    );
    const unknown = await refusal(
      track(clientAs(broker.address, 'mallory', 'guess'))
        .admin()
        .listTopics(),
    );
    expect(wrong.reason).toBe('AUTHENTICATION_FAILED');
    expect(unknown).toEqual(wrong);
    const startedMs = Date.now();
    await refusal(
      track(clientAs(broker.address, 'alice', 'guess-again'))
        .admin()
        .listTopics(),
    );
    // The third failure from this address waits 4 x 100 ms before it is answered.
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(350);
    expect(await metric('tributary_authentication_failures_total', { reason: 'AUTHENTICATION_FAILED' })).toBe(
      before + 3,
    );
    expect(broker.output()).toContain('"user":"mallory"');
    expect(broker.output()).not.toContain('guess');
  });

  it('a made-up bearer token is refused (service-account tokens are not accepted here)', async () => {
    const forged = track(
      clientAs(broker.address, undefined, undefined, { auth: { token: 'eyJhbGciOi.forged.token' } }),
    );
    expect(await refusal(forged.admin().listTopics())).toMatchObject({
      reason: 'UNSUPPORTED_AUTHENTICATION_MECHANISM',
    });
    const session = track(
      clientAs(broker.address, undefined, undefined, { auth: { token: 'tss.not-a-session' } }),
    );
    expect(await refusal(session.admin().listTopics())).toMatchObject({ reason: 'AUTHENTICATION_EXPIRED' });
  });

  it('who am I: the SCRAM user, its mechanism, super or not', async () => {
    expect(await admin.securityAdmin().whoAmI()).toEqual({
      principal: 'User:admin',
      mechanism: 'scram-sha-512',
      superUser: true,
    });
    const bob = bobClient();
    expect(await bob.securityAdmin().whoAmI()).toEqual({
      principal: 'User:bob',
      mechanism: 'scram-sha-256',
      superUser: false,
    });
  });

  it('a process that is not a broker of the cluster cannot fetch as a replica', async () => {
    const { grpc } = loadTributaryProto();
    const replication = new grpc.tributary.v1.ReplicationService(
      broker.address,
      credentials.createInsecure(),
    );
    const fetchAs = (md: Metadata) =>
      new Promise((resolve, reject) =>
        replication.ReplicaFetch(
          {
            replica_id: 99,
            broker_epoch: '1',
            max_wait_ms: 0,
            topics: [{ topic: 'doors', partitions: [{ partition: 0, fetch_offset: '0' }] }],
          } as never,
          md,
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );
    try {
      const asAlice = new Metadata();
      asAlice.set('authorization', `Bearer ${await sessionToken(broker.address, 'alice', 'alice-secret')}`);
      const denied = reasonOf(await fetchAs(asAlice).catch((e: unknown) => e));
      expect(denied.reason).toBe('CLUSTER_AUTHORIZATION_FAILED');
      expect(denied.details).toContain('User:alice is not allowed to CLUSTER_ACTION the cluster');
      const forged = new Metadata();
      forged.set('authorization', `Bearer tbk.1.${Date.now()}.${'A'.repeat(43)}`);
      expect(reasonOf(await fetchAs(forged).catch((e: unknown) => e)).reason).toBe('AUTHENTICATION_FAILED');
      expect(reasonOf(await fetchAs(new Metadata()).catch((e: unknown) => e)).reason).toBe(
        'AUTHENTICATION_REQUIRED',
      );
    } finally {
      replication.close();
    }
  });
});

interface Door {
  operation: AclOperation;
  resourceType: AclResourceType;
  resourceName: string;
  patternType?: 'literal' | 'prefixed';
  /** What the principal does through this door; fresh state per attempt where it consumes something. */
  act: (t: Tributary, attempt: number) => Promise<unknown>;
}

const CLUSTER = 'tributary-cluster';
const DENIAL = {
  topic: 'TOPIC_AUTHORIZATION_FAILED',
  group: 'GROUP_AUTHORIZATION_FAILED',
  cluster: 'CLUSTER_AUTHORIZATION_FAILED',
};

const DOORS: Door[] = [
  {
    operation: 'write',
    resourceType: 'topic',
    resourceName: 'doors',
    act: async (t) => {
      const p = t.producer({ idempotent: false });
      try {
        await p.send({ topic: 'doors', messages: [{ value: 'w' }] });
      } finally {
        p.disconnect();
      }
    },
  },
  {
    operation: 'read',
    resourceType: 'topic',
    resourceName: 'doors',
    act: (t) => t.reader().fetch({ topic: 'doors', partition: 0, offset: 0 }),
  },
  {
    operation: 'describe',
    resourceType: 'topic',
    resourceName: 'doors',
    act: (t) => t.admin().describeTopic('doors'),
  },
  {
    operation: 'create',
    resourceType: 'topic',
    resourceName: 'made-',
    patternType: 'prefixed',
    act: (t, i) => t.admin().createTopic({ name: `made-${i}` }),
  },
  {
    operation: 'delete',
    resourceType: 'topic',
    resourceName: 'doomed-',
    patternType: 'prefixed',
    act: async (t, i) => {
      await admin.admin().createTopic({ name: `doomed-${i}` });
      await t.admin().deleteTopic(`doomed-${i}`);
    },
  },
  {
    operation: 'alter',
    resourceType: 'topic',
    resourceName: 'doors',
    act: async (t, i) => t.admin().createPartition('doors', 2 + (i % 10)),
  },
  {
    operation: 'alter_configs',
    resourceType: 'topic',
    resourceName: 'doors',
    act: (t, i) =>
      t.admin().alterConfig('doors', [{ name: 'retention.ms', op: 'set', value: String(86_400_000 + i) }]),
  },
  {
    operation: 'describe_configs',
    resourceType: 'topic',
    resourceName: 'doors',
    act: (t) => t.admin().describeConfig('doors'),
  },
  {
    operation: 'read',
    resourceType: 'group',
    resourceName: 'door-group',
    act: (t) => t.admin().commitGroupOffsets('door-group', [{ topic: 'doors', partition: 0, offset: 1 }]),
  },
  {
    operation: 'describe',
    resourceType: 'group',
    resourceName: 'door-group',
    act: (t) => t.admin().fetchGroupOffsets('door-group'),
  },
  {
    operation: 'delete',
    resourceType: 'group',
    resourceName: 'door-group',
    act: async (t) => {
      await admin.admin().commitGroupOffsets('door-group', [{ topic: 'doors', partition: 0, offset: 1 }]);
      await t.admin().deleteGroup('door-group');
    },
  },
  {
    operation: 'describe',
    resourceType: 'cluster',
    resourceName: CLUSTER,
    act: (t) => t.admin().describeCluster(),
  },
  {
    operation: 'alter',
    resourceType: 'cluster',
    resourceName: CLUSTER,
    act: (t) => t.admin().alterBalancingConfig({ movesPerBroker: 2 }),
  },
  {
    operation: 'alter_configs',
    resourceType: 'cluster',
    resourceName: CLUSTER,
    act: (t) =>
      t.securityAdmin().alterClientQuota({ entity: { clientId: 'door' }, set: { request_rate: 1000 } }),
  },
  {
    operation: 'describe_configs',
    resourceType: 'cluster',
    resourceName: CLUSTER,
    act: (t) => t.securityAdmin().describeClientQuotas(),
  },
  {
    operation: 'idempotent_write',
    resourceType: 'cluster',
    resourceName: CLUSTER,
    act: (t) => t.connection.unary((md, opts, cb) => t.connection.client.InitProducerId({}, md, opts, cb)),
  },
];

/** What a door needs besides its own operation (allowed throughout its test). */
const PREREQUISITES: Partial<Record<string, NewAclBinding[]>> = {
  'read group': [
    { resourceType: 'topic', resourceName: 'doors', principal: 'User:alice', operation: 'read' },
  ],
  'describe group': [
    { resourceType: 'topic', resourceName: 'doors', principal: 'User:alice', operation: 'describe' },
  ],
};

describe('authorization: an ACL allows, then a deny denies, each operation on each resource type', () => {
  for (const [i, door] of DOORS.entries()) {
    const label = `${door.operation} ${door.resourceType}`;
    it(label, async () => {
      const security = admin.securityAdmin();
      const prerequisites = PREREQUISITES[label] ?? [];
      for (const p of prerequisites) await security.createAcl(p);
      const binding: NewAclBinding = {
        resourceType: door.resourceType,
        resourceName: door.resourceName,
        patternType: door.patternType ?? 'literal',
        principal: 'User:alice',
        operation: door.operation,
      };
      try {
        const none = await refusal(door.act(alice, i * 10));
        expect(none.reason, label).toBe(DENIAL[door.resourceType]);
        await security.createAcl(binding);
        expect((await refusal(door.act(alice, i * 10 + 1))).reason, label).toBe('no error');
        await security.createAcl({ ...binding, permission: 'deny' });
        const denied = await refusal(door.act(alice, i * 10 + 2));
        expect(denied.reason, label).toBe(DENIAL[door.resourceType]);
        expect(denied.message).toContain(`User:alice is not allowed to ${door.operation.toUpperCase()}`);
      } finally {
        await security.deleteAcls([{ principal: 'User:alice' }]);
      }
    });
  }
});

describe('authorization: patterns, deny over allow, listings, groups', () => {
  it('a prefixed pattern covers the names that start with it, and only those', async () => {
    const security = admin.securityAdmin();
    await admin.admin().createTopics([{ name: 'pay-in' }, { name: 'payroll' }]);
    await security.createAcl({
      resourceType: 'topic',
      resourceName: 'pay-',
      patternType: 'prefixed',
      principal: 'User:alice',
      operation: 'describe',
    });
    try {
      await alice.admin().describeTopic('pay-in');
      expect((await refusal(alice.admin().describeTopic('payroll'))).reason).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      // A listing shows what the caller may describe, nothing else.
      expect((await alice.admin().listTopics()).map((t) => t.name)).toEqual(['pay-in']);
      expect(
        await security.describeAcls({ resourceType: 'topic', resourceName: 'pay-in', patternType: 'match' }),
      ).toEqual([
        expect.objectContaining({
          resourceName: 'pay-',
          patternType: 'prefixed',
          principal: 'User:alice',
          operation: 'describe',
        }),
      ]);
    } finally {
      await security.deleteAcls([{ principal: 'User:alice' }]);
    }
  });

  it('deny wins over allow: everyone may read every topic except alice the one denied', async () => {
    const security = admin.securityAdmin();
    await security.createAcls([
      { resourceType: 'topic', resourceName: '*', principal: 'User:*', operation: 'read' },
      {
        resourceType: 'topic',
        resourceName: 'doors',
        principal: 'User:alice',
        operation: 'read',
        permission: 'deny',
      },
    ]);
    const bob = bobClient();
    try {
      expect(
        (await bob.reader().fetch({ topic: 'doors', partition: 0, offset: 0 })).records.length,
      ).toBeGreaterThan(0);
      expect((await refusal(alice.reader().fetch({ topic: 'doors', partition: 0, offset: 0 }))).reason).toBe(
        'TOPIC_AUTHORIZATION_FAILED',
      );
      const deleted = await security.deleteAcls([
        { resourceName: 'doors', permission: 'deny' },
        { principal: 'User:*' },
      ]);
      expect(deleted.map((d) => d.deleted.length)).toEqual([1, 1]);
    } finally {
      await security.deleteAcls([{ principal: 'User:alice' }, { principal: 'User:*' }]);
    }
  });

  it('a consumer without group READ cannot join; with it, it consumes', async () => {
    const security = admin.securityAdmin();
    // Alice may read the topic and find the group's coordinator (DESCRIBE), but not join it (READ).
    await security.createAcls([
      { resourceType: 'topic', resourceName: 'doors', principal: 'User:alice', operation: 'read' },
      { resourceType: 'group', resourceName: 'join-me', principal: 'User:alice', operation: 'describe' },
    ]);
    try {
      const denied = alice.consumer({ groupId: 'join-me' });
      denied.subscribe('doors');
      const failure = await refusal(denied.next());
      expect(failure.reason).toBe('GROUP_AUTHORIZATION_FAILED');
      expect(failure.message).toContain('User:alice is not allowed to READ group "join-me"');
      await denied.close();
      await security.createAcl({
        resourceType: 'group',
        resourceName: 'join-me',
        principal: 'User:alice',
        operation: 'read',
      });
      const allowed = alice.consumer({ groupId: 'join-me', resetPolicy: 'earliest' });
      allowed.subscribe('doors');
      const first = await allowed.next();
      expect(first?.value?.toString()).toBe('d0');
      await allowed.close();
    } finally {
      await security.deleteAcls([{ principal: 'User:alice' }]);
    }
  });

  it('ACL admin calls need the cluster permission; their batch answers say which item failed', async () => {
    expect((await refusal(alice.securityAdmin().describeAcls())).reason).toBe('CLUSTER_AUTHORIZATION_FAILED');
    expect((await refusal(alice.securityAdmin().setUserPassword('alice', 'new'))).reason).toBe(
      'CLUSTER_AUTHORIZATION_FAILED',
    );
    const results = await admin.securityAdmin().createAcls([
      { resourceType: 'topic', resourceName: 'ok', principal: 'User:carol', operation: 'read' },
      { resourceType: 'topic', resourceName: 'bad', principal: 'carol', operation: 'read' },
      { resourceType: 'cluster', resourceName: 'wrong-name', principal: 'User:carol', operation: 'alter' },
    ]);
    expect(results.map((r) => r.error?.reason ?? null)).toEqual([null, 'INVALID_REQUEST', 'INVALID_REQUEST']);
    expect(await admin.securityAdmin().describeUserScramCredentials()).toEqual([
      { user: 'admin', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] },
      { user: 'alice', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 8192 }] },
      { user: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }] },
    ]);
    await admin.securityAdmin().deleteAcls([{ principal: 'User:carol' }]);
  });
});

describe('enum values the proto does not define', () => {
  it('are refused on every enum field of every SecurityService request (broker/api/enums.test.ts lists them)', async () => {
    const UNDEFINED_VALUE = 99;
    const stub = securityStub(broker.address);
    const md = new Metadata();
    md.set('authorization', `Bearer ${await sessionToken(broker.address, 'admin', ADMIN_PASSWORD)}`);
    const send = (method: string, request: object) =>
      new Promise<unknown>((resolve, reject) =>
        (
          stub as unknown as Record<
            string,
            (r: object, m: Metadata, cb: (e: unknown, v: unknown) => void) => void
          >
        )[method]!.call(stub, request, md, (e, v) => (e ? reject(e) : resolve(v))),
      ).catch((e: unknown) => reasonOf(e));
    const binding = {
      resource_type: 'ACL_RESOURCE_TYPE_TOPIC',
      resource_name: 'x',
      pattern_type: 'ACL_PATTERN_TYPE_LITERAL',
      principal: 'User:x',
      host: '*',
      operation: 'ACL_OPERATION_READ',
      permission_type: 'ACL_PERMISSION_TYPE_ALLOW',
    };
    try {
      // AuthenticateRequest.mechanism
      expect(
        await send('Authenticate', { mechanism: UNDEFINED_VALUE, message: Buffer.from('n,,n=a,r=b') }),
      ).toMatchObject({
        reason: 'UNSUPPORTED_AUTHENTICATION_MECHANISM',
      });
      for (const field of ['resource_type', 'pattern_type', 'operation', 'permission_type']) {
        // AclBinding.<field>: per item
        const created = (await send('CreateAcls', {
          creations: [{ ...binding, [field]: UNDEFINED_VALUE }],
        })) as {
          results: Array<{ error: { reason: string } | null }>;
        };
        expect(created.results[0]?.error?.reason, field).toBe('INVALID_REQUEST');
        // AclBindingFilter.<field>: the whole DescribeAcls, each DeleteAcls filter
        expect(await send('DescribeAcls', { filter: { [field]: UNDEFINED_VALUE } }), field).toMatchObject({
          reason: 'INVALID_REQUEST',
        });
        const deleted = (await send('DeleteAcls', { filters: [{ [field]: UNDEFINED_VALUE }] })) as {
          results: Array<{ error: { reason: string } | null }>;
        };
        expect(deleted.results[0]?.error?.reason, field).toBe('INVALID_REQUEST');
      }
      // ScramCredentialUpsertion.mechanism and ScramCredentialDeletion.mechanism: per item
      const altered = (await send('AlterUserScramCredentials', {
        upsertions: [
          {
            user: 'u',
            mechanism: UNDEFINED_VALUE,
            iterations: 4096,
            salt: Buffer.alloc(16),
            stored_key: Buffer.alloc(32),
            server_key: Buffer.alloc(32),
          },
        ],
        deletions: [{ user: 'u', mechanism: UNDEFINED_VALUE }],
      })) as { results: Array<{ error: { reason: string } | null }> };
      expect(altered.results.map((r) => r.error?.reason)).toEqual([
        'UNSUPPORTED_AUTHENTICATION_MECHANISM',
        'UNSUPPORTED_AUTHENTICATION_MECHANISM',
      ]);
      expect(await admin.securityAdmin().describeAcls({ principal: 'User:x' })).toEqual([]);
    } finally {
      stub.close();
    }
  });
});

describe('sessions', () => {
  it('a client re-authenticates by itself when the broker restarts and forgets its session', async () => {
    const bob = bobClient();
    expect((await bob.securityAdmin().whoAmI()).principal).toBe('User:bob');
    const { dataDir, port } = broker;
    await broker.stop();
    broker = await startBroker({ dataDir, args: [...SECURE_ARGS, '--port', String(port)] });
    // The same client: its token is unknown to the new process (AUTHENTICATION_EXPIRED), so it logs in again.
    expect((await bob.securityAdmin().whoAmI()).principal).toBe('User:bob');
    // A deleted credential stops new logins.
    await track(clientAs(broker.address, 'admin', ADMIN_PASSWORD))
      .securityAdmin()
      .deleteUserScramCredential('bob', 'SCRAM-SHA-256');
    expect((await refusal(bobClient().securityAdmin().whoAmI())).reason).toBe('AUTHENTICATION_FAILED');
  });
});
