import type { KubernetesObject, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../api/v1alpha1.js';
import { CLUSTER_FINALIZER } from '../../planning/labels.js';
import { BalancerSync } from './balancer-sync.js';
import type { BrokerRoller } from './broker-roller.js';
import { ClusterReconciler, type ClusterReconcilerDeps } from './cluster-reconciler.js';
import { VolumeResizer } from './volume-resizer.js';

// The reconcile's steps against in-memory caches and a recording roller: what the roll step is handed.

const log = pino({ level: 'silent' });

const cluster = {
  apiVersion: 'tributary.dev/v1alpha1',
  kind: 'Cluster',
  metadata: { name: 'demo', namespace: 'ns', uid: 'c1', generation: 1, finalizers: [CLUSTER_FINALIZER] },
  spec: { brokers: 1, version: '0.1.0' },
} as Cluster;

const statefulSet: V1StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'demo', namespace: 'ns', uid: 's1', generation: 2 },
  spec: { replicas: 1, selector: {}, serviceName: 'demo', template: {} },
  status: { replicas: 1, observedGeneration: 2, updateRevision: 'demo-new' },
};

function pod(uid: string, revision: string, terminating: boolean): V1Pod {
  return {
    metadata: {
      name: 'demo-0',
      namespace: 'ns',
      uid,
      labels: { 'app.kubernetes.io/instance': 'demo', 'controller-revision-hash': revision },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'demo', uid: 's1', controller: true },
      ],
      ...(terminating ? { deletionTimestamp: new Date() } : {}),
    },
  };
}

/** The deps a reconcile of `cluster` uses, the pods cache being `pods()` whenever it is read. */
function deps(
  pods: () => V1Pod[],
  onApply: (o: KubernetesObject) => void,
  rolled: V1Pod[][],
): ClusterReconcilerDeps {
  const cache = <T>(items: () => T[], one?: T) => ({ get: () => one, list: () => items() });
  const roller = {
    roll: async (_c: Cluster, inputs: { pods: readonly V1Pod[] }) => {
      rolled.push([...inputs.pods]);
      return { status: undefined, action: { kind: 'none' } };
    },
  } as unknown as BrokerRoller;
  return {
    clusters: cache(() => [cluster], cluster),
    statefulSets: cache(() => [statefulSet], statefulSet),
    pods: cache(pods),
    claims: cache(() => []),
    configMaps: cache(() => []),
    roller,
    volumes: new VolumeResizer({
      writer: {
        expandClaim: () => Promise.reject(new Error('not expected')),
        orphanStatefulSet: () => Promise.reject(new Error('not expected')),
      },
      log,
    }),
    balancer: new BalancerSync({ events: { record: () => undefined }, log }),
    rollRequeueMs: 1000,
    applier: {
      apply: async (o: KubernetesObject) => {
        onApply(o);
        return o.kind === 'StatefulSet' ? statefulSet : o;
      },
    },
    finalizers: { ensure: async (o: Cluster) => ({ object: o }) },
    // Unchanged: no write, so no event nor metric.
    statuses: { write: async () => false },
    brokers: { admin: () => ({ describeCluster: () => Promise.reject(new Error('no brokers')) }) },
    addresses: { override: () => undefined },
    events: {},
    statusRefreshMs: 60_000,
    metrics: {},
    log,
  } as unknown as ClusterReconcilerDeps;
}

describe('ClusterReconciler', () => {
  it('rolls over the pods as cached when the roll step runs, not as they were before the applies', async () => {
    // The pod the roll deleted is terminating when the reconcile starts, and re-created (on the new
    // revision) while the objects are applied: the roll must judge the re-created one.
    let pods = [pod('p1', 'demo-old', true)];
    const rolled: V1Pod[][] = [];
    const reconciler = new ClusterReconciler(
      deps(
        () => pods,
        (o) => {
          if (o.kind === 'StatefulSet') pods = [pod('p2', 'demo-new', false)];
        },
        rolled,
      ),
    );
    await reconciler.reconcile('ns/demo');
    expect(rolled.map((ps) => ps.map((p) => p.metadata?.uid))).toEqual([['p2']]);
  });
});
