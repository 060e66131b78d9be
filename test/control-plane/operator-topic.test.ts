import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { AppsV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TopicDescription, Tributary, TributaryError } from '../../client/index.js';
import { CLUSTER_PLURAL, type Cluster, TOPIC_PLURAL, type Topic } from '../../operator/api/v1alpha1.js';
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

// The topic controller end to end: Topic resources in a real kube-apiserver, topics in a real cluster of
// three broker processes on etcd. The operator reaches the brokers through --bootstrap-override (their pods
// would be the Cluster's StatefulSet in Kubernetes) and runs with the ClusterRole of operator/rbac.ts.

const NS = 'default';

/** A free TCP port on 127.0.0.1 (nothing listens on it once answered). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Forwards every connection to 127.0.0.1:`port` to `host`:`targetPort`. */
function forward(port: number, host: string, targetPort: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect(targetPort, host);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('operator: Topic', () => {
  let plane: KubeControlPlane;
  let kc: KubeConfig;
  let brokers: TestCluster;
  let tributary: Tributary;
  let operatorKubeconfig: string;
  let operator: OperatorProcess;
  let operatorArgs: string[];
  const outputs: string[] = [];

  let resources: Resources;
  const getTopic = (name: string) => resources.get<Topic>(TOPIC_PLURAL, name);
  const patchTopic = (name: string, body: object) => resources.patch(TOPIC_PLURAL, name, body);
  const ready = readyOf;
  /** The Topic once its Ready condition has `reason` for its current generation. */
  const waitReason = (name: string, reason: string, timeoutMs = 20_000) =>
    waitFor(
      `Topic ${name} ${reason}`,
      async () => {
        const t = await getTopic(name);
        const c = ready(t);
        return c?.reason === reason && t?.status?.observedGeneration === t?.metadata.generation
          ? t
          : undefined;
      },
      timeoutMs,
    );
  const describeTopic = async (name: string): Promise<TopicDescription | undefined> => {
    try {
      return await tributary.admin().describeTopic(name);
    } catch (err) {
      if (err instanceof TributaryError && err.reason === 'UNKNOWN_TOPIC') return undefined;
      throw err;
    }
  };

  beforeAll(async () => {
    [plane, brokers] = await Promise.all([startKubeControlPlane(), startTestCluster({ brokers: 3 })]);
    tributary = new Tributary({ bootstrap: brokers.bootstrap() });
    kc = adminConfig(plane);
    resources = new Resources(kc, NS);
    await installCrds(kc);
    operatorKubeconfig = await operatorIdentity(plane);
    operatorArgs = [
      '--bootstrap-override',
      `${NS}/demo=${brokers.bootstrap()}`,
      '--status-refresh-ms',
      '1000',
    ];
    operator = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: 'op-topic-1',
      args: operatorArgs,
    });
    await resources.create('Cluster', 'demo', { version: '0.1.0' });
  }, 240_000);

  afterAll(async () => {
    tributary?.close();
    if (operator !== undefined) {
      outputs.push(operator.output());
      await operator.stop();
    }
    // Least privilege proven by use: nothing any operator process did was refused.
    for (const output of outputs) expect(output).not.toMatch(/forbidden|"403/i);
    await Promise.all([plane?.stop(), brokers?.destroy()]);
  }, 60_000);

  it('reports the controller the brokers elected, and Ready once every broker is', async () => {
    const { controllerId } = await tributary.admin().describeCluster();
    const cluster = await waitFor('the Cluster to know its controller', async () => {
      const c = await resources.get<Cluster>(CLUSTER_PLURAL, 'demo');
      return c?.status?.controller !== undefined ? c : undefined;
    });
    expect(cluster.status?.controller).toBe(controllerId);
    // Play the StatefulSet controller (not running here): three ready pods.
    await kc.makeApiClient(AppsV1Api).patchNamespacedStatefulSetStatus(
      {
        name: 'demo',
        namespace: NS,
        body: { status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const readyCluster = await waitFor('the Cluster Ready', async () => {
      const c = await resources.get<Cluster>(CLUSTER_PLURAL, 'demo');
      return c?.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True' ? c : undefined;
    });
    expect(readyCluster.status?.conditions?.[0]).toMatchObject({
      reason: 'BrokersReady',
      message: `3/3 brokers ready; broker ${controllerId} is the controller`,
    });
  }, 30_000);

  it('creates the topic in the brokers with its configs and reports Ready', async () => {
    await resources.create('Topic', 'orders', {
      cluster: 'demo',
      partitions: 3,
      replicationFactor: 3,
      config: { retentionMs: 3_600_000, minInsyncReplicas: 2, cleanupPolicy: 'delete' },
    });
    const topic = await waitReason('orders', 'Created');
    const broker = (await describeTopic('orders'))!;
    expect(broker.partitions).toHaveLength(3);
    expect(broker.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    expect(broker.configs).toEqual({
      'retention.ms': '3600000',
      'min.insync.replicas': '2',
      'cleanup.policy': 'delete',
    });
    expect(topic.metadata.finalizers).toEqual(['tributary.dev/topic']);
    expect(topic.status).toMatchObject({ topicId: broker.topicId, partitions: 3, replicationFactor: 3 });
    expect(ready(topic)).toMatchObject({
      status: 'True',
      message: 'topic orders has 3 partitions and replication factor 3',
    });
    const created = await eventFor(kc, NS, 'Topic', 'orders', 'TopicCreated');
    expect(created).toMatchObject({ type: 'Normal', note: 'created broker topic orders with 3 partitions' });
  }, 30_000);

  it('brings partition increases and config changes to the brokers', async () => {
    await patchTopic('orders', {
      spec: {
        partitions: 6,
        config: {
          retentionMs: 7_200_000,
          minInsyncReplicas: null,
          additional: { 'max.message.bytes': '2097152' },
        },
      },
    });
    const topic = await waitFor('6 partitions in the status', async () => {
      const t = await waitReason('orders', 'Created');
      return t.status?.partitions === 6 ? t : undefined;
    });
    const broker = (await describeTopic('orders'))!;
    expect(broker.partitions).toHaveLength(6);
    expect(broker.configs).toEqual({
      'retention.ms': '7200000',
      'cleanup.policy': 'delete',
      'max.message.bytes': '2097152',
    });
    expect(topic.status?.topicId).toBe(broker.topicId);
    const changed = await eventFor(kc, NS, 'Topic', 'orders', 'ConfigsChanged');
    expect(changed.note).toContain('retention.ms=7200000');
    expect(changed.note).toContain('min.insync.replicas reset');
  }, 30_000);

  it('reports a config the brokers refuse as InvalidConfig, and recovers when it is fixed', async () => {
    await patchTopic('orders', { spec: { config: { additional: { 'max.message.bytes': '1' } } } });
    const bad = await waitReason('orders', 'InvalidConfig');
    expect(ready(bad)?.status).toBe('False');
    expect(ready(bad)?.message).toContain('max.message.bytes');
    expect((await describeTopic('orders'))!.configs['max.message.bytes']).toBe('2097152');
    expect((await eventFor(kc, NS, 'Topic', 'orders', 'InvalidConfig')).type).toBe('Warning');
    await patchTopic('orders', { spec: { config: { additional: null } } });
    await waitReason('orders', 'Created');
    expect((await describeTopic('orders'))!.configs['max.message.bytes']).toBeUndefined();
  }, 60_000);

  it('deletes the broker topic when the Topic is deleted', async () => {
    await resources.delete(TOPIC_PLURAL, 'orders');
    await resources.gone(TOPIC_PLURAL, 'orders');
    expect(await describeTopic('orders')).toBeUndefined();
  }, 30_000);

  it('leaves an unmanaged topic alone, and does not delete it with its Topic', async () => {
    await tributary.admin().createTopic({ name: 'legacy', partitions: 1, replicationFactor: 3 });
    await resources.create(
      'Topic',
      'legacy',
      { cluster: 'demo', partitions: 5 },
      { 'tributary.dev/managed': 'false' },
    );
    const topic = await waitReason('legacy', 'Unmanaged');
    expect(ready(topic)?.status).toBe('True');
    expect(topic.metadata.finalizers).toEqual(['tributary.dev/topic']);
    expect((await describeTopic('legacy'))!.partitions).toHaveLength(1);
    await resources.delete(TOPIC_PLURAL, 'legacy');
    await resources.gone(TOPIC_PLURAL, 'legacy');
    expect((await describeTopic('legacy'))!.partitions).toHaveLength(1);
  }, 30_000);

  it('reports ClusterNotFound for a Topic of a missing Cluster, which can still be deleted', async () => {
    await resources.create('Topic', 'stray', { cluster: 'ghost', partitions: 1 });
    const topic = await waitReason('stray', 'ClusterNotFound');
    expect(ready(topic)).toMatchObject({
      status: 'False',
      message: 'Cluster "ghost" does not exist in namespace default',
    });
    await resources.delete(TOPIC_PLURAL, 'stray');
    await resources.gone(TOPIC_PLURAL, 'stray');
    expect(await describeTopic('stray')).toBeUndefined();
  }, 30_000);

  it('never lets a Topic in TopicNameConflict take over the broker topic when its owner is deleted', async () => {
    await resources.create('Topic', 'owner-a', {
      cluster: 'demo',
      partitions: 2,
      replicationFactor: 3,
      config: { minInsyncReplicas: 2, retentionMs: 3_600_000 },
    });
    const owner = await waitReason('owner-a', 'Created');
    const ownerTopicId = owner.status!.topicId!;
    await resources.create('Topic', 'rival-b', {
      cluster: 'demo',
      topicName: 'owner-a',
      partitions: 4,
      replicationFactor: 3,
    });
    const rival = await waitReason('rival-b', 'TopicNameConflict');
    expect(ready(rival)?.message).toBe('Topic owner-a already manages broker topic owner-a of Cluster demo');

    // The owner goes first: its broker topic (its data) goes with it, and the rival makes a new one of its
    // own rather than rewriting the owner's (partitions added, configs dropped).
    await resources.delete(TOPIC_PLURAL, 'owner-a');
    await resources.gone(TOPIC_PLURAL, 'owner-a');
    await eventFor(kc, NS, 'Topic', 'owner-a', 'TopicDeleted');
    const mine = await waitReason('rival-b', 'Created');
    const broker = (await describeTopic('owner-a'))!;
    expect(broker.topicId).not.toBe(ownerTopicId);
    expect(mine.status?.topicId).toBe(broker.topicId);
    expect(broker.partitions).toHaveLength(4);
    await resources.delete(TOPIC_PLURAL, 'rival-b');
    await resources.gone(TOPIC_PLURAL, 'rival-b');
    expect(await describeTopic('owner-a')).toBeUndefined();
  }, 60_000);

  it("never drops the owner's broker topic when the conflicting Topic is deleted", async () => {
    await resources.create('Topic', 'keeper', { cluster: 'demo', partitions: 2, replicationFactor: 3 });
    const keeper = await waitReason('keeper', 'Created');
    await resources.create('Topic', 'keeper-twin', {
      cluster: 'demo',
      topicName: 'keeper',
      partitions: 3,
      replicationFactor: 3,
    });
    await waitReason('keeper-twin', 'TopicNameConflict');
    await resources.delete(TOPIC_PLURAL, 'keeper-twin');
    await resources.gone(TOPIC_PLURAL, 'keeper-twin');
    const broker = (await describeTopic('keeper'))!;
    expect(broker.topicId).toBe(keeper.status?.topicId);
    expect(broker.partitions).toHaveLength(2);
    expect(ready(await getTopic('keeper'))?.reason).toBe('Created');
    await resources.delete(TOPIC_PLURAL, 'keeper');
    await resources.gone(TOPIC_PLURAL, 'keeper');
  }, 60_000);

  it('leaves a broker topic kept by its deleted owner to a person, not to the conflicting Topic', async () => {
    await tributary.admin().createTopic({
      name: 'kept',
      partitions: 1,
      replicationFactor: 3,
      configs: { 'retention.ms': '1000' },
    });
    await resources.create(
      'Topic',
      'kept',
      { cluster: 'demo', partitions: 1 },
      { 'tributary.dev/managed': 'false' },
    );
    await waitReason('kept', 'Unmanaged');
    const before = (await describeTopic('kept'))!;
    await resources.create('Topic', 'kept-rival', {
      cluster: 'demo',
      topicName: 'kept',
      partitions: 3,
      replicationFactor: 3,
    });
    await waitReason('kept-rival', 'TopicNameConflict');
    // The unmanaged owner's deletion keeps the broker topic; the rival stays in conflict and says why.
    await resources.delete(TOPIC_PLURAL, 'kept');
    await resources.gone(TOPIC_PLURAL, 'kept');
    const stuck = await waitFor('the rival to say it does not take the topic over', async () => {
      const t = await getTopic('kept-rival');
      return ready(t)?.message?.includes('does not take it over') ? t : undefined;
    });
    expect(ready(stuck)).toMatchObject({ status: 'False', reason: 'TopicNameConflict' });
    const after = (await describeTopic('kept'))!;
    expect(after.topicId).toBe(before.topicId);
    expect(after.partitions).toHaveLength(1);
    expect(after.configs).toEqual({ 'retention.ms': '1000' });
    // Nor does its deletion drop it.
    await resources.delete(TOPIC_PLURAL, 'kept-rival');
    await resources.gone(TOPIC_PLURAL, 'kept-rival');
    expect((await describeTopic('kept'))?.topicId).toBe(before.topicId);
    await tributary.admin().deleteTopic('kept');
  }, 60_000);

  it('sends a Topic created before its brokers answered to them as soon as its Cluster is Ready', async () => {
    // A Cluster whose brokers answer only later (through a proxy not yet listening), and an operator whose
    // retry backoff (60 s) is far longer than the test waits.
    const port = await freePort();
    const [host, targetPort] = brokers.bootstrap().split(',')[0]!.split(':') as [string, string];
    outputs.push(operator.output());
    expect(await operator.stop()).toBe(0);
    operator = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: 'op-topic-late',
      args: [
        ...operatorArgs,
        '--bootstrap-override',
        `${NS}/late=127.0.0.1:${port}`,
        '--retry-base-ms',
        '60000',
        '--retry-max-ms',
        '120000',
      ],
    });
    let proxy: Server | undefined;
    try {
      await resources.create('Cluster', 'late', { version: '0.1.0' });
      await resources.create('Topic', 'early', { cluster: 'late', partitions: 1, replicationFactor: 3 });
      await waitReason('early', 'BrokerError');
      proxy = await forward(port, host, Number(targetPort));
      const apps = kc.makeApiClient(AppsV1Api);
      await waitFor('the StatefulSet of late', () =>
        apps.readNamespacedStatefulSet({ name: 'late', namespace: NS }),
      );
      await apps.patchNamespacedStatefulSetStatus(
        {
          name: 'late',
          namespace: NS,
          body: { status: { replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      await waitFor('Cluster late Ready', async () =>
        ready(await resources.get<Cluster>(CLUSTER_PLURAL, 'late'))?.status === 'True' ? true : undefined,
      );
      const readyAtMs = Date.now();
      await waitReason('early', 'Created', 20_000);
      console.log(
        `a Topic waiting on its brokers was Created ${Date.now() - readyAtMs} ms after its Cluster turned Ready`,
      );
      await resources.delete(TOPIC_PLURAL, 'early');
      await resources.gone(TOPIC_PLURAL, 'early');
    } finally {
      outputs.push(operator.output());
      expect(await operator.stop()).toBe(0);
      proxy?.close();
      operator = await startOperator({
        kubeconfig: operatorKubeconfig,
        identity: 'op-topic-after',
        args: operatorArgs,
      });
    }
  }, 120_000);

  it('converges after the operator is killed (SIGKILL) in the middle of its work', async () => {
    outputs.push(operator.output());
    expect(await operator.stop()).toBe(0);
    const names = Array.from({ length: 20 }, (_, i) => `batch-${String(i).padStart(2, '0')}`);
    for (const name of names)
      await resources.create('Topic', name, { cluster: 'demo', partitions: 2, replicationFactor: 3 });
    // One worker, so that the kill lands with most of the batch still to do.
    const first = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: 'op-topic-2',
      args: [...operatorArgs, '--workers', '1'],
    });
    await waitFor('one Topic done', async () => {
      for (const name of names) if (ready(await getTopic(name))?.reason === 'Created') return true;
      return undefined;
    });
    await first.kill();
    outputs.push(first.output());
    const doneAtKill = (await Promise.all(names.map(getTopic))).filter(
      (t) => ready(t)?.reason === 'Created',
    ).length;
    expect(doneAtKill).toBeLessThan(names.length);

    // A new replica: it waits out the dead one's Lease (6 s here), then finishes the batch.
    const restartMs = Date.now();
    operator = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: 'op-topic-3',
      args: operatorArgs,
    });
    const topics = await waitFor(
      'every Topic Created',
      async () => {
        const all = await Promise.all(names.map(getTopic));
        return all.every((t) => ready(t)?.reason === 'Created') ? (all as Topic[]) : undefined;
      },
      60_000,
    ).catch((err: Error) => {
      // What the new operator did is the whole diagnosis of a failure here.
      throw new Error(`${err.message}\nthe new operator's output:\n${operator.output().slice(-6000)}`);
    });
    const convergedMs = Date.now() - restartMs;
    for (const t of topics) {
      expect(t.metadata.finalizers).toEqual(['tributary.dev/topic']);
      const broker = (await describeTopic(t.metadata.name!))!;
      expect(broker.partitions).toHaveLength(2);
      expect(t.status?.topicId).toBe(broker.topicId);
    }
    const listed = (await tributary.admin().listTopics())
      .map((t) => t.name)
      .filter((n) => n.startsWith('batch-'));
    expect(listed).toEqual(names);
    console.log(
      `operator kill: ${doneAtKill}/${names.length} Topics done at the kill; all converged ${convergedMs} ms after the restart`,
    );
  }, 120_000);
});
