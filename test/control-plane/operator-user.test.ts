import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonOf, Tributary, TributaryError } from '../../client/index.js';
import { USER_PLURAL, type User } from '../../operator/api/v1alpha1.js';
import { type BrokerProcess, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import {
  adminConfig,
  eventFor,
  installCrds,
  type OperatorProcess,
  operatorIdentity,
  Resources,
  readyOf,
  startOperator,
} from '../helpers/operator.js';
import { ADMIN_PASSWORD, addScramUser, SECURE_ARGS } from '../helpers/secure-broker.js';
import { makeTlsFixture, type TlsFixture } from '../helpers/tls-files.js';

// The user controller end to end: User resources in a real kube-apiserver, their credentials, ACLs and quotas
// in a real cluster of two brokers on etcd with SCRAM and service-account authentication and authorizer=acl
// (tokens reviewed by the same kube-apiserver). The operator runs
// with the ClusterRole of operator/rbac.ts and reaches the brokers as the super user `admin` (its
// credentials from TRIBUTARY_USERNAME/TRIBUTARY_PASSWORD, as the SDK reads them); applications log in with
// what the operator wrote into the User's Secret, and can do exactly what the User's ACLs allow.

const NS = 'default';
const STEP_MS = 30_000;

/** The reason of the TributaryError `work` rejects with, or 'ok'. */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    if (err instanceof TributaryError) return reasonOf(err);
    throw err;
  }
}

describe('operator: User', () => {
  let plane: KubeControlPlane;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let brokers: TestCluster;
  let admin: Tributary;
  let operator: OperatorProcess;
  let resources: Resources;
  let tls: TlsFixture;
  const clients: Tributary[] = [];

  const getUser = (name: string) => resources.get<User>(USER_PLURAL, name);
  /** The User once Ready is True (Synced) for its current generation. */
  const synced = (name: string) =>
    waitFor(
      `User ${name} Synced`,
      async () => {
        const u = await getUser(name);
        const ready = readyOf(u);
        return ready?.reason === 'Synced' && u?.status?.observedGeneration === u?.metadata.generation
          ? u
          : undefined;
      },
      STEP_MS,
    );
  /** The text of the User's Secret. */
  const secretOf = async (name: string): Promise<Record<string, string>> => {
    const secret = await core.readNamespacedSecret({ namespace: NS, name });
    return Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  };
  /** A client logging in as `username` (SCRAM over plaintext: a test on loopback). */
  const clientAs = (username: string, password: string, mechanism?: 'SCRAM-SHA-256' | 'SCRAM-SHA-512') => {
    const client = new Tributary({
      bootstrap: brokers.bootstrap(),
      requestTimeoutMs: 5000,
      auth: { username, password, ...(mechanism === undefined ? {} : { mechanism }) },
    });
    clients.push(client);
    return client;
  };
  const produce = (client: Tributary, topic: string) =>
    client
      .admin()
      .describeTopic(topic)
      .then(async () => {
        const producer = client.producer({ acks: 'leader' });
        try {
          await producer.send({ topic, messages: [{ value: 'v' }] });
        } finally {
          producer.disconnect();
        }
      });
  const fetchFrom = (client: Tributary, topic: string) =>
    client.reader().fetch({ topic, partition: 0, offset: 0 });
  /** Triggers a reconcile (an annotation change queues the User) and waits until it ran. */
  const touch = async (name: string) => {
    const before = (await getUser(name))?.metadata.resourceVersion;
    await resources.patch(USER_PLURAL, name, {
      metadata: { annotations: { 'test/touched': String(Date.now()) } },
    });
    await waitFor('the touched User seen', async () =>
      (await getUser(name))?.metadata.resourceVersion !== before ? true : undefined,
    );
  };

  beforeAll(async () => {
    [plane, tls] = await Promise.all([startKubeControlPlane(), makeTlsFixture()]);
    // Service-account tokens are reviewed by this control plane's TokenReview (the admin's kubeconfig).
    brokers = await startTestCluster({
      brokers: 2,
      brokerArgs: [
        ...SECURE_ARGS,
        '--set',
        'authentication=scram,serviceaccount',
        '--set',
        `serviceAccountKubeconfig=${plane.kubeconfigPath}`,
      ],
    });
    // The first super user goes straight into the cluster metadata: creating users needs a user.
    addScramUser(brokers.dataDir, 'admin', ADMIN_PASSWORD, [
      '--set',
      'dcs=etcd',
      '--set',
      `dcsEtcdEndpoints=${brokers.etcd.endpoints.join(',')}`,
      '--set',
      'dcsPrefix=test',
    ]);
    admin = clientAs('admin', ADMIN_PASSWORD);
    await waitFor('the admin to log in', async () =>
      (await admin.securityAdmin().whoAmI()).superUser ? true : undefined,
    );
    await admin.admin().createTopic({ name: 'orders', partitions: 1, replicationFactor: 2 });
    await admin.admin().createTopic({ name: 'payments', partitions: 1, replicationFactor: 2 });
    kc = adminConfig(plane);
    core = kc.makeApiClient(CoreV1Api);
    resources = new Resources(kc, NS);
    await installCrds(kc);
    operator = await startOperator({
      kubeconfig: await operatorIdentity(plane),
      identity: 'op-user-1',
      args: ['--bootstrap-override', `${NS}/demo=${brokers.bootstrap()}`],
      env: { TRIBUTARY_USERNAME: 'admin', TRIBUTARY_PASSWORD: ADMIN_PASSWORD },
    });
    await resources.create('Cluster', 'demo', { version: '0.1.0' });
  }, 240_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    if (operator !== undefined) {
      const output = operator.output();
      await operator.stop();
      // Least privilege proven by use: nothing the operator did was refused, by the API server or the brokers.
      expect(output).not.toMatch(/forbidden|"403/i);
    }
    await Promise.all([plane?.stop(), brokers?.destroy()]);
    tls?.remove();
    removeDataDirs();
  }, 60_000);

  it('a scram User: the application logs in with the Secret’s password and can do exactly what its ACLs allow', async () => {
    await resources.create('User', 'orders-app', {
      cluster: 'demo',
      authentication: { type: 'scram-sha-512' },
      authorization: {
        acls: [
          { resource: { type: 'topic', name: 'orders' }, operations: ['Describe', 'Read', 'Write'] },
          { resource: { type: 'group', name: 'orders-', patternType: 'prefixed' }, operations: ['Read'] },
        ],
      },
    });
    const user = await synced('orders-app');
    expect(user.status).toMatchObject({ principal: 'User:orders-app', secret: 'orders-app' });
    expect(user.metadata.finalizers).toEqual(['tributary.dev/user']);
    const secret = await secretOf('orders-app');
    expect(secret).toEqual({
      username: 'orders-app',
      password: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
      mechanism: 'SCRAM-SHA-512',
    });
    // The brokers hold a credential (its hash), never the password.
    expect(await admin.securityAdmin().describeUserScramCredentials(['orders-app'])).toEqual([
      { user: 'orders-app', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: expect.any(Number) }] },
    ]);
    await eventFor(kc, NS, 'User', 'orders-app', 'PasswordSet');

    const app = clientAs(secret['username']!, secret['password']!, 'SCRAM-SHA-512');
    expect(await app.securityAdmin().whoAmI()).toMatchObject({
      principal: 'User:orders-app',
      mechanism: 'scram-sha-512',
      superUser: false,
    });
    expect(await outcome(produce(app, 'orders'))).toBe('ok');
    expect(await outcome(fetchFrom(app, 'orders'))).toBe('ok');
    expect(await outcome(produce(app, 'payments'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await outcome(fetchFrom(app, 'payments'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await outcome(app.admin().createTopic({ name: 'mine', partitions: 1 }))).toBe(
      'TOPIC_AUTHORIZATION_FAILED',
    );
    expect(await outcome(app.admin().deleteTopic('orders'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    // A wrong password is refused.
    expect(await outcome(clientAs('orders-app', 'not-it').securityAdmin().whoAmI())).toBe(
      'AUTHENTICATION_FAILED',
    );
  }, 120_000);

  it('a change of the ACLs takes effect, and a binding made by hand for the principal is removed', async () => {
    const secret = await secretOf('orders-app');
    const app = clientAs('orders-app', secret['password']!);
    await resources.patch(USER_PLURAL, 'orders-app', {
      spec: {
        authorization: {
          acls: [
            { resource: { type: 'topic', name: 'orders' }, operations: ['Describe', 'Read'] },
            {
              resource: { type: 'topic', name: 'pay', patternType: 'prefixed' },
              operations: ['Describe', 'Write'],
            },
          ],
        },
      },
    });
    await synced('orders-app');
    await waitFor('the new ACLs in force', async () =>
      (await outcome(produce(app, 'payments'))) === 'ok' ? true : undefined,
    );
    expect(await outcome(produce(app, 'orders'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await outcome(fetchFrom(app, 'orders'))).toBe('ok');
    expect(await outcome(fetchFrom(app, 'payments'))).toBe('TOPIC_AUTHORIZATION_FAILED');

    // One way: an ACL given by other means to the User's principal goes at the next reconcile.
    await admin.securityAdmin().createAcl({
      resourceType: 'topic',
      resourceName: 'orders',
      principal: 'User:orders-app',
      operation: 'write',
    });
    await waitFor('the hand-made ACL in force', async () =>
      (await outcome(produce(app, 'orders'))) === 'ok' ? true : undefined,
    );
    await touch('orders-app');
    await waitFor(
      'the hand-made ACL removed',
      async () =>
        (await outcome(produce(app, 'orders'))) === 'TOPIC_AUTHORIZATION_FAILED' ? true : undefined,
      STEP_MS,
    );
    const bindings = await admin.securityAdmin().describeAcls({ principal: 'User:orders-app' });
    expect(bindings.map((b) => `${b.operation} ${b.resourceName} ${b.patternType}`).sort()).toEqual([
      'describe orders literal',
      'describe pay prefixed',
      'read orders literal',
      'write pay prefixed',
    ]);
  }, 120_000);

  it('quotas reach every broker, and a quota dropped from the spec is removed', async () => {
    await resources.patch(USER_PLURAL, 'orders-app', {
      spec: { quotas: { producerByteRate: 1_048_576, consumerByteRate: 2_097_152, requestRate: 500 } },
    });
    await synced('orders-app');
    for (const broker of brokers.brokers) {
      const direct = new Tributary({
        bootstrap: broker!.address,
        auth: { username: 'admin', password: ADMIN_PASSWORD },
      });
      clients.push(direct);
      await waitFor(`the quotas on broker ${broker!.address}`, async () => {
        const entries = await direct.securityAdmin().describeClientQuotas({ principal: 'User:orders-app' });
        return entries.length === 1 && Object.keys(entries[0]!.values).length === 3 ? entries : undefined;
      });
      expect(await direct.securityAdmin().describeClientQuotas({ principal: 'User:orders-app' })).toEqual([
        {
          entity: { principal: 'User:orders-app' },
          values: { producer_byte_rate: 1_048_576, consumer_byte_rate: 2_097_152, request_rate: 500 },
        },
      ]);
    }
    await resources.patch(USER_PLURAL, 'orders-app', {
      spec: { quotas: { producerByteRate: 1_048_576, consumerByteRate: null, requestRate: null } },
    });
    await synced('orders-app');
    expect(await admin.securityAdmin().describeClientQuotas({ principal: 'User:orders-app' })).toEqual([
      { entity: { principal: 'User:orders-app' }, values: { producer_byte_rate: 1_048_576 } },
    ]);
    await eventFor(kc, NS, 'User', 'orders-app', 'QuotasChanged');
  }, 120_000);

  it('deleting the User revokes its access: login refused, ACLs, quotas, credential and Secret gone', async () => {
    const secret = await secretOf('orders-app');
    const app = clientAs('orders-app', secret['password']!);
    expect(await outcome(fetchFrom(app, 'orders'))).toBe('ok');
    await resources.delete(USER_PLURAL, 'orders-app');
    await resources.gone(USER_PLURAL, 'orders-app', STEP_MS);
    await eventFor(kc, NS, 'User', 'orders-app', 'AccessRevoked');
    const read = await core.readNamespacedSecret({ namespace: NS, name: 'orders-app' }).then(
      () => 'exists',
      (err: { code?: number }) => err.code,
    );
    expect(read).toBe(404);
    // A new login with the old password fails; the session opened before can no longer do anything.
    expect(await outcome(clientAs('orders-app', secret['password']!).securityAdmin().whoAmI())).toBe(
      'AUTHENTICATION_FAILED',
    );
    const refused = await waitFor('the open session refused', async () => {
      const r = await outcome(fetchFrom(app, 'orders'));
      return r === 'ok' ? undefined : r;
    });
    expect(['AUTHENTICATION_FAILED', 'TOPIC_AUTHORIZATION_FAILED']).toContain(refused);
    const security = admin.securityAdmin();
    expect(await security.describeAcls({ principal: 'User:orders-app' })).toEqual([]);
    expect(await security.describeClientQuotas({ principal: 'User:orders-app' })).toEqual([]);
    const credentials = await security.describeUserScramCredentials(['orders-app']);
    expect(credentials.flatMap((u) => u.credentials)).toEqual([]);
  }, 120_000);

  it('a password from a Secret of one’s own: copied, and set again when that Secret changes', async () => {
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'chosen-password' }, stringData: { password: 'first-choice' } },
    });
    await resources.create('User', 'chosen-app', {
      cluster: 'demo',
      authentication: {
        type: 'scram-sha-256',
        password: { secretKeyRef: { name: 'chosen-password', key: 'password' } },
      },
    });
    const user = await synced('chosen-app');
    expect(await secretOf('chosen-app')).toEqual({
      username: 'chosen-app',
      password: 'first-choice',
      mechanism: 'SCRAM-SHA-256',
    });
    expect(
      await clientAs('chosen-app', 'first-choice', 'SCRAM-SHA-256').securityAdmin().whoAmI(),
    ).toMatchObject({ principal: 'User:chosen-app', mechanism: 'scram-sha-256' });

    await core.replaceNamespacedSecret({
      namespace: NS,
      name: 'chosen-password',
      body: { metadata: { name: 'chosen-password' }, stringData: { password: 'second-choice' } },
    });
    // Secrets the operator did not make are not watched: any change of the User (or the resync) applies it.
    await touch('chosen-app');
    await waitFor(
      'the new password accepted',
      async () =>
        (await outcome(clientAs('chosen-app', 'second-choice', 'SCRAM-SHA-256').securityAdmin().whoAmI())) ===
        'ok'
          ? true
          : undefined,
      STEP_MS,
    );
    expect(
      await outcome(clientAs('chosen-app', 'first-choice', 'SCRAM-SHA-256').securityAdmin().whoAmI()),
    ).toBe('AUTHENTICATION_FAILED');
    const after = await synced('chosen-app');
    expect(after.status?.passwordVersion).not.toBe(user.status?.passwordVersion);
    expect((await secretOf('chosen-app'))['password']).toBe('second-choice');
  }, 120_000);

  it('a tls User waits for the clients CA, then gets a certificate a broker trusting that CA accepts', async () => {
    await resources.create('User', 'cert-app', {
      cluster: 'demo',
      authentication: { type: 'tls' },
      authorization: { acls: [{ resource: { type: 'topic', name: 'orders' }, operations: ['Read'] }] },
    });
    await waitFor('ClientsCaNotFound', async () =>
      readyOf(await getUser('cert-app'))?.reason === 'ClientsCaNotFound' ? true : undefined,
    );
    await core.createNamespacedSecret({
      namespace: NS,
      body: {
        metadata: { name: 'demo-clients-ca' },
        stringData: { 'tls.crt': tls.ca.certPem, 'tls.key': tls.ca.keyPem },
      },
    });
    const user = await synced('cert-app');
    const secret = await secretOf('cert-app');
    expect(Object.keys(secret).sort()).toEqual(['ca.crt', 'user.crt', 'user.key']);
    expect(secret['ca.crt']).toBe(tls.ca.certPem);
    expect(user.status?.certificateNotAfter).toBeDefined();
    await eventFor(kc, NS, 'User', 'cert-app', 'CertificateIssued');

    // A broker that trusts the clients CA and authenticates by certificate knows the user by its name.
    let broker: BrokerProcess | undefined;
    try {
      broker = await startBroker({ args: [...tls.brokerArgs('required'), '--set', 'authentication=mtls'] });
      const client = new Tributary({
        bootstrap: broker.address,
        requestTimeoutMs: 5000,
        auth: false,
        tls: { ca: tls.ca.certPem, cert: secret['user.crt'], key: secret['user.key'] },
      });
      clients.push(client);
      expect(await client.securityAdmin().whoAmI()).toMatchObject({
        principal: 'User:cert-app',
        mechanism: 'mtls',
      });
    } finally {
      await broker?.stop();
    }
    expect(await admin.securityAdmin().describeAcls({ principal: 'User:cert-app' })).toMatchObject([
      { resourceType: 'topic', resourceName: 'orders', operation: 'read', permission: 'allow' },
    ]);
  }, 120_000);

  it('a serviceAccount User: its pods’ ServiceAccount token is the credential, ACLs bound to ServiceAccount:<ns>/<name>', async () => {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name: 'reporting' } } });
    await resources.create('User', 'reporting-app', {
      cluster: 'demo',
      authentication: { type: 'serviceAccount', name: 'reporting' },
      authorization: { acls: [{ resource: { type: 'topic', name: 'orders' }, operations: ['Read'] }] },
      quotas: { requestRate: 1000 },
    });
    const user = await synced('reporting-app');
    expect(user.status?.principal).toBe('ServiceAccount:default/reporting');
    expect(user.status?.secret).toBeUndefined();
    const read = await core.readNamespacedSecret({ namespace: NS, name: 'reporting-app' }).then(
      () => 'exists',
      (err: { code?: number }) => err.code,
    );
    expect(read).toBe(404);
    // What a pod of that ServiceAccount would have mounted: a token for the brokers' audience.
    const token = await core.createNamespacedServiceAccountToken({
      namespace: NS,
      name: 'reporting',
      body: { spec: { audiences: ['tributary'], expirationSeconds: 3600 } },
    });
    const app = new Tributary({
      bootstrap: brokers.bootstrap(),
      requestTimeoutMs: 5000,
      auth: { token: token.status!.token },
    });
    clients.push(app);
    expect(await app.securityAdmin().whoAmI()).toMatchObject({
      principal: 'ServiceAccount:default/reporting',
      mechanism: 'serviceaccount',
    });
    expect(await outcome(fetchFrom(app, 'orders'))).toBe('ok');
    expect(await outcome(produce(app, 'orders'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(
      await admin.securityAdmin().describeClientQuotas({ principal: 'ServiceAccount:default/reporting' }),
    ).toEqual([
      { entity: { principal: 'ServiceAccount:default/reporting' }, values: { request_rate: 1000 } },
    ]);
  }, 120_000);
});
