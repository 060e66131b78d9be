import { statfsSync } from 'node:fs';
import {
  type AppsV1Api,
  type CoreV1Api,
  type Informer,
  makeInformer,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { CLUSTER_PLURAL, type Cluster } from '../../operator/api/v1alpha1.js';
import { DATA_DIR } from '../../operator/planning/broker-statefulset.js';
import { parseQuantity } from '../../operator/planning/quantity.js';
import { waitFor } from '../helpers/cluster.js';
import { clusterReadyWithController, startOperatedPodTier } from '../helpers/operated-pod-tier.js';
import { type OperatorProcess, type Resources, readyOf } from '../helpers/operator.js';
import type { PodTier } from '../helpers/pod-tier.js';
import { drainAndCheck, startRollWorkload } from '../helpers/roll-workload.js';

// Volume growth (issue 15) on the pod tier. A 3-broker Cluster on a class whose volumes are real tmpfs of the
// claim's size (the test provisioner's `sized` volumes: the brokers see the size, and an expansion grows it
// online), an RF 3 / min ISR 2 topic and an idempotent acks=all producer with a consumer group running
// throughout: spec.storage.size raised, every claim expanded, the StatefulSet replaced for its claim template
// with its pods orphaned and adopted; no broker restarted, the fault suite's checker finds nothing lost or
// duplicated. Then the usual workaround done by hand (the StatefulSet deleted with --cascade=orphan right
// after a size change): re-created from the spec, never from the terminating copy. And a class without
// volume expansion: the refusal reported, and undone by setting the size back; a shrink refused likewise.

const NS = 'vol';
const GROW = 'grow';
const FIXED = 'fixed';
const SIZED_CLASS = 'tributary-sized';
const FIXED_CLASS = 'tributary-fixed';
const PODS = ['grow-0', 'grow-1', 'grow-2'];
const PARTITIONS = 3;
const RATE_PER_SEC = 100;
const IN_FLIGHT_MAX = 64;
const RESIZE_TIMEOUT_MS = 300_000;
const MiB = 2 ** 20;

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('volume-growth.test.ts: skipped: the node agent needs root for mount namespaces');

/** What a broker pod is: its uid, its broker container's restart count and process id. */
interface BrokerIdentity {
  uid: string;
  restarts: number;
  pid: number | undefined;
}

describe.skipIf(!isRoot)('volume growth on the pod tier', () => {
  let tier: PodTier;
  let operator: OperatorProcess;
  let resources: Resources;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let client: Tributary | undefined;
  /** Every StatefulSet the API server announced being added, in order: uid and claim template size. */
  const created: Array<{ name: string; uid: string; size: string | undefined }> = [];
  let statefulSets: Informer<V1StatefulSet> | undefined;

  beforeAll(async () => {
    ({ tier, core, apps, resources, operator } = await startOperatedPodTier({
      namespace: NS,
      identity: 'op-vol',
    }));
    await tier.provisioner.addClass({ name: SIZED_CLASS, allowVolumeExpansion: true, sized: true });
    await tier.provisioner.addClass({ name: FIXED_CLASS, allowVolumeExpansion: false, sized: true });
    statefulSets = makeInformer<V1StatefulSet>(tier.kc, `/apis/apps/v1/namespaces/${NS}/statefulsets`, () =>
      apps.listNamespacedStatefulSet({ namespace: NS }),
    );
    statefulSets.on('add', (sts) => {
      if (created.some((s) => s.uid === sts.metadata!.uid)) return; // a re-list announces it again
      created.push({
        name: sts.metadata!.name!,
        uid: sts.metadata!.uid!,
        size: sts.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage'],
      });
    });
    await statefulSets.start();
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await statefulSets?.stop();
    await operator?.stop();
    await tier?.stop();
  }, 120_000);

  const cluster = (name: string) => resources.get<Cluster>(CLUSTER_PLURAL, name);
  const condition = (c: Cluster | undefined, type: string) =>
    c?.status?.conditions?.find((x) => x.type === type);

  async function identities(names: readonly string[]): Promise<Map<string, BrokerIdentity>> {
    const out = new Map<string, BrokerIdentity>();
    for (const name of names) {
      const pod = await core.readNamespacedPod({ namespace: NS, name });
      out.set(name, {
        uid: pod.metadata!.uid!,
        restarts: pod.status?.containerStatuses?.[0]?.restartCount ?? -1,
        pid: tier.agent.worker(NS, name)?.pidOf('broker'),
      });
    }
    return out;
  }

  /** The size of the broker's data directory as the broker process sees it (statfs in its mount namespace). */
  function brokerSeesBytes(pid: number): number {
    const s = statfsSync(`/proc/${pid}/root${DATA_DIR}`);
    return s.blocks * s.bsize;
  }

  async function statefulSetSize(name: string): Promise<{ uid: string; size: string | undefined }> {
    const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name });
    return {
      uid: sts.metadata!.uid!,
      size: sts.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.['storage'],
    };
  }

  /** Waits until status.storage shows every volume and the claim template at `size`, StorageResize Completed. */
  function resized(name: string, size: string, pods: readonly string[], seen: Map<string, Set<string>>) {
    return waitFor(
      `${name}: every volume and the claim template at ${size}`,
      async () => {
        for (const p of (await core.listNamespacedPod({ namespace: NS })).items) {
          const set = seen.get(p.metadata!.name!) ?? new Set<string>();
          set.add(p.metadata!.uid!);
          seen.set(p.metadata!.name!, set);
        }
        const c = await cluster(name);
        const storage = c?.status?.storage;
        if (storage?.size !== size || storage.claimTemplateSize !== size) return undefined;
        if (storage.volumes.length !== pods.length || storage.volumes.some((v) => v.state !== 'Expanded'))
          return undefined;
        return condition(c, 'StorageResize')?.reason === 'Completed' && readyOf(c)?.status === 'True'
          ? c
          : undefined;
      },
      RESIZE_TIMEOUT_MS,
    );
  }

  /** Runs `body` under the workload on a topic of its own, then checks every record. */
  async function underLoad(topic: string, body: () => Promise<void>): Promise<void> {
    client ??= new Tributary({ bootstrap: `${GROW}-bootstrap.${NS}.svc:9292`, requestTimeoutMs: 10_000 });
    await client.admin().createTopic({
      name: topic,
      partitions: PARTITIONS,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    const workload = startRollWorkload(client, {
      topic,
      partitions: PARTITIONS,
      groupId: `${topic}-group`,
      ratePerSec: RATE_PER_SEC,
      inFlightMax: IN_FLIGHT_MAX,
    });
    const { acked, errors } = workload;
    try {
      await waitFor(
        'a baseline of acknowledged records',
        () => (acked.length >= 300 ? true : undefined),
        120_000,
      );
      await body();
      const after = acked.length;
      await waitFor(
        'records acknowledged after the change',
        () => (acked.length >= after + 300 ? true : undefined),
        120_000,
      );
      const { figures, violations } = await drainAndCheck(client, workload, {
        topic,
        partitions: PARTITIONS,
      });
      console.log(
        `volume-growth ${topic}: ${JSON.stringify({ acked: acked.length, ...figures, errors: errors.length })}`,
      );
      expect(violations).toEqual([]);
      expect(errors).toEqual([]);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, misplaced: 0, reordered: 0 });
    } finally {
      await workload.close();
    }
  }

  it('reports a class without volume expansion, undone by setting the size back; refuses a shrink', async () => {
    await resources.create('Cluster', FIXED, {
      version: tier.versions.current,
      brokers: 1,
      storage: { size: '64Mi', storageClassName: FIXED_CLASS },
    });
    await clusterReadyWithController(resources, FIXED, 300_000);
    const before = await identities([`${FIXED}-0`]);
    const sts = await statefulSetSize(FIXED);
    expect(sts.size).toBe('64Mi');

    await resources.patch(CLUSTER_PLURAL, FIXED, { spec: { storage: { size: '128Mi' } } });
    const refused = await waitFor(
      'the expansion refused',
      async () => {
        const c = await cluster(FIXED);
        return readyOf(c)?.reason === 'StorageExpansionNotAllowed' ? c : undefined;
      },
      RESIZE_TIMEOUT_MS,
    );
    expect(readyOf(refused)?.message).toContain('set it back to 64Mi to undo');
    expect(readyOf(refused)?.message).toContain('storageclass');
    expect(condition(refused, 'StorageResize')).toMatchObject({ status: 'True', reason: 'NotAllowed' });
    expect(refused.status?.storage?.volumes).toEqual([
      expect.objectContaining({ claim: `data-${FIXED}-0`, requested: '64Mi', state: 'NotAllowed' }),
    ]);
    // Nothing was changed: the claim, the StatefulSet (same object, same template).
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name: `data-${FIXED}-0` });
    expect(claim.spec?.resources?.requests?.['storage']).toBe('64Mi');
    expect(await statefulSetSize(FIXED)).toEqual(sts);

    await resources.patch(CLUSTER_PLURAL, FIXED, { spec: { storage: { size: '64Mi' } } });
    const undone = await waitFor(
      'the refusal cleared',
      async () => {
        const c = await cluster(FIXED);
        return readyOf(c)?.status === 'True' && condition(c, 'StorageResize')?.reason === 'Completed'
          ? c
          : undefined;
      },
      RESIZE_TIMEOUT_MS,
    );
    expect(undone.status?.storage?.volumes.map((v) => v.state)).toEqual(['Expanded']);

    // A shrink is refused and never applied; setting the size back clears it too.
    await resources.patch(CLUSTER_PLURAL, FIXED, { spec: { storage: { size: '32Mi' } } });
    const shrink = await waitFor(
      'the shrink refused',
      async () => {
        const c = await cluster(FIXED);
        return readyOf(c)?.reason === 'StorageShrinkNotSupported' ? c : undefined;
      },
      RESIZE_TIMEOUT_MS,
    );
    expect(readyOf(shrink)?.message).toContain('set it back to 64Mi or more');
    expect(await statefulSetSize(FIXED)).toEqual(sts);
    await resources.patch(CLUSTER_PLURAL, FIXED, { spec: { storage: { size: '64Mi' } } });
    await clusterReadyWithController(resources, FIXED, RESIZE_TIMEOUT_MS);
    expect(await statefulSetSize(FIXED)).toEqual(sts);
    expect(await identities([`${FIXED}-0`])).toEqual(before);

    // Its broker goes, so the next tests share the machine with three brokers only.
    await resources.delete(CLUSTER_PLURAL, FIXED);
    await resources.gone(CLUSTER_PLURAL, FIXED, 180_000);
  }, 900_000);

  it('grows every broker volume under load: claims expanded, the StatefulSet replaced, no broker restarted', async () => {
    await resources.create('Cluster', GROW, {
      version: tier.versions.current,
      brokers: 3,
      storage: { size: '128Mi', storageClassName: SIZED_CLASS },
    });
    await clusterReadyWithController(resources, GROW, 300_000);
    const before = await identities(PODS);
    for (const { pid } of before.values()) expect(brokerSeesBytes(pid!)).toBe(128 * MiB);
    const oldSts = await statefulSetSize(GROW);
    expect(oldSts.size).toBe('128Mi');
    const seen = new Map<string, Set<string>>();

    await underLoad('growth', async () => {
      await resources.patch(CLUSTER_PLURAL, GROW, { spec: { storage: { size: '256Mi' } } });
      await resized(GROW, '256Mi', PODS, seen);
    });

    // No broker restarted: same pods (uids), same containers (restart counts), same processes.
    for (const name of PODS)
      expect(seen.get(name), `uids of ${name}`).toEqual(new Set([before.get(name)!.uid]));
    expect(await identities(PODS)).toEqual(before);
    // Each claim and its volume have the new size, and each broker sees it at its data directory.
    for (const name of PODS) {
      const claim = await core.readNamespacedPersistentVolumeClaim({ namespace: NS, name: `data-${name}` });
      expect(claim.status?.capacity?.['storage']).toBe('256Mi');
      const pv = await core.readPersistentVolume({ name: claim.spec!.volumeName! });
      expect(pv.spec?.capacity?.['storage']).toBe('256Mi');
      expect(brokerSeesBytes(before.get(name)!.pid!)).toBe(parseQuantity('256Mi'));
    }
    // The StatefulSet is a new object with the new template, and it owns the pods again (adopted).
    const newSts = await statefulSetSize(GROW);
    expect(newSts.size).toBe('256Mi');
    expect(newSts.uid).not.toBe(oldSts.uid);
    for (const pod of (await core.listNamespacedPod({ namespace: NS })).items) {
      expect(pod.metadata?.ownerReferences?.find((r) => r.controller)?.uid).toBe(newSts.uid);
    }
    expect(created.filter((s) => s.name === GROW).map((s) => s.size)).toEqual(['128Mi', '256Mi']);
  }, 1_200_000);

  it('re-creates a StatefulSet deleted with --cascade=orphan from the spec, never from its terminating copy', async () => {
    const before = await identities(PODS);
    const { uid } = await statefulSetSize(GROW);
    const since = created.length;
    const seen = new Map<string, Set<string>>();

    await underLoad('workaround', async () => {
      // The usual workaround: the size raised, and the StatefulSet deleted with its pods orphaned.
      await resources.patch(CLUSTER_PLURAL, GROW, { spec: { storage: { size: '384Mi' } } });
      await apps.deleteNamespacedStatefulSet({
        namespace: NS,
        name: GROW,
        body: { propagationPolicy: 'Orphan' },
      });
      await waitFor('the StatefulSet re-created', async () =>
        (await statefulSetSize(GROW).catch(() => undefined))?.uid !== uid ? true : undefined,
      );
      await resized(GROW, '384Mi', PODS, seen);
    });

    // Every StatefulSet made since has the spec's size: none came back from the old one's cached copy.
    const since384 = created.slice(since).filter((s) => s.name === GROW);
    expect(since384.length).toBeGreaterThanOrEqual(1);
    expect(since384.map((s) => s.size)).toEqual(since384.map(() => '384Mi'));
    expect((await statefulSetSize(GROW)).size).toBe('384Mi');
    for (const name of PODS)
      expect(seen.get(name), `uids of ${name}`).toEqual(new Set([before.get(name)!.uid]));
    expect(await identities(PODS)).toEqual(before);
    for (const name of PODS) expect(brokerSeesBytes(before.get(name)!.pid!)).toBe(384 * MiB);
  }, 1_200_000);
});
