import type { V1ConfigMap, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../api/v1alpha1.js';
import { type ClusterPlan, planCluster } from './cluster-plan.js';
import { clusterStatus } from './cluster-status.js';

function cluster(spec: Partial<Cluster['spec']> = {}, status?: Cluster['status']): Cluster {
  return {
    apiVersion: 'tributary.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name: 'demo', namespace: 'ns1', uid: 'uid-1', generation: 4 },
    spec: {
      brokers: 3,
      version: '0.1.0',
      storage: { size: '10Gi' },
      listeners: { client: { port: 9292 }, metrics: { port: 9644 } },
      rack: { topologyKey: 'topology.kubernetes.io/zone' },
      balancing: { mode: 'onScale' },
      scaleDownPolicy: { volumes: 'Keep' },
      ...spec,
    },
    ...(status === undefined ? {} : { status }),
  };
}

function objectOf<T>(plan: ClusterPlan, step: string): T {
  const found = plan.objects.find((o) => o.step === step);
  if (found === undefined) throw new Error(`no ${step} in the plan`);
  return found.object as T;
}

describe('planCluster', () => {
  it('plans every owned object in order, each labelled and owned by the Cluster', () => {
    const plan = planCluster(cluster(), undefined);
    expect(plan.objects.map((o) => [o.step, o.object.kind, o.object.metadata?.name])).toEqual([
      ['ServiceAccount', 'ServiceAccount', 'demo-broker'],
      ['Role', 'Role', 'demo-broker'],
      ['RoleBinding', 'RoleBinding', 'demo-broker'],
      ['ConfigMap', 'ConfigMap', `demo-config-${plan.configMap?.slice('demo-config-'.length)}`],
      ['HeadlessService', 'Service', 'demo-brokers'],
      ['BootstrapService', 'Service', 'demo-bootstrap'],
      ['StatefulSet', 'StatefulSet', 'demo'],
      ['PodDisruptionBudget', 'PodDisruptionBudget', 'demo'],
    ]);
    for (const { object } of plan.objects) {
      expect(object.metadata?.namespace).toBe('ns1');
      expect(object.metadata?.labels).toEqual({
        'app.kubernetes.io/name': 'tributary',
        'app.kubernetes.io/instance': 'demo',
        'app.kubernetes.io/component': 'broker',
        'app.kubernetes.io/managed-by': 'tributary-operator',
        'app.kubernetes.io/part-of': 'tributary',
      });
      expect(object.metadata?.ownerReferences).toEqual([
        {
          apiVersion: 'tributary.dev/v1alpha1',
          kind: 'Cluster',
          name: 'demo',
          uid: 'uid-1',
          controller: true,
        },
      ]);
    }
    expect(plan.bootstrap).toBe('demo-bootstrap.ns1.svc:9292');
    expect(plan.selector).toBe(
      'app.kubernetes.io/component=broker,app.kubernetes.io/instance=demo,app.kubernetes.io/name=tributary',
    );
    expect(plan.problems).toEqual([]);
  });

  it('builds the broker StatefulSet of the contract', () => {
    const sts = objectOf<V1StatefulSet>(
      planCluster(
        cluster({
          resources: { requests: { cpu: 1, memory: '2Gi' } },
          storage: { size: '20Gi', storageClassName: 'fast' },
          rack: { topologyKey: 'example.com/rack' },
        }),
        undefined,
      ),
      'StatefulSet',
    );
    const spec = sts.spec!;
    expect(spec.replicas).toBe(3);
    expect(spec.serviceName).toBe('demo-brokers');
    expect(spec.updateStrategy).toEqual({ type: 'OnDelete' });
    expect(spec.podManagementPolicy).toBe('Parallel');
    expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({
      whenScaled: 'Retain',
      whenDeleted: 'Retain',
    });
    expect(spec.volumeClaimTemplates![0]!.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'fast',
    });
    const pod = spec.template.spec!;
    const broker = pod.containers[0]!;
    expect(broker.image).toBe('tributary/broker:0.1.0');
    expect(broker.command).toEqual([
      'node',
      '/app/bin/tributary.js',
      'broker',
      'start',
      '--config',
      '/etc/tributary/broker.yaml',
    ]);
    expect(broker.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' } });
    const env = Object.fromEntries(
      broker.env!.map((e) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]),
    );
    expect(env).toMatchObject({
      TRIBUTARY_NODE_ID: "metadata.labels['apps.kubernetes.io/pod-index']",
      TRIBUTARY_ADVERTISED_HOST: '$(POD_NAME).demo-brokers.$(POD_NAMESPACE).svc',
      TRIBUTARY_HOST: '0.0.0.0',
      TRIBUTARY_DCS: 'kubernetes',
      TRIBUTARY_DCS_PREFIX: 'demo',
      TRIBUTARY_DCS_KUBE_NAMESPACE: 'metadata.namespace',
      TRIBUTARY_DATA_DIR: '/var/lib/tributary',
    });
    // $(POD_NAME) expands only to variables defined earlier in the list.
    const names = broker.env!.map((e) => e.name);
    expect(names.indexOf('POD_NAME')).toBeLessThan(names.indexOf('TRIBUTARY_ADVERTISED_HOST'));
    expect(broker.readinessProbe?.grpc).toEqual({ port: 9292 });
    expect(broker.livenessProbe?.grpc).toEqual({ port: 9292 });
    expect(broker.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 10001,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext).toMatchObject({ runAsUser: 10001, fsGroup: 10001, runAsNonRoot: true });
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } });
    expect(broker.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.topologySpreadConstraints!.map((c) => [c.topologyKey, c.whenUnsatisfiable])).toEqual([
      ['kubernetes.io/hostname', 'DoNotSchedule'],
      ['example.com/rack', 'ScheduleAnyway'],
    ]);
    expect(spec.template.metadata!.annotations!['tributary.dev/config-hash']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes the config hash exactly when the rendered config changes', () => {
    const hash = (config: Record<string, string>) =>
      objectOf<V1StatefulSet>(planCluster(cluster({ config }), undefined), 'StatefulSet').spec!.template
        .metadata!.annotations!['tributary.dev/config-hash'];
    expect(hash({ logLevel: 'debug', replicaLagTimeMaxMs: '1000' })).toBe(
      hash({ replicaLagTimeMaxMs: '1000', logLevel: 'debug' }),
    );
    expect(hash({ logLevel: 'debug' })).not.toBe(hash({ logLevel: 'info' }));
    const cm = objectOf<V1ConfigMap>(
      planCluster(cluster({ config: { logLevel: 'debug' } }), undefined),
      'ConfigMap',
    );
    expect(cm.data!['broker.yaml']).toContain('logLevel: debug');
  });

  it('merges podTemplate over the generated pod, and never lets it change the selector labels', () => {
    const sts = objectOf<V1StatefulSet>(
      planCluster(
        cluster({
          image: 'registry.local/tributary:dev',
          imagePullPolicy: 'Never',
          podTemplate: {
            metadata: {
              labels: { team: 'data', 'app.kubernetes.io/instance': 'other' },
              annotations: { 'tributary.dev/config-hash': 'forged', note: 'x' },
            },
            spec: {
              nodeSelector: { pool: 'brokers' },
              containers: [{ name: 'broker', env: [{ name: 'EXTRA', value: '1' }] }],
            },
          },
        }),
        undefined,
      ),
      'StatefulSet',
    );
    const template = sts.spec!.template;
    expect(template.metadata!.labels).toMatchObject({ team: 'data', 'app.kubernetes.io/instance': 'demo' });
    expect(template.metadata!.annotations!['note']).toBe('x');
    expect(template.metadata!.annotations!['tributary.dev/config-hash']).not.toBe('forged');
    expect(template.spec!.nodeSelector).toEqual({ pool: 'brokers' });
    const broker = template.spec!.containers[0]!;
    expect(broker.image).toBe('registry.local/tributary:dev');
    expect(broker.imagePullPolicy).toBe('Never');
    expect(broker.env!.at(-1)).toEqual({ name: 'EXTRA', value: '1' });
    expect(broker.env!.some((e) => e.name === 'TRIBUTARY_DCS')).toBe(true);
  });

  it('holds back the ConfigMap and StatefulSet when spec.config names an unknown setting', () => {
    const plan = planCluster(cluster({ config: { replicaLagTimeMaxMS: '1' } }), undefined);
    expect(plan.objects.map((o) => o.step)).not.toContain('ConfigMap');
    expect(plan.objects.map((o) => o.step)).not.toContain('StatefulSet');
    expect(plan.problems).toEqual([
      { reason: 'InvalidConfig', message: 'unknown broker setting replicaLagTimeMaxMS in spec.config' },
    ]);
  });

  it('keeps the running broker count on a scale-down until the drain allows less, and the existing claim template until it is replaced', () => {
    const plan = planCluster(cluster({ brokers: 2, storage: { size: '20Gi' } }), {
      replicas: 3,
      volume: { size: '10Gi' },
    });
    const sts = objectOf<V1StatefulSet>(plan, 'StatefulSet');
    expect(sts.spec!.replicas).toBe(3);
    // The template is immutable: applied as it is, and the StatefulSet replaced to carry 20Gi.
    expect(sts.spec!.volumeClaimTemplates![0]!.spec!.resources!.requests).toEqual({ storage: '10Gi' });
    expect(plan.volumes.replace).toEqual({ kind: 'now' });
    expect(plan.problems).toEqual([]);
    // The scale plan's answer, kept between spec.brokers and the running count.
    const replicasWith = (allowed: number) =>
      objectOf<V1StatefulSet>(
        planCluster(cluster({ brokers: 2 }), { replicas: 5 }, undefined, allowed),
        'StatefulSet',
      ).spec!.replicas;
    expect([replicasWith(4), replicasWith(2), replicasWith(1), replicasWith(9)]).toEqual([4, 2, 2, 5]);
    // The API server's canonical form of the same size is no resize.
    expect(
      planCluster(cluster({ storage: { size: '0.5Gi' } }), { replicas: 3, volume: { size: '512Mi' } })
        .problems,
    ).toEqual([]);
    const deleting = planCluster(cluster({ scaleDownPolicy: { volumes: 'Delete' } }), undefined);
    expect(
      objectOf<V1StatefulSet>(deleting, 'StatefulSet').spec!.persistentVolumeClaimRetentionPolicy,
    ).toEqual({
      whenScaled: 'Delete',
      whenDeleted: 'Retain',
    });
    const up = planCluster(cluster({ brokers: 5 }), { replicas: 3, volume: { size: '10Gi' } });
    expect(objectOf<V1StatefulSet>(up, 'StatefulSet').spec!.replicas).toBe(5);
    expect(up.problems).toEqual([]);
  });
});

describe('clusterStatus', () => {
  const now = '2026-01-01T00:00:00Z';

  it('is Ready only with every broker ready and a controller', () => {
    const c = cluster();
    const plan = planCluster(c, undefined);
    const ready = (observed: Parameters<typeof clusterStatus>[2]) => clusterStatus(c, plan, observed, now);
    expect(ready({}).conditions![0]).toMatchObject({
      status: 'False',
      reason: 'BrokersNotReady',
      message: '0/3 brokers ready',
    });
    expect(
      ready({ statefulSet: { replicas: 3, readyReplicas: 3, updatedReplicas: 3 } }).conditions![0]!.reason,
    ).toBe('NoController');
    const ok = ready({ statefulSet: { replicas: 3, readyReplicas: 3, updatedReplicas: 3 }, controllerId: 2 });
    expect(ok).toEqual({
      observedGeneration: 4,
      brokers: 3,
      readyBrokers: 3,
      controller: 2,
      bootstrap: 'demo-bootstrap.ns1.svc:9292',
      selector: plan.selector,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          observedGeneration: 4,
          lastTransitionTime: now,
          reason: 'BrokersReady',
          message: '3/3 brokers ready; broker 2 is the controller',
        },
      ],
    });
    const failed = ready({
      statefulSet: { replicas: 3, readyReplicas: 3, updatedReplicas: 3 },
      controllerId: 2,
      failure: { step: 'Role', message: '403' },
    });
    expect(failed.conditions![0]).toMatchObject({
      status: 'False',
      reason: 'ApplyFailed',
      message: 'step Role failed: 403',
    });
  });

  it('reports every reason that applies: the first as the reason, all of them in the message', () => {
    const c = cluster({ storage: { size: '5Gi' } });
    const plan = planCluster(c, { replicas: 3, volume: { size: '10Gi' } });
    const ready = clusterStatus(
      c,
      plan,
      { statefulSet: { replicas: 3, readyReplicas: 2, updatedReplicas: 1 }, controllerId: 0 },
      now,
    ).conditions![0]!;
    expect(ready).toMatchObject({ status: 'False', reason: 'StorageShrinkNotSupported' });
    expect(ready.message).toMatch(
      /^spec\.storage\.size is 5Gi .*; also BrokersNotReady: 2\/3 brokers ready; also UpdatePending: 1\/3 brokers run the current pod template/,
    );
  });

  it('is not Ready while broker pods run an older template and the roll has not started', () => {
    const c = cluster();
    const plan = planCluster(c, undefined);
    const ready = (sts: NonNullable<Parameters<typeof clusterStatus>[2]['statefulSet']>) =>
      clusterStatus(c, plan, { statefulSet: sts, controllerId: 2 }, now).conditions![0]!;
    const pending = ready({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 1,
      generation: 5,
      observedGeneration: 5,
    });
    expect(pending).toMatchObject({ status: 'False', reason: 'UpdatePending' });
    expect(pending.message).toMatch(/^1\/3 brokers run the current pod template; the roll starts/);
    // The API omits updatedReplicas when it is 0.
    expect(ready({ replicas: 3, readyReplicas: 3 }).reason).toBe('UpdatePending');
    // A template change the StatefulSet controller has not seen yet: its counts are of the old template.
    const unseen = ready({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      generation: 6,
      observedGeneration: 5,
    });
    expect(unseen.reason).toBe('UpdatePending');
    expect(unseen.message).toMatch(/^the StatefulSet controller has not yet counted/);
    expect(
      ready({ replicas: 3, readyReplicas: 3, updatedReplicas: 3, generation: 6, observedGeneration: 6 })
        .reason,
    ).toBe('BrokersReady');
    // Brokers not ready is reported first.
    expect(ready({ replicas: 3, readyReplicas: 2, updatedReplicas: 0 }).reason).toBe('BrokersNotReady');
  });

  it('reports InvalidConfig with the setting name before the brokers state', () => {
    const c = cluster({ config: { bogus: 'x' } });
    const status = clusterStatus(
      c,
      planCluster(c, undefined),
      { statefulSet: { replicas: 3, readyReplicas: 3 } },
      now,
    );
    expect(status.conditions![0]).toMatchObject({ status: 'False', reason: 'InvalidConfig' });
    expect(status.conditions![0]!.message).toContain('bogus');
  });
});
