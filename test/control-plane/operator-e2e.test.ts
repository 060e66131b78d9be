/**
 * The whole Kubernetes story on one real API server, with no etcd of Tributary's own: the operator turns a
 * Cluster into its objects (ServiceAccount, Role, RoleBinding, StatefulSet, ...); three broker processes
 * play the StatefulSet's pods, authenticated with a token of the operator-made ServiceAccount (so only the
 * operator-made Role authorises them) and keeping their metadata in that API server (dcs=kubernetes).
 * They elect a controller, which the Cluster's status reports; a Topic becomes a replicated topic in
 * them and reports Ready; deleting the Topic deletes the topic.
 */
import { createServer } from 'node:net';
import { CoreV1Api, type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary, TributaryError } from '../../client/index.js';
import { CLUSTER_PLURAL, type Cluster, TOPIC_PLURAL, type Topic } from '../../operator/api/v1alpha1.js';
import { type BrokerProcess, makeDataDir, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { FAST_FAILOVER_ARGS, waitFor } from '../helpers/cluster.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import {
  adminConfig,
  installCrds,
  type OperatorProcess,
  operatorIdentity,
  Resources,
  readyOf,
  startOperator,
} from '../helpers/operator.js';

const NS = 'default';
const CLUSTER = 'e2e';

let plane: KubeControlPlane;
let kc: KubeConfig;
let resources: Resources;
let operator: OperatorProcess;
const brokers: BrokerProcess[] = [];
let client: Tributary;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject).listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  plane = await startKubeControlPlane();
  kc = adminConfig(plane);
  resources = new Resources(kc, NS);
  await installCrds(kc);
  const ports = [await freePort(), await freePort(), await freePort()];
  const bootstrap = ports.map((p) => `127.0.0.1:${p}`).join(',');
  operator = await startOperator({
    kubeconfig: await operatorIdentity(plane),
    identity: 'op-e2e',
    args: ['--bootstrap-override', `${NS}/${CLUSTER}=${bootstrap}`, '--status-refresh-ms', '1000'],
  });
  await resources.create('Cluster', CLUSTER, { version: '0.1.0', brokers: 3 });

  // The operator made the brokers' identity: wait for it, then take a token of it, as a pod would get.
  const core = kc.makeApiClient(CoreV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await waitFor('the operator-made broker identity', () =>
    rbac.readNamespacedRoleBinding({ name: `${CLUSTER}-broker`, namespace: NS }).catch(() => undefined),
  );
  const token = await core.createNamespacedServiceAccountToken({
    namespace: NS,
    name: `${CLUSTER}-broker`,
    body: { spec: { audiences: [], expirationSeconds: 3600 } },
  });
  const kubeconfig = plane.kubeconfigFor(`${CLUSTER}-broker`, token.status!.token);
  const started = await Promise.all(
    ports.map((port, id) =>
      startBroker({
        dataDir: makeDataDir('tributary-e2e-broker-'),
        args: [
          '--node-id',
          String(id),
          '--port',
          String(port),
          '--set',
          'dcs=kubernetes',
          '--set',
          `dcsPrefix=${CLUSTER}`,
          '--set',
          `dcsKubeNamespace=${NS}`,
          '--set',
          `dcsKubeconfig=${kubeconfig}`,
          ...FAST_FAILOVER_ARGS,
        ],
      }),
    ),
  );
  brokers.push(...started);
  client = new Tributary({ bootstrap });
}, 240_000);

afterAll(async () => {
  client?.close();
  await operator?.stop();
  await Promise.all(brokers.map((b) => b.stop()));
  await plane?.stop();
  removeDataDirs();
});

describe('operator and brokers on one Kubernetes API server', () => {
  it('brokers authorised by the operator-made Role elect a controller the Cluster status reports', async () => {
    const controller = await waitFor(
      'a controller in the Cluster status',
      async () => (await resources.get<Cluster>(CLUSTER_PLURAL, CLUSTER))?.status?.controller,
      60_000,
    );
    const described = await client.admin().describeCluster();
    expect(described.controllerId).toBe(controller);
  });

  it('a Topic becomes a replicated topic in those brokers and reports Ready; deleting it deletes the topic', async () => {
    await resources.create('Topic', 'payments', {
      cluster: CLUSTER,
      partitions: 3,
      replicationFactor: 3,
      config: { minInsyncReplicas: 2, retentionMs: 3_600_000 },
    });
    const topic = await waitFor(
      'the Topic Ready',
      async () => {
        const t = await resources.get<Topic>(TOPIC_PLURAL, 'payments');
        return readyOf(t)?.status === 'True' && t?.status?.observedGeneration === t?.metadata.generation
          ? t
          : undefined;
      },
      60_000,
    );
    expect(topic.status).toMatchObject({ partitions: 3, replicationFactor: 3 });
    const d = await client.admin().describeTopic('payments');
    expect(d.partitions).toHaveLength(3);
    expect(d.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    const producer = client.producer();
    await producer.send({ topic: 'payments', messages: [{ value: 'paid' }] });
    await producer.close();

    await resources.delete(TOPIC_PLURAL, 'payments');
    await waitFor(
      'the broker topic gone',
      async () => {
        try {
          await client.admin().describeTopic('payments');
          return undefined;
        } catch (err) {
          return err instanceof TributaryError && err.reason === 'UNKNOWN_TOPIC' ? true : undefined;
        }
      },
      60_000,
    );
  });
});
