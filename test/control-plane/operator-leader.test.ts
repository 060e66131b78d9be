import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLUSTER_PLURAL, type Cluster } from '../../operator/api/v1alpha1.js';
import { waitFor } from '../helpers/cluster.js';
import { type KubeControlPlane, startKubeControlPlane } from '../helpers/kube-apiserver.js';
import {
  adminConfig,
  installCrds,
  type OperatorProcess,
  operatorIdentity,
  Resources,
  startOperator,
} from '../helpers/operator.js';

// Two operator replicas elect one leader through the Lease default/tributary-operator (6 s lease, 4 s renew
// deadline, 300 ms retry here): only the leader reconciles, the standby keeps warm caches and a filled
// queue, and takes over within the lease time when the leader is killed, at once when it stops gracefully.

const NS = 'default';
const LEASE_MS = 6000; // the test helper's --lease-duration-seconds
const RETRY_MS = 300;

describe('operator: leader election', () => {
  let plane: KubeControlPlane;
  let kc: KubeConfig;
  let resources: Resources;
  let kubeconfig: string;
  const running: OperatorProcess[] = [];
  /** The replica leading after each test. */
  let leading: OperatorProcess;
  let standing: OperatorProcess;

  const holder = async () =>
    (
      await kc
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'tributary-operator', namespace: NS })
    ).spec;
  const reconciles = (op: OperatorProcess) => op.metric('tributary_operator_reconcile_total');
  const createCluster = (name: string) => resources.create('Cluster', name, { version: '0.1.0' });
  const reconciled = (name: string) =>
    waitFor(`Cluster ${name} reconciled`, async () => {
      const c = await resources.get<Cluster>(CLUSTER_PLURAL, name);
      return c !== undefined && c.status?.observedGeneration === c.metadata.generation ? c : undefined;
    });
  /** The one replica among `ops` whose leader gauge is 1, once exactly one is and the Lease names it. */
  const leaderAmong = (ops: OperatorProcess[], timeoutMs = 10_000) =>
    waitFor(
      'one leader',
      async () => {
        const gauges = await Promise.all(ops.map((op) => op.metric('tributary_operator_leader')));
        const leaders = ops.filter((_, i) => gauges[i] === 1);
        if (leaders.length !== 1) return undefined;
        return (await holder())?.holderIdentity === leaders[0]!.identity ? leaders[0] : undefined;
      },
      timeoutMs,
    );
  const start = async (identity: string) => {
    const op = await startOperator({ kubeconfig, identity });
    running.push(op);
    return op;
  };

  beforeAll(async () => {
    plane = await startKubeControlPlane();
    kc = adminConfig(plane);
    resources = new Resources(kc, NS);
    await installCrds(kc);
    kubeconfig = await operatorIdentity(plane);
  }, 240_000);

  afterAll(async () => {
    for (const op of running) {
      await op.stop();
      expect(op.output()).not.toMatch(/forbidden|"403/i);
    }
    await plane?.stop();
  }, 60_000);

  it('elects one leader; only it reconciles, and the standby queues what it sees', async () => {
    const a = await start('op-a');
    const b = await start('op-b');
    const leader = await leaderAmong([a, b]);
    const standby = leader === a ? b : a;
    leading = leader;
    standing = standby;
    await createCluster('one');
    await reconciled('one');
    expect(await reconciles(leader)).toBeGreaterThan(0);
    expect(await reconciles(standby)).toBe(0);
    expect(
      await standby.metric('tributary_operator_workqueue_depth', { controller: 'cluster' }),
    ).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('hands over within the lease time when the leader is killed, not before', async () => {
    const leader = leading;
    const standby = standing;
    const transitions = (await holder())?.leaseTransitions ?? 0;
    const killedAtMs = Date.now();
    await leader.kill();
    await waitFor(
      'the standby to lead',
      async () => ((await standby.metric('tributary_operator_leader')) === 1 ? true : undefined),
      LEASE_MS * 4,
    );
    const handoverMs = Date.now() - killedAtMs;
    console.log(`leader killed: the standby led ${handoverMs} ms later (lease ${LEASE_MS} ms)`);
    // Not before the lease could have run out (minus one retry of skew in when each saw it renewed) ...
    expect(handoverMs).toBeGreaterThanOrEqual(LEASE_MS - 2 * RETRY_MS);
    // ... and within the lease time plus a retry period and the time to notice.
    expect(handoverMs).toBeLessThan(LEASE_MS + 2 * RETRY_MS + 1500);
    const lease = await holder();
    expect(lease?.holderIdentity).toBe(standby.identity);
    expect(lease?.leaseTransitions).toBe(transitions + 1);
    // The new leader works: a Cluster made now is reconciled.
    await createCluster('two');
    await reconciled('two');
    expect(await reconciles(standby)).toBeGreaterThan(0);
    leading = standby;
  }, 60_000);

  it('hands over at once when the leader stops gracefully (it releases the Lease)', async () => {
    const current = leading;
    const next = await start('op-c');
    expect(await next.metric('tributary_operator_leader')).toBe(0);
    const stoppedAtMs = Date.now();
    expect(await current.stop()).toBe(0);
    await waitFor(
      'the new replica to lead',
      async () => ((await next.metric('tributary_operator_leader')) === 1 ? true : undefined),
      LEASE_MS * 4,
    );
    const handoverMs = Date.now() - stoppedAtMs;
    console.log(`leader stopped (SIGTERM): the standby led ${handoverMs} ms later`);
    expect(handoverMs).toBeLessThan(LEASE_MS - 2 * RETRY_MS);
    expect((await holder())?.holderIdentity).toBe('op-c');
  }, 60_000);
});
