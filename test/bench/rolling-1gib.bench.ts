import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { CLUSTER_PLURAL, type Cluster } from '../../operator/api/v1alpha1.js';
import { waitFor } from '../helpers/cluster.js';
import { checkRecords, readPartition, Violations } from '../helpers/fault-checker.js';
import {
  clusterReadyWithController,
  podBootstrap,
  startOperatedPodTier,
} from '../helpers/operated-pod-tier.js';
import { type OperatorProcess, type Resources, readyOf } from '../helpers/operator.js';
import type { PodTier } from '../helpers/pod-tier.js';
import { latenciesMs, longestStallMs, percentile } from '../helpers/roll-figures.js';
import { startRollWorkload } from '../helpers/roll-workload.js';

// The benchmark of issue 14's targets (docs/benchmarks.md, "Rolling updates under load"): a 3-broker Cluster
// on the pod tier whose brokers each hold about BENCH_BYTES_PER_BROKER (default 1 GiB) of an RF 3 topic,
// then an idempotent acks=all producer and a consumer group on a second, fresh RF 3 / min ISR 2 topic: a
// baseline window, a roll by a config change, the figures as JSON. The measured records live in their own
// topic so the checker (and the group) read them back without reading the filled gigabyte.

const NS = 'bench';
const NAME = 'demo';
const FILL_TOPIC = 'bulk';
const FILL_PARTITIONS = 6;
const TOPIC = 'events';
const PARTITIONS = 3;
const PODS = ['demo-0', 'demo-1', 'demo-2'];
const GiB = 1024 ** 3;
const BYTES_PER_BROKER = Number(process.env['BENCH_BYTES_PER_BROKER'] ?? GiB);
const FILL_RECORD_BYTES = 64 * 1024;
const FILL_IN_FLIGHT_MAX = 256;
const RATE_PER_SEC = 100;
const IN_FLIGHT_MAX = 64;
const BASELINE_MS = 15_000;
const ROLL_TIMEOUT_MS = 900_000;

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('rolling-1gib.bench.ts: skipped: the node agent needs root for mount namespaces');

describe.skipIf(!isRoot)('rolling 3 brokers holding about 1 GiB each', () => {
  let tier: PodTier;
  let operator: OperatorProcess;
  let resources: Resources;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let client: Tributary;

  beforeAll(async () => {
    expect(BYTES_PER_BROKER).toBeGreaterThan(0);
    ({ tier, core, apps, resources, operator } = await startOperatedPodTier({
      namespace: NS,
      identity: 'op-bench',
    }));
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await operator?.stop();
    await tier?.stop();
  }, 300_000);

  const cluster = () => resources.get<Cluster>(CLUSTER_PLURAL, NAME);

  /** Bytes in each broker's volume directory (the PersistentVolume's local path), by claim name. */
  async function volumeBytes(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const pv of (await core.listPersistentVolume()).items) {
      const path = pv.spec?.local?.path;
      const claim = pv.spec?.claimRef?.name;
      if (path === undefined || claim === undefined) continue;
      out[claim] = Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
    }
    return out;
  }

  it('rolls a config change within the targets', async () => {
    await resources.create('Cluster', NAME, {
      version: tier.versions.current,
      brokers: 3,
      config: { replicaLagTimeMaxMs: '30000' },
    });
    await clusterReadyWithController(resources, NAME, 300_000);
    client = new Tributary({ bootstrap: await podBootstrap(core, NS), requestTimeoutMs: 10_000 });
    const admin = client.admin();
    await admin.createTopic({
      name: FILL_TOPIC,
      partitions: FILL_PARTITIONS,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2', 'retention.ms': '-1' },
    });
    await admin.createTopic({
      name: TOPIC,
      partitions: PARTITIONS,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });

    // The fill: RF 3 puts every record on every broker, so BYTES_PER_BROKER of values fills each.
    const fillFrom = Date.now();
    const filler = client.producer({
      acks: 'leader',
      batchBytes: 1024 * 1024,
      maxRequestBytes: 4 * 1024 * 1024,
      lingerMs: 20,
      bufferBytes: 64 * 1024 * 1024,
    });
    const value = Buffer.alloc(FILL_RECORD_BYTES, 'x');
    const fillRecords = Math.ceil(BYTES_PER_BROKER / FILL_RECORD_BYTES);
    const pending = new Set<Promise<unknown>>();
    let fillErrors = 0;
    for (let i = 0; i < fillRecords; i++) {
      while (pending.size >= FILL_IN_FLIGHT_MAX) await Promise.race(pending);
      const p = filler.produce({ topic: FILL_TOPIC, partition: i % FILL_PARTITIONS, value }).then(
        () => undefined,
        () => {
          fillErrors++;
        },
      );
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await Promise.all(pending);
    filler.disconnect();
    const fillMs = Date.now() - fillFrom;
    expect(fillErrors).toBe(0);
    // Followers catch up before the measurement. An ISR admits a follower up to replicaLagTimeMaxMs behind,
    // so caught-up is read off the disks: every broker's volume holds the filled bytes.
    const fillBytes = fillRecords * FILL_RECORD_BYTES;
    const bytesBefore = await waitFor(
      'every broker holding the filled bytes',
      async () => {
        const bytes = await volumeBytes();
        const all = Object.values(bytes);
        return all.length === 3 && all.every((b) => b >= fillBytes) ? bytes : undefined;
      },
      900_000,
    );
    const fillCaughtUpMs = Date.now() - fillFrom;

    const workload = startRollWorkload(client, {
      topic: TOPIC,
      partitions: PARTITIONS,
      groupId: 'bench-group',
      ratePerSec: RATE_PER_SEC,
      inFlightMax: IN_FLIGHT_MAX,
    });
    const { acked, errors, processed } = workload;

    try {
      // The baseline starts once the producer runs steadily (its first acknowledgement).
      await waitFor('a first acknowledgement', () => (acked.length > 0 ? true : undefined), 60_000);
      const baselineFrom = Date.now();
      await new Promise((r) => setTimeout(r, BASELINE_MS));
      const baselineTo = Date.now();

      const loadAtRoll = loadavg();
      const seen = new Map<string, Set<string>>();
      const uids = async () => {
        for (const p of (await core.listNamespacedPod({ namespace: NS })).items) {
          const set = seen.get(p.metadata!.name!) ?? new Set<string>();
          set.add(p.metadata!.uid!);
          seen.set(p.metadata!.name!, set);
        }
      };
      await uids();
      const sinceIso = new Date(Date.now() - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const rollFrom = Date.now();
      await resources.patch(CLUSTER_PLURAL, NAME, { spec: { config: { replicaLagTimeMaxMs: '20000' } } });
      const done = await waitFor(
        'the roll completed',
        async () => {
          await uids();
          const c = await cluster();
          const roll = c?.status?.rollingUpdate;
          if (roll?.completedAt === undefined || roll.startedAt < sinceIso) return undefined;
          const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME });
          if (sts.status?.updateRevision !== roll.targetRevision) return undefined;
          return readyOf(c)?.status === 'True' ? c : undefined;
        },
        ROLL_TIMEOUT_MS,
      );
      const rollTo = Date.now();

      await workload.stopProducing();
      // Waited for, but reported rather than thrown at once: the figures print either way.
      await waitFor(
        'every acknowledged record processed by the group',
        () => (acked.every((a) => processed.has(a.id)) ? true : undefined),
        120_000,
      ).catch(() => undefined);
      const unprocessed = acked.filter((a) => !processed.has(a.id)).length;
      const logs = new Map<number, Awaited<ReturnType<typeof readPartition>>>();
      for (let p = 0; p < PARTITIONS; p++) logs.set(p, await readPartition(client, TOPIC, p));
      const v = new Violations();
      const figures = checkRecords(acked, logs, v);

      const report = {
        bytesPerBrokerTarget: BYTES_PER_BROKER,
        bytesPerBroker: bytesBefore,
        fill: {
          ackedMs: fillMs,
          mbPerSec: Math.round(fillBytes / 1e6 / (fillMs / 1000)),
          replicatedMs: fillCaughtUpMs,
        },
        loadAverageAtRoll: loadAtRoll.map((l) => Math.round(l * 100) / 100),
        acked: acked.length,
        processedByGroup: processed.size,
        unprocessedByGroup: unprocessed,
        ...figures,
        produceErrors: errors.length,
        baseline: {
          p99Ms: percentile(latenciesMs(acked, baselineFrom, baselineTo), 99),
          longestStallMs: longestStallMs(acked, baselineFrom, baselineTo),
        },
        roll: {
          durationMs: rollTo - rollFrom,
          p99Ms: percentile(latenciesMs(acked, rollFrom, rollTo), 99),
          longestStallMs: longestStallMs(acked, rollFrom, rollTo),
          podsRestarted: [...seen].filter(([, s]) => s.size === 2).map(([name]) => name),
        },
      };
      console.log(`rolling-1gib figures: ${JSON.stringify(report, null, 2)}`);
      expect(done.status?.rollingUpdate?.done).toEqual(PODS);
      expect(errors).toEqual([]);
      expect(unprocessed).toBe(0);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, misplaced: 0, reordered: 0 });
    } finally {
      await workload.close();
    }
  }, 3_600_000);
});
