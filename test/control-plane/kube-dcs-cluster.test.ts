/**
 * Three broker processes whose only metadata store is a real kube-apiserver (dcs=kubernetes), each
 * authenticated as a ServiceAccount bound to exactly the broker Role of the operator contract (leases and
 * configmaps: get, list, watch, create, update, delete): they register, elect one controller, replicate
 * a topic, and elect a new controller when the old one is killed with -9.
 */
import { CoordinationV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { type BrokerProcess, makeDataDir, removeDataDirs, startBroker } from '../helpers/broker-process.js';
import { FAST_FAILOVER_ARGS, waitFor } from '../helpers/cluster.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import { BROKER_DCS_RULES, serviceAccountWithRole } from '../helpers/kube-identity.js';

const NAMESPACE = 'streams';
const CLUSTER = 'demo';

let plane: KubeControlPlane;
let core: CoreV1Api;
let leases: CoordinationV1Api;
let kubeconfig: string;
const brokers: Array<BrokerProcess | undefined> = [];
let client: Tributary;

function brokerArgs(id: number): string[] {
  return [
    '--node-id',
    String(id),
    '--set',
    'dcs=kubernetes',
    '--set',
    `dcsPrefix=${CLUSTER}`,
    '--set',
    `dcsKubeNamespace=${NAMESPACE}`,
    '--set',
    `dcsKubeconfig=${kubeconfig}`,
    ...FAST_FAILOVER_ARGS,
  ];
}

beforeAll(async () => {
  // With the garbage collector running, as in a real cluster: it races the brokers to delete the keys of
  // a removed session Lease (their ownerReferences point at it), which must change nothing.
  plane = await startKubeControlPlane({ controllerManager: true });
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
  leases = kc.makeApiClient(CoordinationV1Api);
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
  const name = `${CLUSTER}-broker`;
  const token = await serviceAccountWithRole({ core, rbac }, NAMESPACE, name, BROKER_DCS_RULES);
  kubeconfig = plane.kubeconfigFor(name, token);
  // All at once, as the operator's StatefulSet (podManagementPolicy Parallel) starts them: they race for
  // the controller key.
  const started = await Promise.all(
    [0, 1, 2].map((id) =>
      startBroker({ dataDir: makeDataDir('tributary-kube-broker-'), args: brokerArgs(id) }),
    ),
  );
  brokers.push(...started);
  client = new Tributary({ bootstrap: brokers.map((b) => b!.address).join(',') });
}, 180_000);

afterAll(async () => {
  client?.close();
  await Promise.all(brokers.map((b) => b?.stop()));
  await plane?.stop();
  removeDataDirs();
});

/** The controller each live broker reports, asked one by one. */
async function controllerSeenByEach(): Promise<number[]> {
  const seen: number[] = [];
  for (const b of brokers) {
    if (b === undefined) continue;
    const one = new Tributary({ bootstrap: b.address });
    try {
      seen.push((await one.admin().describeCluster()).controllerId);
    } finally {
      one.close();
    }
  }
  return seen;
}

describe('brokers on the kubernetes DCS', () => {
  it('register as Leases and ConfigMaps under the broker Role, and elect exactly one controller', async () => {
    const described = await waitFor('three brokers and a controller', async () => {
      const d = await client.admin().describeCluster();
      return d.brokers.length === 3 && d.controllerId >= 0 ? d : undefined;
    });
    expect(described.brokers.map((b) => b.id).sort()).toEqual([0, 1, 2]);
    const seen = await controllerSeenByEach();
    expect(new Set(seen)).toEqual(new Set([described.controllerId]));
    const selector = `tributary.dev/dcs=${CLUSTER}`;
    const sessions = await leases.listNamespacedLease({ namespace: NAMESPACE, labelSelector: selector });
    expect(sessions.items).toHaveLength(3);
    const keys = (
      await core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: selector })
    ).items.map((cm) => cm.metadata?.annotations?.['tributary.dev/key']);
    expect(keys).toEqual(
      expect.arrayContaining([
        'cluster/id',
        'controller',
        'controller-epoch',
        'brokers/0',
        'brokers/1',
        'brokers/2',
      ]),
    );
  });

  it('replicates an acks=all topic, and a new controller takes over when the old one is killed with -9', async () => {
    const admin = client.admin();
    await admin.createTopic({
      name: 'orders',
      partitions: 2,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    const topic = await admin.describeTopic('orders');
    expect(topic.partitions.every((p) => p.replicas.length === 3 && p.isr.length === 3)).toBe(true);
    const producer = client.producer({ acks: 'all' });
    const before = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 10}`, value: `a${i}` }));
    await producer.send({ topic: 'orders', messages: before });

    const old = (await admin.describeCluster()).controllerId;
    const killedAtMs = performance.now();
    await brokers[old]!.kill('SIGKILL');
    brokers[old] = undefined;
    const next = await waitFor(
      'a new controller',
      async () => {
        const seen = await controllerSeenByEach();
        return seen.length === 2 && seen.every((c) => c === seen[0] && c >= 0 && c !== old)
          ? seen[0]
          : undefined;
      },
      30_000,
    );
    const failoverMs = performance.now() - killedAtMs;
    expect(next).not.toBe(old);
    // The killed broker's session expires (TTL 2 s plus the 1 s grace) before anyone acts on it.
    expect(failoverMs).toBeGreaterThan(2_000);
    // Its session Lease and registration are gone; the survivors' are in place.
    const selector = `tributary.dev/dcs=${CLUSTER}`;
    await waitFor('the dead session to be removed', async () => {
      const sessions = await leases.listNamespacedLease({ namespace: NAMESPACE, labelSelector: selector });
      const keys = (
        await core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: selector })
      ).items.map((cm) => cm.metadata?.annotations?.['tributary.dev/key']);
      return sessions.items.length === 2 && !keys.includes(`brokers/${old}`) ? true : undefined;
    });

    const after = Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 10}`, value: `b${i}` }));
    await producer.send({ topic: 'orders', messages: after });
    await producer.close();
    const moved = await admin.describeTopic('orders');
    expect(moved.partitions.every((p) => p.leader >= 0 && p.leader !== old && !p.isr.includes(old))).toBe(
      true,
    );

    const values: string[] = [];
    const consumer = client.consumer();
    for (const { partition, offset: end } of await admin.listOffsets('orders', 'latest')) {
      if (end === 0) continue;
      for await (const r of consumer.consume({ topic: 'orders', partition, from: 'earliest' })) {
        values.push(r.value!.toString());
        if (Number(r.offset) === end - 1) break;
      }
    }
    await consumer.close();
    expect(values.sort()).toEqual([...before, ...after].map((m) => m.value).sort());
  }, 90_000);
});
