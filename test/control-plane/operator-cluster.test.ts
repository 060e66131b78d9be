import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_PLURAL, type Cluster, GROUP, VERSION } from '../../operator/api/v1alpha1.js';
import { waitFor } from '../helpers/cluster.js';
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

// The cluster controller against a real kube-apiserver, with the garbage collector and the StatefulSet
// controller running (kube-controller-manager; no kubelet, so pods are created but never run). The operator
// runs as a process with a ServiceAccount token bound to exactly its ClusterRole (operator/rbac.ts).

const NS = 'tenant-a';
const STANDARD_LABELS = {
  'app.kubernetes.io/name': 'tributary',
  'app.kubernetes.io/instance': 'demo',
  'app.kubernetes.io/component': 'broker',
  'app.kubernetes.io/managed-by': 'tributary-operator',
  'app.kubernetes.io/part-of': 'tributary',
};

describe('operator: Cluster', () => {
  let plane: KubeControlPlane;
  let kc: KubeConfig;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let operator: OperatorProcess;
  let operatorKubeconfig: string;

  let resources: Resources;
  const getCluster = async (name = 'demo') => (await resources.get<Cluster>(CLUSTER_PLURAL, name))!;
  /** The broker ConfigMap the StatefulSet's pod template mounts (one per config content). */
  const mountedConfigMap = async () => {
    const sts = await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS });
    const name = sts.spec?.template.spec?.volumes?.find((v) => v.name === 'config')?.configMap?.name;
    expect(name).toMatch(/^demo-config-[0-9a-f]{16}$/);
    return core.readNamespacedConfigMap({ name: name!, namespace: NS });
  };
  const rollCondition = (c: Cluster | undefined) =>
    c?.status?.conditions?.find((x) => x.type === 'RollingUpdate');
  const patchCluster = (name: string, body: object) => resources.patch(CLUSTER_PLURAL, name, body);
  const readyCondition = readyOf;
  /** Plays kubelet for one pod: running and ready. */
  const markPodReady = (name: string) =>
    core.patchNamespacedPodStatus(
      {
        name,
        namespace: NS,
        body: {
          status: {
            phase: 'Running',
            conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date() }],
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  beforeAll(async () => {
    plane = await startKubeControlPlane({ controllerManager: true });
    kc = adminConfig(plane);
    custom = kc.makeApiClient(CustomObjectsApi);
    resources = new Resources(kc, NS);
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
    await installCrds(kc);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    operatorKubeconfig = await operatorIdentity(plane);
    operator = await startOperator({ kubeconfig: operatorKubeconfig, identity: 'op-cluster-test' });
  }, 240_000);

  afterAll(async () => {
    if (operator !== undefined) {
      const output = operator.output();
      expect(await operator.stop()).toBe(0);
      // Least privilege proven by use: nothing the operator did was refused.
      expect(output).not.toMatch(/forbidden|"403/i);
    }
    await plane?.stop();
  }, 60_000);

  it('makes the objects of the contract for a Cluster, owned by it, which the API server accepts', async () => {
    const created = await resources.create<Cluster>('Cluster', 'demo', {
      version: '0.1.0',
      config: { replicaLagTimeMaxMs: '10000' },
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
      storage: { size: '5Gi' },
      podTemplate: {
        metadata: { labels: { team: 'data' } },
        spec: { nodeSelector: { pool: 'brokers' } },
      },
    });
    const uid = created.metadata.uid!;
    const owner = {
      apiVersion: 'tributary.dev/v1alpha1',
      kind: 'Cluster',
      name: 'demo',
      uid,
      controller: true,
    };

    const sts = await waitFor(
      'the StatefulSet',
      () => apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS }),
      30_000,
    );
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const objects = [
      await core.readNamespacedServiceAccount({ name: 'demo-broker', namespace: NS }),
      await rbac.readNamespacedRole({ name: 'demo-broker', namespace: NS }),
      await rbac.readNamespacedRoleBinding({ name: 'demo-broker', namespace: NS }),
      await mountedConfigMap(),
      await core.readNamespacedService({ name: 'demo-brokers', namespace: NS }),
      await core.readNamespacedService({ name: 'demo-bootstrap', namespace: NS }),
      sts,
      await waitFor('the PDB', () =>
        kc.makeApiClient(PolicyV1Api).readNamespacedPodDisruptionBudget({ name: 'demo', namespace: NS }),
      ),
    ];
    for (const o of objects) {
      expect(o.metadata?.labels).toEqual(STANDARD_LABELS);
      expect(o.metadata?.ownerReferences).toEqual([owner]);
      expect(
        o.metadata?.managedFields?.some((f) => f.manager === 'tributary-operator' && f.operation === 'Apply'),
      ).toBe(true);
    }
    const [, role, binding, configMap, headless, bootstrap, , pdb] = objects as [
      unknown,
      Awaited<ReturnType<RbacAuthorizationV1Api['readNamespacedRole']>>,
      Awaited<ReturnType<RbacAuthorizationV1Api['readNamespacedRoleBinding']>>,
      Awaited<ReturnType<CoreV1Api['readNamespacedConfigMap']>>,
      Awaited<ReturnType<CoreV1Api['readNamespacedService']>>,
      Awaited<ReturnType<CoreV1Api['readNamespacedService']>>,
      unknown,
      Awaited<ReturnType<PolicyV1Api['readNamespacedPodDisruptionBudget']>>,
    ];
    expect(role.rules?.map((r) => [r.apiGroups, r.resources, r.verbs])).toEqual([
      [['coordination.k8s.io'], ['leases'], ['get', 'list', 'watch', 'create', 'update', 'delete']],
      [[''], ['configmaps'], ['get', 'list', 'watch', 'create', 'update', 'delete']],
    ]);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'demo-broker', namespace: NS }]);
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'demo-broker',
    });
    expect(configMap.data?.['broker.yaml']).toContain('replicaLagTimeMaxMs: "10000"');
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.publishNotReadyAddresses).toBe(true);
    expect(headless.spec?.ports?.map((p) => [p.name, p.port])).toEqual([
      ['client', 9292],
      ['metrics', 9644],
    ]);
    expect(bootstrap.spec?.type).toBe('ClusterIP');
    expect(bootstrap.spec?.selector).toEqual({
      'app.kubernetes.io/name': 'tributary',
      'app.kubernetes.io/instance': 'demo',
      'app.kubernetes.io/component': 'broker',
    });
    expect(String(pdb.spec?.maxUnavailable)).toBe('1');

    const spec = sts.spec!;
    expect(spec.replicas).toBe(3);
    expect(spec.serviceName).toBe('demo-brokers');
    expect(spec.updateStrategy?.type).toBe('OnDelete');
    expect(spec.podManagementPolicy).toBe('Parallel');
    expect(spec.volumeClaimTemplates?.[0]?.metadata?.name).toBe('data');
    expect(spec.volumeClaimTemplates?.[0]?.spec?.resources?.requests).toEqual({ storage: '5Gi' });
    const pod = spec.template.spec!;
    expect(pod.nodeSelector).toEqual({ pool: 'brokers' });
    expect(spec.template.metadata?.labels?.['team']).toBe('data');
    expect(spec.template.metadata?.annotations?.['tributary.dev/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    const broker = pod.containers[0]!;
    expect(broker.image).toBe('tributary/broker:0.1.0');
    expect(broker.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(broker.readinessProbe?.grpc?.port).toBe(9292);
    expect(broker.livenessProbe?.grpc?.port).toBe(9292);
    expect(broker.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(broker.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(pod.securityContext?.runAsUser).toBe(10001);
    expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(pod.topologySpreadConstraints?.map((c) => c.topologyKey)).toEqual([
      'kubernetes.io/hostname',
      'topology.kubernetes.io/zone',
    ]);

    // The StatefulSet controller accepts the template: it makes the pods, each with its index label.
    const pods = await waitFor(
      'three broker pods',
      async () => {
        const list = await core.listNamespacedPod({
          namespace: NS,
          labelSelector: 'app.kubernetes.io/instance=demo',
        });
        return list.items.length === 3 ? list.items : undefined;
      },
      30_000,
    );
    expect(pods.map((p) => p.metadata?.labels?.['apps.kubernetes.io/pod-index']).sort()).toEqual([
      '0',
      '1',
      '2',
    ]);

    const cluster = await waitFor(
      'the Cluster status to count the pods',
      async () => {
        const c = await getCluster();
        return c.status?.brokers === 3 ? c : undefined;
      },
      30_000,
    );
    expect(cluster.status).toMatchObject({
      observedGeneration: cluster.metadata.generation,
      brokers: 3,
      readyBrokers: 0,
      bootstrap: `demo-bootstrap.${NS}.svc:9292`,
      selector:
        'app.kubernetes.io/component=broker,app.kubernetes.io/instance=demo,app.kubernetes.io/name=tributary',
    });
    expect(readyCondition(cluster)).toMatchObject({
      status: 'False',
      reason: 'BrokersNotReady',
      message: '0/3 brokers ready',
    });
  }, 90_000);

  it('follows readiness of the pods, and leaves status and objects alone when nothing changed', async () => {
    // Play kubelet: mark the pods running and ready; the StatefulSet controller counts them.
    for (const i of [0, 1, 2]) await markPodReady(`demo-${i}`);
    const cluster = await waitFor(
      'three ready brokers in the status',
      async () => {
        const c = await getCluster();
        return c.status?.readyBrokers === 3 ? c : undefined;
      },
      30_000,
    );
    // No broker answers at demo-bootstrap.tenant-a.svc from here: no controller is known.
    expect(readyCondition(cluster)).toMatchObject({ status: 'False', reason: 'NoController' });
    expect(cluster.status?.controller).toBeUndefined();

    // Let the StatefulSet controller finish counting (it updates the status in several steps, and each
    // may change the Cluster's status) and the operator finish reacting, before taking the baseline.
    await waitFor(
      'the StatefulSet status settled and the operator idle',
      async () => {
        const st = (await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).status;
        const settled = st?.readyReplicas === 3 && st.availableReplicas === 3 && st.updatedReplicas === 3;
        const idle =
          (await operator.metric('tributary_operator_workqueue_inflight', { controller: 'cluster' })) === 0 &&
          (await operator.metric('tributary_operator_workqueue_depth', { controller: 'cluster' })) === 0;
        const c = await getCluster();
        return settled && idle && c.status?.observedGeneration === c.metadata.generation ? true : undefined;
      },
      30_000,
    );
    // A change that is not to the spec (an annotation) makes the operator reconcile; nothing it computes
    // differs, so neither the status nor any owned object is written.
    const before = {
      sts: (await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).metadata!.resourceVersion,
      svc: (await core.readNamespacedService({ name: 'demo-bootstrap', namespace: NS })).metadata!
        .resourceVersion,
      writes: await operator.metric('tributary_operator_status_writes_total', { controller: 'cluster' }),
    };
    const reconciles = await operator.metric('tributary_operator_reconcile_total', { controller: 'cluster' });
    await patchCluster('demo', { metadata: { annotations: { 'example.com/touched': 'yes' } } });
    const touchedVersion = (await getCluster()).metadata.resourceVersion;
    await waitFor(
      'a reconcile after the annotation, and none running',
      async () =>
        (await operator.metric('tributary_operator_reconcile_total', { controller: 'cluster' })) >
          reconciles &&
        (await operator.metric('tributary_operator_workqueue_inflight', { controller: 'cluster' })) === 0 &&
        (await operator.metric('tributary_operator_workqueue_depth', { controller: 'cluster' })) === 0
          ? true
          : undefined,
      20_000,
    );
    expect((await getCluster()).metadata.resourceVersion).toBe(touchedVersion);
    expect(
      (await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).metadata!.resourceVersion,
    ).toBe(before.sts);
    expect(
      (await core.readNamespacedService({ name: 'demo-bootstrap', namespace: NS })).metadata!.resourceVersion,
    ).toBe(before.svc);
    expect(await operator.metric('tributary_operator_status_writes_total', { controller: 'cluster' })).toBe(
      before.writes,
    );
  }, 60_000);

  it('reports an unknown broker setting as InvalidConfig naming it, and keeps the last good config', async () => {
    const configBefore = (await mountedConfigMap()).data;
    await patchCluster('demo', {
      spec: { config: { replicaLagTimeMaxMs: '10000', replicaLagTimeMaxMS: '1' } },
    });
    const bad = await waitFor('InvalidConfig', async () => {
      const c = await getCluster();
      return readyCondition(c)?.reason === 'InvalidConfig' ? c : undefined;
    });
    expect(readyCondition(bad)?.message).toContain('replicaLagTimeMaxMS');
    const event = await eventFor(kc, NS, 'Cluster', 'demo', 'InvalidConfig');
    expect(event.type).toBe('Warning');
    expect(event.note).toContain('replicaLagTimeMaxMS');
    expect(bad.status?.observedGeneration).toBe(bad.metadata.generation);
    expect((await mountedConfigMap()).data).toEqual(configBefore);

    await patchCluster('demo', {
      spec: { config: { replicaLagTimeMaxMs: '20000', replicaLagTimeMaxMS: null } },
    });
    // The fixed (and changed) config changes the pod template, and a roll starts; no broker runs here (no
    // kubelet), so none can say whether a restart is safe: the roll waits and deletes no pod.
    const uidsBefore = (await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.metadata?.uid);
    const pending = await waitFor('the roll waiting for the brokers', async () => {
      const c = await getCluster();
      return rollCondition(c)?.reason === 'NoAnswer' && c.status?.rollingUpdate?.done.length === 0
        ? c
        : undefined;
    });
    expect(readyCondition(pending)).toMatchObject({ status: 'False', reason: 'RollingUpdate' });
    expect(rollCondition(pending)?.message).toMatch(
      /^0 broker\(s\) on demo-\w+; waiting for the brokers to say/,
    );
    expect((await core.listNamespacedPod({ namespace: NS })).items.map((p) => p.metadata?.uid)).toEqual(
      uidsBefore,
    );
    // The roll's progress in the operator's metrics (operator/metrics.ts), from the status it wrote.
    const roll = { namespace: NS, name: 'demo' };
    const rollMetrics = async () => ({
      inProgress: await operator.metric('tributary_operator_roll_in_progress', roll),
      done: await operator.metric('tributary_operator_roll_pods', { ...roll, state: 'done' }),
      total: await operator.metric('tributary_operator_roll_pods', { ...roll, state: 'total' }),
      waiting: await operator.metric('tributary_operator_roll_waiting', { ...roll, reason: 'NoAnswer' }),
    });
    const rollDone = (n: number) =>
      waitFor(`the roll metrics at ${n}/3`, async () => {
        const m = await rollMetrics();
        return m.done === n ? m : undefined;
      });
    expect(await rollDone(0)).toEqual({ inProgress: 1, done: 0, total: 3, waiting: 1 });
    // A person may still delete pods by hand; the roll counts them as done.
    for (const i of [0, 1, 2]) {
      const name = `demo-${i}`;
      const old = await core.readNamespacedPod({ name, namespace: NS });
      await core.deleteNamespacedPod({ name, namespace: NS });
      await waitFor(`${name} recreated`, async () => {
        try {
          const pod = await core.readNamespacedPod({ name, namespace: NS });
          return pod.metadata?.uid !== old.metadata?.uid ? pod : undefined;
        } catch {
          return undefined;
        }
      });
      await markPodReady(name);
      await waitFor(`${i + 1}/3 updated`, async () =>
        (await getCluster()).status?.rollingUpdate?.done.length === i + 1 ? true : undefined,
      );
      expect((await rollDone(i + 1)).total).toBe(3);
    }
    // Every pod runs the new template; whether each broker is back in its ISRs nobody can say here.
    expect(rollCondition(await getCluster())).toMatchObject({ status: 'True', reason: 'NoAnswer' });
  }, 90_000);

  it("refuses a setting value the brokers' parser refuses, naming it, and writes nothing", async () => {
    const configBefore = (await mountedConfigMap()).data;
    const templateHash = async () =>
      (await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).spec?.template.metadata
        ?.annotations?.['tributary.dev/config-hash'];
    const hashBefore = await templateHash();
    await patchCluster('demo', { spec: { config: { replicaLagTimeMaxMs: 'soon' } } });
    const bad = await waitFor('InvalidConfig', async () => {
      const c = await getCluster();
      return readyCondition(c)?.reason === 'InvalidConfig' &&
        c.status?.observedGeneration === c.metadata.generation
        ? c
        : undefined;
    });
    expect(readyCondition(bad)?.status).toBe('False');
    expect(readyCondition(bad)?.message).toMatch(
      /^invalid broker setting: spec\.config: replicaLagTimeMaxMs must be an integer, got "soon"(;|$)/,
    );
    // Nothing any broker reads changed: the ConfigMap, and the pod template that names its hash.
    expect((await mountedConfigMap()).data).toEqual(configBefore);
    expect(await templateHash()).toBe(hashBefore);

    await patchCluster('demo', { spec: { config: { replicaLagTimeMaxMs: '20000' } } });
    // The same config as before the bad one: no new revision; the roll of the test before still waits.
    await waitFor('the good config back', async () =>
      readyCondition(await getCluster())?.reason === 'RollingUpdate' ? true : undefined,
    );
  }, 60_000);

  it('puts back an owned object deleted behind its back', async () => {
    const old = await core.readNamespacedService({ name: 'demo-bootstrap', namespace: NS });
    await core.deleteNamespacedService({ name: 'demo-bootstrap', namespace: NS });
    const back = await waitFor('the Service to come back', async () => {
      try {
        const s = await core.readNamespacedService({ name: 'demo-bootstrap', namespace: NS });
        return s.metadata?.uid !== old.metadata?.uid ? s : undefined;
      } catch {
        return undefined;
      }
    });
    expect(back.spec?.ports?.[0]?.port).toBe(9292);
  }, 30_000);

  it('scales up through the scale subresource, and keeps the brokers of a scale-down it cannot drain', async () => {
    await custom.patchNamespacedCustomObjectScale(
      {
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: CLUSTER_PLURAL,
        name: 'demo',
        body: { spec: { replicas: 4 } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor('4 replicas', async () =>
      (await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).spec?.replicas === 4
        ? true
        : undefined,
    );
    await patchCluster('demo', { spec: { brokers: 2 } });
    // No broker runs on this tier: their balance cannot be read, so none is drained and none goes.
    const held = await waitFor('ScalingDown', async () => {
      const c = await getCluster();
      return readyCondition(c)?.reason === 'ScalingDown' ? c : undefined;
    });
    expect(readyCondition(held)?.message).toContain(
      'spec.brokers is 2 but 4 brokers run; the scale-down waits for the brokers to answer',
    );
    expect(held.status?.conditions?.find((c) => c.type === 'Balanced')?.status).toBe('Unknown');
    expect((await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).spec?.replicas).toBe(4);
  }, 30_000);

  it('runs with a token that can do nothing beyond its ClusterRole', async () => {
    const restricted = new KubeConfig();
    restricted.loadFromFile(operatorKubeconfig);
    const asOperator = restricted.makeApiClient(CoreV1Api);
    // Secrets are in its role (the User controller writes credentials); nodes and namespaces are not.
    await expect(asOperator.listNode()).rejects.toMatchObject({ code: 403 });
    await expect(asOperator.deleteNamespace({ name: NS })).rejects.toMatchObject({ code: 403 });
    await expect(
      asOperator.createNamespacedPod({
        namespace: NS,
        body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 'x' }] } },
      }),
    ).rejects.toMatchObject({ code: 403 });
    await expect(
      restricted.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: CLUSTER_PLURAL,
        name: 'demo',
      }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it("keeps the brokers' identity until their pods are gone, then loses every owned object with the Cluster", async () => {
    const cluster = await getCluster();
    expect(cluster.metadata.finalizers).toEqual(['tributary.dev/cluster']);
    // A broker still shutting down: its pod stays (a finalizer of the test's) until released below.
    const hold = 'tributary.dev/test-still-stopping';
    await core.patchNamespacedPod(
      { name: 'demo-0', namespace: NS, body: { metadata: { finalizers: [hold] } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const deletedAtMs = Date.now();
    await resources.delete(CLUSTER_PLURAL, 'demo');
    const stopping = await waitFor(
      'the broker pod to be deleting',
      async () => {
        const pod = await core.readNamespacedPod({ name: 'demo-0', namespace: NS });
        return pod.metadata?.deletionTimestamp !== undefined ? pod : undefined;
      },
      30_000,
    );
    expect(stopping.metadata?.finalizers).toContain(hold);
    // While it stops: the Cluster waits on its finalizer, the StatefulSet on its pod (foreground), and the
    // brokers' ServiceAccount, Role and RoleBinding are all there.
    const waiting = await getCluster();
    expect(waiting.metadata.deletionTimestamp).toBeDefined();
    expect(waiting.metadata.finalizers).toEqual(['tributary.dev/cluster']);
    expect(
      (await apps.readNamespacedStatefulSet({ name: 'demo', namespace: NS })).metadata?.deletionTimestamp,
    ).toBeDefined();
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    await core.readNamespacedServiceAccount({ name: 'demo-broker', namespace: NS });
    await rbac.readNamespacedRole({ name: 'demo-broker', namespace: NS });
    await rbac.readNamespacedRoleBinding({ name: 'demo-broker', namespace: NS });

    await core.patchNamespacedPod(
      { name: 'demo-0', namespace: NS, body: { metadata: { finalizers: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await resources.gone(CLUSTER_PLURAL, 'demo', 30_000);
    await waitFor(
      "the brokers' ServiceAccount to be collected",
      async () =>
        (await core.listNamespacedServiceAccount({ namespace: NS })).items.some(
          (sa) => sa.metadata?.name === 'demo-broker',
        )
          ? undefined
          : true,
      70_000,
    );
    // The garbage collector learns of new CRDs at its discovery sync, every 30 s: until then it does not
    // watch Clusters. Two periods bound it.
    await waitFor(
      'the StatefulSet and Services to be collected',
      async () => {
        const sts = await apps.listNamespacedStatefulSet({ namespace: NS });
        const svc = await core.listNamespacedService({ namespace: NS });
        return sts.items.length === 0 && svc.items.length === 0 ? true : undefined;
      },
      70_000,
    );
    console.log(`owned objects collected ${Date.now() - deletedAtMs} ms after the Cluster was deleted`);
  }, 180_000);
});
