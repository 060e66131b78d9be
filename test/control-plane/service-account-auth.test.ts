/**
 * Kubernetes service-account tokens as broker credentials (docs/operations.md, "Secure a cluster"), against
 * a real kube-apiserver: the broker reviews a token with TokenReview (its own identity holds only
 * `system:auth-delegator`), accepts one issued for its audience as `ServiceAccount:<ns>/<name>`, applies
 * ACLs to that principal, and refuses a token of another audience or a made-up one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tributary } from '../../client/index.js';
import { type BrokerProcess, removeDataDirs } from '../helpers/broker-process.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import { ADMIN_PASSWORD, clientAs, startSecureBroker } from '../helpers/secure-broker.js';

const NS = 'default';
let plane: KubeControlPlane;
let core: CoreV1Api;
let broker: BrokerProcess;
let admin: Tributary;
let dir: string;
const clients: Tributary[] = [];

/** A token of ServiceAccount `name` for `audiences` (TokenRequest API). */
async function tokenFor(name: string, audiences: string[]): Promise<string> {
  const answer = await core.createNamespacedServiceAccountToken({
    namespace: NS,
    name,
    body: { spec: { audiences, expirationSeconds: 3600 } },
  });
  return answer.status!.token;
}

function clientWith(auth: { token: string } | { tokenFile: string }): Tributary {
  const c = clientAs(broker.address, undefined, undefined, { auth });
  clients.push(c);
  return c;
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'no error';
  } catch (err) {
    return (err as { reasonName?: string }).reasonName ?? String(err);
  }
}

beforeAll(async () => {
  plane = await startKubeControlPlane();
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  for (const name of ['tributary-broker', 'payments']) {
    await core.createNamespacedServiceAccount({ namespace: NS, body: { metadata: { name } } });
  }
  // The broker's identity may review tokens and nothing else (the rights docs/operations.md lists).
  await rbac.createClusterRoleBinding({
    body: {
      metadata: { name: 'tributary-broker-token-review' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: 'tributary-broker', namespace: NS }],
    },
  });
  const brokerKubeconfig = plane.kubeconfigFor('tributary-broker', await tokenFor('tributary-broker', []));
  broker = await startSecureBroker({
    args: [
      '--set',
      'authentication=scram,serviceaccount',
      '--set',
      `serviceAccountKubeconfig=${brokerKubeconfig}`,
      '--set',
      'serviceAccountAudience=tributary',
    ],
  });
  admin = clientAs(broker.address, 'admin', ADMIN_PASSWORD);
  clients.push(admin);
  await admin.admin().createTopic({ name: 'payments' });
  dir = mkdtempSync(join(tmpdir(), 'tributary-sa-'));
}, 240_000);

afterAll(async () => {
  for (const c of clients) c.close();
  await broker?.stop();
  await plane?.stop();
  removeDataDirs();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('service-account tokens', () => {
  it('a token for the broker audience is ServiceAccount:<ns>/<name>, from a token file too', async () => {
    const token = await tokenFor('payments', ['tributary']);
    expect(await clientWith({ token }).securityAdmin().whoAmI()).toEqual({
      principal: 'ServiceAccount:default/payments',
      mechanism: 'serviceaccount',
      superUser: false,
    });
    const file = join(dir, 'token');
    writeFileSync(file, `${token}\n`);
    expect((await clientWith({ tokenFile: file }).securityAdmin().whoAmI()).principal).toBe(
      'ServiceAccount:default/payments',
    );
  });

  it('ACLs apply to the service account', async () => {
    const app = clientWith({ token: await tokenFor('payments', ['tributary']) });
    expect(await refusal(app.admin().describeTopic('payments'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    await admin.securityAdmin().createAcl({
      resourceType: 'topic',
      resourceName: 'payments',
      principal: 'ServiceAccount:default/payments',
      operation: 'describe',
    });
    expect((await app.admin().describeTopic('payments')).name).toBe('payments');
  });

  it('a token of another audience, the API server audience, or a made-up one is refused', async () => {
    expect(
      await refusal(
        clientWith({ token: await tokenFor('payments', ['other']) })
          .admin()
          .listTopics(),
      ),
    ).toBe('AUTHENTICATION_FAILED');
    expect(
      await refusal(
        clientWith({ token: await tokenFor('payments', []) })
          .admin()
          .listTopics(),
      ),
    ).toBe('AUTHENTICATION_FAILED');
    const madeUp = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2ln`;
    expect(await refusal(clientWith({ token: madeUp }).admin().listTopics())).toBe('AUTHENTICATION_FAILED');
    expect(broker.output()).toContain('service-account token refused');
    expect(broker.output()).not.toContain(madeUp);
  });
});
