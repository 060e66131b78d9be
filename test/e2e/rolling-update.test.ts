import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppsV1Api, type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { CLUSTER_PLURAL, type Cluster } from '../../operator/api/v1alpha1.js';
import { waitFor } from '../helpers/cluster.js';
import { type LocalImage, treeImage } from '../helpers/node-agent/local-image.js';
import {
  clusterReadyWithController,
  podBootstrap,
  startOperatedPodTier,
} from '../helpers/operated-pod-tier.js';
import { type OperatorProcess, type Resources, readyOf, startOperator } from '../helpers/operator.js';
import type { PodTier } from '../helpers/pod-tier.js';
import { latenciesMs, longestStallMs, percentile } from '../helpers/roll-figures.js';
import { drainAndCheck, startRollWorkload } from '../helpers/roll-workload.js';

// Rolling updates the operator drives (issue 14, part 2) on the pod tier: a 3-broker Cluster with an RF 3 /
// min ISR 2 topic (and an RF 1 topic, which can never be safe and must not block the roll), an idempotent
// acks=all producer and a consumer group running throughout. Rolled three times: a config change, an upgrade
// to the next build, a restart by annotation. The fault suite's checker holds the logs to the
// acknowledgements; the produce stall and p99 during the rolls are printed beside those before.
// Then, on the same cluster: an operator SIGKILLed mid-roll, a version that crash-loops, a broker killed with
// kill -9, a roll held while a rolled broker is SIGSTOPped (a partition under-replicated), and `kubectl
// rollout restart` of the StatefulSet.

const NS = 'roll';
const NAME = 'demo';
const TOPIC = 'events';
const PARTITIONS = 3;
const PODS = ['demo-0', 'demo-1', 'demo-2'];
const RATE_PER_SEC = 100;
const IN_FLIGHT_MAX = 64;
const ROLL_TIMEOUT_MS = 600_000;
/** A version whose broker exits at once: its image's entry point is replaced (see crashingImage). */
const BROKEN_VERSION = '9.9.9';

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('rolling-update.test.ts: skipped: the node agent needs root for mount namespaces');

/** This tree's broker image, but its CLI exits with 3 at once: a version that crash-loops. */
function crashingImage(workDir: string): LocalImage {
  const base = treeImage(`tributary/broker:${BROKEN_VERSION}`, { version: BROKEN_VERSION, workDir });
  const entry = join(workDir, 'crash.js');
  writeFileSync(entry, "console.error('this build crashes at start'); process.exit(3);\n");
  return {
    ...base,
    digest: `sha256:${'c'.repeat(64)}`,
    layers: [...base.layers, { target: '/app/bin/tributary.js', source: entry }],
  };
}

describe.skipIf(!isRoot)('rolling updates on the pod tier', () => {
  let tier: PodTier;
  let operator: OperatorProcess;
  let resources: Resources;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let client: Tributary;
  let imagesDir: string;
  /** The operator's kubeconfig (its ServiceAccount with the chart's rules), made once. */
  let operatorKubeconfig: string;
  let operatorArgs: string[];

  beforeAll(async () => {
    imagesDir = mkdtempSync(join(tmpdir(), 'tributary-roll-images-'));
    const operated = await startOperatedPodTier({
      namespace: NS,
      identity: 'op-roll',
      images: [crashingImage(imagesDir)],
    });
    ({ tier, core, apps, resources, operator, operatorKubeconfig, operatorArgs } = operated);
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await operator?.stop();
    await tier?.stop();
    if (imagesDir !== undefined) rmSync(imagesDir, { recursive: true, force: true });
  }, 120_000);

  const cluster = () => resources.get<Cluster>(CLUSTER_PLURAL, NAME);
  const uidsOf = async () => {
    const pods = await core.listNamespacedPod({ namespace: NS });
    return new Map(pods.items.map((p) => [p.metadata!.name!, p.metadata!.uid!]));
  };

  /** Waits for a roll started after `sinceIso` to complete; records every pod uid seen meanwhile. */
  async function rolled(sinceIso: string, seen: Map<string, Set<string>>): Promise<Cluster> {
    return waitFor(
      'the roll completed',
      async () => {
        for (const [name, uid] of await uidsOf()) {
          const set = seen.get(name) ?? new Set<string>();
          set.add(uid);
          seen.set(name, set);
        }
        const c = await cluster();
        const roll = c?.status?.rollingUpdate;
        if (roll?.completedAt === undefined || roll.startedAt < sinceIso) return undefined;
        const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME });
        if (sts.status?.updateRevision !== roll.targetRevision) return undefined;
        return readyOf(c)?.status === 'True' ? c : undefined;
      },
      ROLL_TIMEOUT_MS,
    );
  }

  it('rolls a config change, an upgrade and a restart without losing, duplicating or failing a record', async () => {
    await resources.create('Cluster', NAME, {
      version: tier.versions.current,
      brokers: 3,
      config: { replicaLagTimeMaxMs: '30000' },
    });
    const ready = await clusterReadyWithController(resources, NAME, 300_000);
    client = new Tributary({ bootstrap: await podBootstrap(core, NS), requestTimeoutMs: 10_000 });
    const admin = client.admin();
    await admin.createTopic({
      name: TOPIC,
      partitions: PARTITIONS,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    await admin.createTopic({ name: 'single', partitions: 3, replicationFactor: 1 });
    const neverSafe = await admin.checkBrokerRestart(0);
    expect(neverSafe.neverSafe.map((p) => p.topic)).toContain('single');
    expect(neverSafe.safe).toBe(true);

    // The workload: one idempotent acks=all producer, paced; a consumer group processing everything.
    const workload = startRollWorkload(client, {
      topic: TOPIC,
      partitions: PARTITIONS,
      groupId: 'roll-group',
      ratePerSec: RATE_PER_SEC,
      inFlightMax: IN_FLIGHT_MAX,
    });
    const { acked, errors } = workload;

    try {
      const baselineFrom = Date.now();
      await waitFor(
        'a baseline of acknowledged records',
        () => (acked.length >= 1000 ? true : undefined),
        120_000,
      );
      const baselineTo = Date.now();

      const rolls: Array<{ what: string; fromMs: number; toMs: number; pods: Map<string, Set<string>> }> = [];
      const roll = async (what: string, change: () => Promise<unknown>) => {
        const seen = new Map<string, Set<string>>();
        for (const [name, uid] of await uidsOf()) seen.set(name, new Set([uid]));
        const sinceIso = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
        const fromMs = Date.now();
        await change();
        const done = await rolled(sinceIso, seen);
        rolls.push({ what, fromMs, toMs: Date.now(), pods: seen });
        expect(done.status?.rollingUpdate?.done).toEqual(PODS);
        // Each pod restarted exactly once: its old uid and one new one.
        for (const name of PODS) expect(seen.get(name)?.size, `${what}: uids of ${name}`).toBe(2);
      };

      await roll('config', () =>
        resources.patch(CLUSTER_PLURAL, NAME, { spec: { config: { replicaLagTimeMaxMs: '20000' } } }),
      );
      // The config is part of the revision: every pod mounts the ConfigMap named after the new config.
      const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME });
      const mounted = sts.spec?.template.spec?.volumes?.find((v) => v.name === 'config')?.configMap?.name;
      expect(mounted).toMatch(/^demo-config-[0-9a-f]{16}$/);
      for (const p of (await core.listNamespacedPod({ namespace: NS })).items) {
        expect(p.spec?.volumes?.find((v) => v.name === 'config')?.configMap?.name).toBe(mounted);
      }

      await roll('upgrade', () =>
        resources.patch(CLUSTER_PLURAL, NAME, { spec: { version: tier.versions.next } }),
      );
      for (const p of (await core.listNamespacedPod({ namespace: NS })).items) {
        expect(p.status?.containerStatuses?.[0]?.image).toBe(tier.images.next);
      }
      await roll('restart', () =>
        resources.patch(CLUSTER_PLURAL, NAME, {
          metadata: { annotations: { 'tributary.dev/restart': '1' } },
        }),
      );

      const { figures } = await drainAndCheck(client, workload, { topic: TOPIC, partitions: PARTITIONS });

      const latency = (from: number, to: number) => latenciesMs(acked, from, to);
      const report = {
        acked: acked.length,
        ...figures,
        produceErrors: errors.length,
        baseline: {
          p99Ms: percentile(latency(baselineFrom, baselineTo), 99),
          longestStallMs: longestStallMs(acked, baselineFrom, baselineTo),
        },
        rolls: rolls.map((r) => ({
          what: r.what,
          durationMs: r.toMs - r.fromMs,
          p99Ms: percentile(latency(r.fromMs, r.toMs), 99),
          longestStallMs: longestStallMs(acked, r.fromMs, r.toMs),
        })),
      };
      console.log(`rolling-update figures: ${JSON.stringify(report, null, 2)}`);
      expect(errors).toEqual([]);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, misplaced: 0, reordered: 0 });
      expect(ready.status?.readyBrokers).toBe(3);
    } finally {
      await workload.close();
    }
  }, 2_400_000);

  it('resumes a roll after the operator is SIGKILLed mid-roll, restarting no pod twice', async () => {
    const seen = new Map<string, Set<string>>();
    for (const [name, uid] of await uidsOf()) seen.set(name, new Set([uid]));
    const sinceIso = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    await resources.patch(CLUSTER_PLURAL, NAME, {
      metadata: { annotations: { 'tributary.dev/restart': '2' } },
    });
    const mid = await waitFor(
      'the first pod of the roll deleted',
      async () => {
        const c = await cluster();
        const roll = c?.status?.rollingUpdate;
        return roll !== undefined && roll.startedAt >= sinceIso && roll.inProgress !== undefined
          ? c
          : undefined;
      },
      ROLL_TIMEOUT_MS,
    );
    await operator.kill();
    operator = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: 'op-roll-2',
      args: operatorArgs,
      env: tier.hostEnv,
    });
    const done = await rolled(sinceIso, seen);
    expect(done.status?.rollingUpdate?.startedAt).toBe(mid.status?.rollingUpdate?.startedAt);
    for (const name of PODS) expect(seen.get(name)?.size, `uids of ${name}`).toBe(2);
  }, 900_000);

  it('stops at a version that crash-loops, and recovers when the version is set back', async () => {
    const before = await uidsOf();
    const previous = (await cluster())!.spec.version;
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { version: BROKEN_VERSION } });
    const stuck = await waitFor(
      'the roll stopped at the crash-looping pod',
      async () => {
        const c = await cluster();
        const condition = c?.status?.conditions?.find((x) => x.type === 'RollingUpdate');
        return condition?.reason === 'PodNotReady' && c?.status?.rollingUpdate?.done.length === 1
          ? c
          : undefined;
      },
      ROLL_TIMEOUT_MS,
    );
    const broken = stuck.status!.rollingUpdate!.done[0]!;
    expect(readyOf(stuck)).toMatchObject({ status: 'False', reason: 'RollingUpdate' });
    expect(stuck.status?.conditions?.find((x) => x.type === 'RollingUpdate')?.message).toContain(
      `waiting for ${broken} to be ready`,
    );
    // The roll goes no further: the other brokers keep their pods.
    const after = await uidsOf();
    for (const name of PODS.filter((n) => n !== broken)) expect(after.get(name)).toBe(before.get(name));

    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { version: previous } });
    await waitFor(
      'the Cluster Ready on the previous version',
      async () => {
        const c = await cluster();
        if (readyOf(c)?.status !== 'True' || c?.status?.rollingUpdate?.completedAt === undefined)
          return undefined;
        const pods = (await core.listNamespacedPod({ namespace: NS })).items;
        return pods.every((p) => p.status?.containerStatuses?.[0]?.image === tier.images.next)
          ? c
          : undefined;
      },
      ROLL_TIMEOUT_MS,
    );
    const healed = await uidsOf();
    for (const name of PODS.filter((n) => n !== broken)) expect(healed.get(name)).toBe(before.get(name));
  }, 900_000);

  it('heals a broker killed with kill -9: the agent restarts it, it rejoins every ISR', async () => {
    const pid = tier.agent.worker(NS, 'demo-1')?.pidOf('broker');
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    await waitFor(
      'demo-1 restarted in place',
      async () => {
        const p = await core.readNamespacedPod({ namespace: NS, name: 'demo-1' });
        const cs = p.status?.containerStatuses?.[0];
        return cs !== undefined && cs.restartCount >= 1 && cs.ready ? p : undefined;
      },
      300_000,
    );
    await waitFor(
      'broker 1 back in every ISR and the Cluster Ready',
      async () => {
        const check = await client
          .admin()
          .checkBrokerRestart(1)
          .catch(() => undefined);
        const c = await cluster();
        return check?.caughtUp === true && readyOf(c)?.status === 'True' ? true : undefined;
      },
      300_000,
    );
  }, 900_000);

  it('waits while a partition is under-replicated (a rolled broker held stopped) and goes on when it heals', async () => {
    const before = await uidsOf();
    const seen = new Map<string, Set<string>>();
    for (const [name, uid] of before) seen.set(name, new Set([uid]));
    const sinceIso = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { config: { replicaLagTimeMaxMs: '25000' } } });
    // The first pod the roll re-creates: its broker is stopped as soon as it runs, before it can rejoin.
    const first = await waitFor(
      'the first pod of the roll re-created and its broker running',
      async () => {
        for (const p of (await core.listNamespacedPod({ namespace: NS })).items) {
          const name = p.metadata!.name!;
          if (before.get(name) === p.metadata!.uid || p.metadata?.deletionTimestamp !== undefined) continue;
          const pid = tier.agent.worker(NS, name)?.pidOf('broker');
          if (pid !== undefined) return { name, uid: p.metadata!.uid!, pid, pod: p };
        }
        return undefined;
      },
      ROLL_TIMEOUT_MS,
    );
    // The container's process group: what the agent signals too.
    process.kill(-first.pid, 'SIGSTOP');
    try {
      const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME });
      expect(first.pod.metadata?.labels?.['controller-revision-hash']).toBe(sts.status?.updateRevision);
      const ordinal = Number(first.name.split('-').at(-1));
      const other = [0, 1, 2].find((b) => b !== ordinal)!;
      await waitFor(
        `the roll waiting for ${first.name}, and ${TOPIC} under-replicated without broker ${ordinal}`,
        async () => {
          const c = await cluster();
          const waiting = c?.status?.rollingUpdate?.waiting;
          const condition = c?.status?.conditions?.find((x) => x.type === 'RollingUpdate');
          if (waiting === undefined || condition?.status !== 'True' || condition.reason !== waiting.reason)
            return undefined;
          // Broker `other` may not go now: a partition of the topic would drop below min ISR 2.
          const check = await client
            .admin()
            .checkBrokerRestart(other)
            .catch(() => undefined);
          return check?.safe === false && check.unsafe.some((p) => p.topic === TOPIC) ? c : undefined;
        },
        120_000,
      );
      // Held for a while: the roll deletes no other pod and keeps saying why it waits.
      const holdUntilMs = Date.now() + 12_000;
      while (Date.now() < holdUntilMs) {
        const uids = await uidsOf();
        for (const name of PODS.filter((n) => n !== first.name)) {
          expect(uids.get(name), `${name} kept while ${first.name} is stopped`).toBe(before.get(name));
        }
        expect(uids.get(first.name)).toBe(first.uid);
        const c = await cluster();
        expect(c?.status?.rollingUpdate?.completedAt).toBeUndefined();
        // Its pod not ready, or its broker not yet back in every ISR (no answer while it is stopped).
        expect(['PodNotReady', 'NoAnswer', 'NotCaughtUp']).toContain(
          c?.status?.rollingUpdate?.waiting?.reason,
        );
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      process.kill(-first.pid, 'SIGCONT');
    }
    seen.get(first.name)!.add(first.uid);
    const done = await rolled(sinceIso, seen);
    expect(done.status?.rollingUpdate?.done).toEqual(PODS);
    for (const name of PODS) expect(seen.get(name)?.size, `uids of ${name}`).toBe(2);
  }, 900_000);

  it('honours kubectl rollout restart of the StatefulSet: the annotation stays and every pod is rolled', async () => {
    const seen = new Map<string, Set<string>>();
    for (const [name, uid] of await uidsOf()) seen.set(name, new Set([uid]));
    const sinceIso = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const previous = (await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME })).status
      ?.updateRevision;
    const restartedAt = new Date().toISOString();
    // What `kubectl rollout restart statefulset/demo` sends.
    await apps.patchNamespacedStatefulSet(
      {
        namespace: NS,
        name: NAME,
        fieldManager: 'kubectl-rollout',
        body: {
          spec: {
            template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const done = await rolled(sinceIso, seen);
    expect(done.status?.rollingUpdate?.done).toEqual(PODS);
    for (const name of PODS) expect(seen.get(name)?.size, `uids of ${name}`).toBe(2);
    const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME });
    expect(sts.spec?.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
    expect(sts.status?.updateRevision).not.toBe(previous);
    for (const p of (await core.listNamespacedPod({ namespace: NS })).items) {
      expect(p.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe(restartedAt);
      expect(p.metadata?.labels?.['controller-revision-hash']).toBe(sts.status?.updateRevision);
    }
  }, 900_000);
});
