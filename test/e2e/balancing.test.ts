import {
  type AppsV1Api,
  type CoreV1Api,
  CustomObjectsApi,
  EventsV1Api,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, type BalanceDescription, type RebalancePlan, Tributary } from '../../client/index.js';
import { sleep } from '../../kit/sleep.js';
import { CLUSTER_PLURAL, type Cluster, GROUP, VERSION } from '../../operator/api/v1alpha1.js';
import { waitFor } from '../helpers/cluster.js';
import { readPartition } from '../helpers/fault-checker.js';
import {
  clusterReadyWithController,
  podBootstrap,
  startOperatedPodTier,
} from '../helpers/operated-pod-tier.js';
import {
  eventFor,
  type OperatorProcess,
  type Resources,
  readyOf,
  startOperator,
} from '../helpers/operator.js';
import type { PodTier } from '../helpers/pod-tier.js';
import { latenciesMs, percentile } from '../helpers/roll-figures.js';
import { type RollWorkload, startWorkloadOnNewTopic } from '../helpers/roll-workload.js';
import { checkWorkload as checkRecordsOf } from '../helpers/workload-check.js';

// Scaling a Cluster with the balancer built in (issue 15, on the Cluster) on the pod tier: one Cluster,
// reused by every case, holding 12 topics x 6 partitions (RF 3) of data, with an idempotent acks=all
// producer and a consumer group running through each case, and the fault suite's checker at its end
// (0 acknowledged records lost, duplicated or out of order; every record processed by the group; no error
// surfaced to the application).
//
// (a) 3 -> 5 through the scale subresource: replicas and leaders within one per broker, bytes moved within
//     1.2x of what the new brokers must receive; the producer's p99 during the moves at the 25 MiB/s throttle;
//     (b) 5 -> 3 with scaleDownPolicy.volumes Delete and the throttle lifted, the operator SIGKILLed
//     mid-drain: the StatefulSet shrinks and the pods go only once their brokers hold nothing, their claims
//     go with them; the producer's p99 during those moves, unthrottled, beside (a)'s;
//     (c) 3 -> 2 refused: an RF 3 topic would keep 2 brokers; (d) 3 -> 5 again, the operator SIGKILLed and
//     the controller broker killed with kill -9 mid-rebalance: the plan resumes and completes, replicas and
//     leaders within one per broker at the end.

const NS = 'balance';
const NAME = 'demo';
const DATA_TOPICS = 12;
const PARTITIONS = 6;
const RECORDS_PER_PARTITION = 64;
const VALUE_BYTES = 4096;
const WORK_PARTITIONS = 3;
const RATE_PER_SEC = 50;
const SCALE_TIMEOUT_MS = 420_000;
/** Acknowledgements before a case changes anything: its baseline (about 10 s at RATE_PER_SEC). */
const BASELINE_ACKS = 500;

const isRoot = process.getuid?.() === 0;
if (!isRoot) console.warn('balancing.test.ts: skipped: the node agent needs root for mount namespaces');

function spread(values: readonly number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

describe.skipIf(!isRoot)('scaling and balancing on the pod tier', () => {
  let tier: PodTier;
  let operator: OperatorProcess;
  let resources: Resources;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let client: Tributary;
  let admin: Admin;
  let operatorKubeconfig: string;
  let operatorArgs: string[];
  const figures: Record<string, unknown> = {};

  beforeAll(async () => {
    const operated = await startOperatedPodTier({ namespace: NS, identity: 'op-balance' });
    ({ tier, core, apps, resources, operator, operatorKubeconfig, operatorArgs } = operated);
  }, 240_000);

  afterAll(async () => {
    console.log(`balancing figures: ${JSON.stringify(figures, null, 2)}`);
    client?.close();
    await operator?.stop();
    await tier?.stop();
  }, 120_000);

  const cluster = async () => (await resources.get<Cluster>(CLUSTER_PLURAL, NAME))!;
  const condition = (c: Cluster, type: string) => c.status?.conditions?.find((x) => x.type === type);
  const stsReplicas = async () =>
    (await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME })).spec?.replicas ?? -1;

  /** What `kubectl scale tcluster demo --replicas=N` sends. */
  async function scale(brokers: number): Promise<void> {
    await tier.kc.makeApiClient(CustomObjectsApi).patchNamespacedCustomObjectScale(
      {
        group: GROUP,
        version: VERSION,
        namespace: NS,
        plural: CLUSTER_PLURAL,
        name: NAME,
        body: { spec: { replicas: brokers } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /** The workload of one case, on its own topic (the checker reads the topic from its start). */
  async function startWorkload(
    name: string,
    retries?: number,
  ): Promise<{ workload: RollWorkload; topic: string; fromMs: number }> {
    const topic = `work-${name}`;
    const workload = await startWorkloadOnNewTopic(client, {
      topic,
      partitions: WORK_PARTITIONS,
      groupId: `group-${name}`,
      ratePerSec: RATE_PER_SEC,
      inFlightMax: 32,
      ...(retries === undefined ? {} : { retries }),
    });
    await waitFor(
      `the ${name} workload acknowledged`,
      () => (workload.acked.length >= 50 ? true : undefined),
      60_000,
    );
    return { workload, topic, fromMs: Date.now() };
  }

  /** Stops the workload, waits for the group to process every record, and runs the checker. */
  async function checkWorkload(name: string, run: { workload: RollWorkload; topic: string; fromMs: number }) {
    const { workload, topic } = run;
    try {
      await workload.stopProducing();
      const { figures: found, violations } = await checkRecordsOf(client, workload, topic, WORK_PARTITIONS);
      figures[`${name}.records`] = {
        acked: workload.acked.length,
        ...found,
        errors: workload.errors.length,
        p99Ms: percentile(latenciesMs(workload.acked, run.fromMs, Date.now()), 99),
      };
      expect(workload.errors).toEqual([]);
      expect(violations).toEqual([]);
      expect(found).toMatchObject({ lost: 0, duplicated: 0, misplaced: 0, reordered: 0 });
    } finally {
      await workload.close();
    }
  }

  /**
   * The producer's p99 before the case changed anything (from `run.fromMs` to `changedMs`) and during the
   * moves of `plans` (first start to last finish), with the acknowledgements counted in each window.
   */
  function p99Figures(
    run: { workload: RollWorkload; fromMs: number },
    changedMs: number,
    plans: readonly RebalancePlan[],
  ) {
    const fromMs = Math.min(...plans.map((p) => p.startedAtMs));
    const toMs = Math.max(...plans.map((p) => p.finishedAtMs));
    const baseline = latenciesMs(run.workload.acked, run.fromMs, changedMs);
    const during = latenciesMs(run.workload.acked, fromMs, toMs);
    return {
      baselineP99Ms: percentile(baseline, 99),
      baselineAcked: baseline.length,
      duringP99Ms: percentile(during, 99),
      duringAcked: during.length,
      movesSeconds: (toMs - fromMs) / 1000,
    };
  }

  /**
   * The balance once no plan runs, `ids` hold replica counts (and leader counts, unless `leaders` is false)
   * within one, and Balanced is True.
   */
  function balancedOver(ids: number[], leaders = true): Promise<BalanceDescription> {
    return waitFor(
      `brokers ${ids.join(',')} balanced and the Cluster says so`,
      async () => {
        const d = await admin.describeBalance().catch(() => undefined);
        if (d === undefined || d.current !== null) return undefined;
        const on = d.brokers.filter((b) => ids.includes(b.brokerId) && b.live);
        if (on.length !== ids.length || spread(on.map((b) => b.replicas)) > 1) return undefined;
        if (leaders && spread(on.map((b) => b.leaders)) > 1) return undefined;
        const c = await cluster();
        return condition(c, 'Balanced')?.status === 'True' ? d : undefined;
      },
      SCALE_TIMEOUT_MS,
    );
  }

  /** Records every plan the brokers report while `work` runs (the last summary of each). */
  async function watchPlans<T>(
    work: () => Promise<T>,
  ): Promise<{ result: T; plans: Map<string, RebalancePlan> }> {
    const plans = new Map<string, RebalancePlan>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const d = await admin.describeBalance().catch(() => undefined);
        for (const p of [d?.current, d?.last]) if (p) plans.set(p.id, p);
        await sleep(500);
      }
    })();
    try {
      const result = await work();
      const d = await admin.describeBalance();
      if (d.last) plans.set(d.last.id, d.last);
      return { result, plans };
    } finally {
      watching = false;
      await watcher;
    }
  }

  it('creates a 3-broker Cluster holding 12 topics x 6 partitions', async () => {
    await resources.create('Cluster', NAME, {
      version: tier.versions.current,
      brokers: 3,
      balancing: { mode: 'onScale', movesPerBroker: 4, throttleBytesPerSecond: '25Mi' },
    });
    await clusterReadyWithController(resources, NAME, 300_000);
    client = new Tributary({ bootstrap: await podBootstrap(core, NS), requestTimeoutMs: 10_000 });
    admin = client.admin();
    // spec.balancing reached the brokers.
    await waitFor('spec.balancing applied', async () => {
      const config = await admin.describeBalancingConfig().catch(() => undefined);
      return config?.movesPerBroker === 4 ? config : undefined;
    });
    const producer = client.producer({ acks: 'all' });
    const value = 'x'.repeat(VALUE_BYTES);
    for (let t = 0; t < DATA_TOPICS; t++) {
      const topic = `data-${t}`;
      await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 3 });
      for (let p = 0; p < PARTITIONS; p++) {
        await producer.send({
          topic,
          messages: Array.from({ length: RECORDS_PER_PARTITION }, () => ({ value, partition: p })),
        });
      }
    }
    await producer.close();
    await waitFor('the Cluster Balanced with its data in its status', async () => {
      const x = await cluster();
      const brokers = x.status?.balancing?.brokers ?? [];
      const full = brokers.length === 3 && brokers.every((b) => b.replicas === DATA_TOPICS * PARTITIONS);
      return full && condition(x, 'Balanced')?.status === 'True' ? x : undefined;
    });
  }, 600_000);

  it('(a) 3 -> 5 by kubectl scale: the new brokers take their share, moving little more than they must receive', async () => {
    const run = await startWorkload('a');
    await waitFor('the baseline acknowledged', () =>
      run.workload.acked.length >= BASELINE_ACKS ? true : undefined,
    );
    const startedMs = Date.now();
    const { result: balanced, plans } = await watchPlans(async () => {
      await scale(5);
      await waitFor('5 brokers running', async () => ((await stsReplicas()) === 5 ? true : undefined));
      return balancedOver([0, 1, 2, 3, 4]);
    });
    figures['a.durationMs'] = Date.now() - startedMs;
    const moved = [...plans.values()].filter((p) => p.startedAtMs >= startedMs - 1000);
    expect(moved.length).toBeGreaterThan(0);
    for (const p of moved) expect(['completed', 'superseded']).toContain(p.status);
    const bytesMoved = moved.reduce((n, p) => n + p.bytesDone, 0);
    // What the new brokers must receive to hold their share: 2/5 of all replica bytes.
    const total = balanced.brokers.reduce((n, b) => n + b.sizeBytes, 0);
    const lowerBound = (total * 2) / 5;
    figures['a.plans'] = moved.map((p) => ({
      id: p.id,
      reason: p.reason,
      status: p.status,
      moves: p.movesDone,
      bytesDone: p.bytesDone,
      lowerBoundBytes: p.lowerBoundBytes,
      durationMs: p.finishedAtMs - p.startedAtMs,
    }));
    figures['a.bytes'] = { moved: bytesMoved, lowerBound, ratio: bytesMoved / lowerBound };
    // The producer during the moves, at the 25 MiB/s throttle (beside (b)'s, without one).
    const p99 = p99Figures(run, startedMs, moved);
    figures['a.producer'] = { throttle: '25Mi', ...p99 };
    expect(p99.baselineAcked).toBeGreaterThan(0);
    expect(p99.duringAcked).toBeGreaterThan(0);
    expect(bytesMoved).toBeLessThanOrEqual(1.2 * lowerBound);
    for (const id of [3, 4]) {
      const b = balanced.brokers.find((x) => x.brokerId === id)!;
      expect(b.replicas, `broker ${id}`).toBeGreaterThan(0);
      expect(b.leaders, `broker ${id}`).toBeGreaterThan(0);
    }
    const c = await cluster();
    expect(c.status?.balancing?.lastPlan?.status).toBe('completed');
    expect(readyOf(c)?.status).toBe('True');
    await eventFor(tier.kc, NS, 'Cluster', NAME, 'RebalanceStarted');
    await eventFor(tier.kc, NS, 'Cluster', NAME, 'RebalanceCompleted');
    await checkWorkload('a', run);

    // A rebalance asked by annotation, acted on once: the cluster is balanced, so nothing moves.
    await resources.patch(CLUSTER_PLURAL, NAME, {
      metadata: { annotations: { 'tributary.dev/rebalance': '1' } },
    });
    await waitFor('the request handled', async () =>
      (await cluster()).status?.balancing?.rebalanceRequest === '1' ? true : undefined,
    );
    const answered = await waitFor('the request answered by an Event', async () => {
      const events = await tier.kc.makeApiClient(EventsV1Api).listNamespacedEvent({ namespace: NS });
      return events.items.find((e) => e.reason === 'RebalanceNotNeeded' || e.reason === 'RebalanceRequested');
    });
    figures['a.request'] = answered.note;
    await balancedOver([0, 1, 2, 3, 4]);
  }, 900_000);

  it('(b) 5 -> 3: the going brokers are drained (across an operator restart), and only then do their pods and claims go', async () => {
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { scaleDownPolicy: { volumes: 'Delete' } } });
    await waitFor('the claims deleted on scale-down', async () => {
      const sts = await apps.readNamespacedStatefulSet({ namespace: NS, name: NAME });
      return sts.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete' ? true : undefined;
    });
    // The drain's moves unthrottled (the throttle at its maximum): their producer p99 beside (a)'s.
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { balancing: { throttleBytesPerSecond: '10Gi' } } });
    await waitFor('the throttle lifted', async () => {
      const config = await admin.describeBalancingConfig().catch(() => undefined);
      return config?.throttleBytesPerSec === 10 * 1024 ** 3 ? true : undefined;
    });
    const run = await startWorkload('b');
    await waitFor('the baseline acknowledged', () =>
      run.workload.acked.length >= BASELINE_ACKS ? true : undefined,
    );
    const startedMs = Date.now();
    const drainPlans = new Map<string, RebalancePlan>();
    // Each look reads the StatefulSet and the pods first, then the balance: a broker whose pod may go must
    // be empty in a balance read after it (a leaving broker never takes replicas back, and one removed
    // while holding replicas would still hold them in the metadata).
    const looks: Array<{ replicas: number; deleting: string[]; holding: Record<number, [number, number]> }> =
      [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const replicas = await stsReplicas().catch(() => -1);
        const pods = await core.listNamespacedPod({ namespace: NS }).catch(() => undefined);
        const d = await admin.describeBalance().catch(() => undefined);
        for (const p of [d?.current, d?.last])
          if (p && p.startedAtMs >= startedMs - 1000) drainPlans.set(p.id, p);
        if (pods !== undefined && d !== undefined) {
          const holding: Record<number, [number, number]> = {};
          for (const b of d.brokers) holding[b.brokerId] = [b.replicas, b.leaders];
          const deleting = pods.items
            .filter((p) => p.metadata?.deletionTimestamp !== undefined)
            .map((p) => p.metadata!.name!);
          looks.push({ replicas, deleting, holding });
        }
        await sleep(300);
      }
    })();
    try {
      await resources.patch(CLUSTER_PLURAL, NAME, { spec: { brokers: 3 } });
      const draining = await waitFor('the scale-down under way', async () => {
        const c = await cluster();
        return c.status?.scaleDown !== undefined ? c : undefined;
      });
      expect(draining.status?.scaleDown?.brokers).toEqual([3, 4]);
      // The operator SIGKILLed mid-drain: the next one resumes from status.scaleDown and the brokers' states.
      await operator.kill();
      operator = await startOperator({
        kubeconfig: operatorKubeconfig,
        identity: 'op-balance-b',
        args: operatorArgs,
        env: tier.hostEnv,
      });
      await waitFor(
        'the scale-down done: 3 pods, brokers 3 and 4 forgotten',
        async () => {
          const c = await cluster();
          if (c.status?.scaleDown !== undefined || condition(c, 'Balanced')?.status !== 'True')
            return undefined;
          const pods = (await core.listNamespacedPod({ namespace: NS })).items;
          if (pods.length !== 3) return undefined;
          const d = await admin.describeBalance();
          return d.brokers.every((b) => b.brokerId < 3 || b.state === 'active') ? c : undefined;
        },
        SCALE_TIMEOUT_MS,
      );
    } finally {
      watching = false;
      await watcher;
    }
    figures['b.durationMs'] = Date.now() - startedMs;
    expect(await stsReplicas()).toBe(3);
    const empty = (look: (typeof looks)[number], id: number) => {
      const [replicas, leaders] = look.holding[id] ?? [0, 0];
      return replicas === 0 && leaders === 0;
    };
    expect(looks.some((l) => l.replicas === 5 && !empty(l, 3))).toBe(true);
    for (const look of looks.filter((l) => l.replicas >= 0)) {
      for (let id = Math.max(0, look.replicas); id < 5; id++)
        expect(empty(look, id), `broker ${id} at ${JSON.stringify(look)}`).toBe(true);
      for (const pod of look.deleting) {
        const id = Number(pod.split('-').at(-1));
        expect(empty(look, id), `${pod} deleted while its broker held replicas`).toBe(true);
      }
    }
    figures['b.looks'] = looks.length;
    const last = (await admin.describeBalance()).last;
    if (last !== null) drainPlans.set(last.id, last);
    const drained = [...drainPlans.values()].filter(
      (p) => p.startedAtMs >= startedMs - 1000 && p.finishedAtMs > 0,
    );
    expect(drained.length).toBeGreaterThan(0);
    const p99 = p99Figures(run, startedMs, drained);
    figures['b.producer'] = { throttle: 'none (10Gi)', ...p99 };
    expect(p99.baselineAcked).toBeGreaterThan(0);
    expect(p99.duringAcked).toBeGreaterThan(0);
    await eventFor(tier.kc, NS, 'Cluster', NAME, 'ScaleDownCompleted');
    const d = await balancedOver([0, 1, 2]);
    expect(d.brokers.filter((b) => b.live).map((b) => b.brokerId)).toEqual([0, 1, 2]);
    // The removed brokers' claims went with their pods (persistentVolumeClaimRetentionPolicy.whenScaled).
    await waitFor('the claims of brokers 3 and 4 deleted', async () => {
      const names = (await core.listNamespacedPersistentVolumeClaim({ namespace: NS })).items.map(
        (p) => p.metadata?.name,
      );
      return names.includes('data-demo-3') || names.includes('data-demo-4') ? undefined : names;
    });
    await checkWorkload('b', run);
  }, 900_000);

  it('(c) refuses 3 -> 2 while an RF 3 topic needs 3 brokers; the StatefulSet keeps its size', async () => {
    const run = await startWorkload('c');
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { brokers: 2 } });
    const blocked = await waitFor('ScaleDownBlocked', async () => {
      const c = await cluster();
      return readyOf(c)?.reason === 'ScaleDownBlocked' ? c : undefined;
    });
    expect(readyOf(blocked)?.message).toMatch(/topic \S+ needs 3 brokers for its replicas/);
    expect(condition(blocked, 'Balanced')).toMatchObject({ status: 'False', reason: 'ScaleDownBlocked' });
    expect(blocked.status?.scaleDown?.phase).toBe('Blocked');
    await eventFor(tier.kc, NS, 'Cluster', NAME, 'ScaleDownBlocked');
    // Held: nothing is marked leaving, no pod goes.
    const untilMs = Date.now() + 8000;
    while (Date.now() < untilMs) {
      expect(await stsReplicas()).toBe(3);
      const d = await admin.describeBalance();
      expect(d.brokers.filter((b) => b.state !== 'active')).toEqual([]);
      await sleep(1000);
    }
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { brokers: 3 } });
    await waitFor('Ready again', async () => {
      const c = await cluster();
      return readyOf(c)?.status === 'True' && c.status?.scaleDown === undefined ? c : undefined;
    });
    await checkWorkload('c', run);
  }, 600_000);

  it('(d) 3 -> 5 again, the operator SIGKILLed and the controller broker killed mid-rebalance: it resumes and completes', async () => {
    // Slow moves, so that the kills land mid-plan.
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { balancing: { throttleBytesPerSecond: '512Ki' } } });
    await waitFor('the throttle applied', async () => {
      const config = await admin.describeBalancingConfig().catch(() => undefined);
      return config?.throttleBytesPerSec === 512 * 1024 ? true : undefined;
    });
    // A leader killed with kill -9 leaves its partitions without a leader until the controller sees it
    // gone: the producer retries through that, within its delivery timeout.
    const run = await startWorkload('d', 1000);
    const startedMs = Date.now();
    const { result, plans } = await watchPlans(async () => {
      const interrupted = await killMidPlan();
      // Leaders too: the killed controller's partitions failed over, and once the plan completes the
      // balancer elects their preferred leaders again (broker/balance/preferred-leaders.ts).
      return { interrupted, balanced: await balancedOver([0, 1, 2, 3, 4]) };
    });
    const { interrupted: mid, balanced: d } = result;
    figures['d.durationMs'] = Date.now() - startedMs;
    // The plan the kills interrupted was resumed by the next controller: finished, not failed or cancelled.
    const resumed = plans.get(mid.id) ?? (await admin.describeBalance()).last;
    figures['d.resumed'] = { id: resumed?.id, status: resumed?.status, moves: resumed?.movesDone };
    expect(resumed?.id).toBe(mid.id);
    expect(['completed', 'superseded']).toContain(resumed?.status);
    expect(d.last?.status).toBe('completed');
    for (const id of [3, 4])
      expect(d.brokers.find((b) => b.brokerId === id)?.replicas, `broker ${id}`).toBeGreaterThan(0);
    const c = await cluster();
    expect(c.status?.balancing?.lastPlan?.status).toBe('completed');
    expect(readyOf(c)?.status).toBe('True');
    await checkWorkload('d', run);
    // Every record of the data topics is still there after all the moves.
    for (let t = 0; t < DATA_TOPICS; t++) {
      for (let p = 0; p < PARTITIONS; p++) {
        expect((await readPartition(client, `data-${t}`, p)).length, `data-${t}/${p}`).toBe(
          RECORDS_PER_PARTITION,
        );
      }
    }
  }, 900_000);

  /** Scales to 5, and once a plan has moves done: SIGKILLs the operator, kill -9s the controller broker. */
  async function killMidPlan(): Promise<RebalancePlan> {
    await scale(5);
    const mid = await waitFor(
      'a plan under way with moves done',
      async () => {
        const d = await admin.describeBalance().catch(() => undefined);
        const p = d?.current;
        return p !== null && p !== undefined && p.movesDone >= 1 && p.movesDone < p.movesTotal - 4
          ? p
          : undefined;
      },
      SCALE_TIMEOUT_MS,
    );
    await operator.kill();
    const { controllerId } = await admin.describeCluster();
    const pid = tier.agent.worker(NS, `${NAME}-${controllerId}`)?.pidOf('broker');
    expect(pid, `the broker process of ${NAME}-${controllerId}`).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    figures['d.killed'] = {
      plan: mid.id,
      movesDone: mid.movesDone,
      movesTotal: mid.movesTotal,
      controllerId,
    };
    operator = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: 'op-balance-2',
      args: operatorArgs,
      env: tier.hostEnv,
    });
    // Faster again, so the rest does not take minutes; the new operator applies it.
    await resources.patch(CLUSTER_PLURAL, NAME, { spec: { balancing: { throttleBytesPerSecond: '25Mi' } } });
    return mid;
  }
});
