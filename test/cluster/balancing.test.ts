/**
 * Partition balancing on real brokers (docs/architecture.md, "Partition balancing"): a 3-broker cluster
 * holding data grows to 5 and balances itself (onScale) under a producer and a consumer group, then two
 * brokers are drained and stopped, a drain that would leave too few brokers is refused, a rebalance is
 * cancelled, and every RPC refuses bad input with its reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Admin,
  type BalanceDescription,
  Tributary,
  type TributaryClientError,
} from '../../client/index.js';
import { type CliResult, runTributary } from '../helpers/cli-process.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { readPartition } from '../helpers/fault-checker.js';
import { startRollWorkload } from '../helpers/roll-workload.js';
import { checkWorkload } from '../helpers/workload-check.js';

let cluster: TestCluster;
let client: Tributary;
let admin: Admin;

const TOPICS = ['orders', 'payments', 'events'];
const PARTITIONS = 6;
const WORKLOAD_TOPIC = 'balancing-work';

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  client = new Tributary({ bootstrap: cluster.bootstrap() });
  admin = client.admin();
}, 120_000);

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

async function fill(topic: string, records: number): Promise<void> {
  await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 3 });
  const producer = client.producer({ acks: 'all' });
  const value = 'x'.repeat(1024);
  for (let p = 0; p < PARTITIONS; p++) {
    await producer.send({
      topic,
      messages: Array.from({ length: records }, () => ({ value, partition: p })),
    });
  }
  await producer.close();
}

function spread(values: number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/** The balance, once no plan runs and the brokers in `ids` hold replica and leader counts within one. */
async function balancedOver(ids: number[], timeoutMs: number): Promise<BalanceDescription> {
  return waitFor(
    `replica and leader counts within one over brokers ${ids.join(',')}`,
    async () => {
      const d = await admin.describeBalance();
      if (d.current !== null) return undefined;
      const on = d.brokers.filter((b) => ids.includes(b.brokerId));
      if (on.length !== ids.length) return undefined;
      const replicasOk = spread(on.map((b) => b.replicas)) <= 1;
      const leadersOk = spread(on.map((b) => b.leaders)) <= 1;
      return replicasOk && leadersOk ? d : undefined;
    },
    timeoutMs,
  );
}

/** The `tributary` command against the cluster (the built CLI). */
function tributary(args: string[]): Promise<CliResult> {
  return runTributary(args, { bootstrap: cluster.bootstrap() });
}

async function reasonOf(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
    return undefined;
  } catch (err) {
    return (err as TributaryClientError).reasonName;
  }
}

describe('partition balancing', () => {
  it('(a) balances 3 -> 5 brokers by itself while a producer and a consumer group run, losing nothing', async () => {
    for (const t of TOPICS) await fill(t, 100);
    await admin.createTopic({ name: WORKLOAD_TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
    const workload = startRollWorkload(client, {
      topic: WORKLOAD_TOPIC,
      partitions: PARTITIONS,
      groupId: 'balancing-group',
      ratePerSec: 40,
      inFlightMax: 20,
    });
    try {
      await waitFor('the workload to run', () => (workload.acked.length >= 40 ? true : undefined), 30_000);
      await cluster.start(3);
      await cluster.start(4);
      const d = await balancedOver([0, 1, 2, 3, 4], 240_000);
      expect(d.last?.status).toBe('completed');
      for (const b of d.brokers) expect(b.replicas, `broker ${b.brokerId}`).toBeGreaterThan(0);
      await waitFor(
        'more records after the rebalance',
        () => (workload.acked.length >= 200 ? true : undefined),
        30_000,
      );
      await workload.stopProducing();
      const { figures, violations } = await checkWorkload(client, workload, WORKLOAD_TOPIC, PARTITIONS);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, misplaced: 0 });
      expect(violations).toEqual([]);
      expect(workload.errors).toEqual([]);
    } finally {
      await workload.close();
    }
    // Every record of the data topics is readable after the moves.
    for (const t of TOPICS) {
      for (let p = 0; p < PARTITIONS; p++)
        expect((await readPartition(client, t, p)).length, `${t}/${p}`).toBe(100);
    }
  }, 420_000);

  it('(c) refuses to mark brokers leaving when an RF 3 topic would keep only 2 brokers', async () => {
    const err = await admin
      .alterBrokerStates([
        { brokerId: 2, state: 'leaving' },
        { brokerId: 3, state: 'leaving' },
        { brokerId: 4, state: 'leaving' },
      ])
      .then(
        () => undefined,
        (e: TributaryClientError) => e,
      );
    expect(err?.reasonName).toBe('INSUFFICIENT_BROKERS');
    expect(err?.message).toMatch(/topic .* needs 3 brokers/);
    const d = await admin.describeBalance();
    expect(d.brokers.every((b) => b.state === 'active')).toBe(true);
  });

  it('(b) drains two brokers marked leaving, then they stop without losing a record', async () => {
    const before = await admin.describeBalance();
    const brokers = await admin.alterBrokerStates([
      { brokerId: 3, state: 'leaving' },
      { brokerId: 4, state: 'leaving' },
    ]);
    expect(brokers.filter((b) => b.state === 'leaving').map((b) => b.brokerId)).toEqual([3, 4]);
    const drained = await waitFor(
      'brokers 3 and 4 drained',
      async () => {
        const d = await admin.describeBalance();
        const leaving = d.brokers.filter((b) => b.brokerId >= 3);
        return d.current === null && leaving.every((b) => b.replicas === 0 && b.leaders === 0)
          ? d
          : undefined;
      },
      240_000,
    );
    expect(drained.last?.status).toBe('completed');
    expect(spread(drained.brokers.filter((b) => b.brokerId < 3).map((b) => b.replicas))).toBeLessThanOrEqual(
      1,
    );
    // New topics avoid leaving brokers.
    await admin.createTopic({ name: 'after-drain', partitions: 6, replicationFactor: 2 });
    const placed = await admin.describeTopic('after-drain');
    for (const p of placed.partitions) expect(p.replicas.every((b) => b < 3)).toBe(true);
    await cluster.stop(3);
    await cluster.stop(4);
    for (const t of TOPICS) {
      for (let p = 0; p < PARTITIONS; p++)
        expect((await readPartition(client, t, p)).length, `${t}/${p}`).toBe(100);
    }
    expect(before.brokers.find((b) => b.brokerId === 3)!.replicas).toBeGreaterThan(0);
  }, 300_000);

  it('(g) refuses bad input on every balancing call with a machine-readable reason', async () => {
    expect(await reasonOf(admin.alterBrokerStates([{ brokerId: -1, state: 'cordoned' }]))).toBe(
      'INVALID_BROKER_ID',
    );
    expect(await reasonOf(admin.alterBrokerStates([]))).toBe('INVALID_REQUEST');
    expect(
      await reasonOf(
        admin.alterBrokerStates([
          { brokerId: 1, state: 'cordoned' },
          { brokerId: 1, state: 'active' },
        ]),
      ),
    ).toBe('INVALID_BROKER_ID');
    expect(await reasonOf(admin.alterBrokerStates([{ brokerId: 1, state: 'gone' as never }]))).toBe(
      'INVALID_REQUEST',
    );
    for (const bad of [
      { throttleBytesPerSec: 0 },
      { throttleBytesPerSec: -5 },
      { movesPerBroker: 0 },
      { movesPerBroker: -1 },
      { imbalanceThresholdPercent: 0 },
      { goneBrokerGraceMs: 10 },
    ]) {
      expect(await reasonOf(admin.alterBalancingConfig(bad)), JSON.stringify(bad)).toBe(
        'INVALID_BALANCING_CONFIG',
      );
    }
    expect(await reasonOf(admin.cancelRebalance())).toBe('NO_REBALANCE_IN_PROGRESS');
    // A state for a broker that is not registered (a future one) is fine, and undone.
    const future = await admin.alterBrokerStates([{ brokerId: 17, state: 'cordoned' }]);
    expect(future.find((b) => b.brokerId === 17)).toMatchObject({
      state: 'cordoned',
      live: false,
      replicas: 0,
    });
    await admin.alterBrokerStates([{ brokerId: 17, state: 'active' }]);
    // Settings change one at a time, validated or for real.
    const checked = await admin.alterBalancingConfig({ movesPerBroker: 5 }, { validateOnly: true });
    expect(checked.movesPerBroker).toBe(5);
    expect((await admin.describeBalancingConfig()).movesPerBroker).toBe(2);
    const changed = await admin.alterBalancingConfig({ mode: 'off', imbalanceThresholdPercent: 25 });
    expect(changed).toMatchObject({ mode: 'off', imbalanceThresholdPercent: 25, movesPerBroker: 2 });
    await admin.alterBalancingConfig({ mode: 'onScale', imbalanceThresholdPercent: 10 });
  });

  it('(cli) cluster rebalance --dry-run prints the plan; broker cordon|activate set states', async () => {
    const dry = await tributary(['cluster', 'rebalance', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/balanced: nothing to move|moves \(/);
    const cordon = await tributary(['broker', 'cordon', '2']);
    expect(cordon.code, cordon.stderr).toBe(0);
    expect(cordon.stdout).toMatch(/^2\s+cordoned\s+yes/m);
    expect((await admin.describeBalance()).brokers.find((b) => b.brokerId === 2)?.state).toBe('cordoned');
    const activate = await tributary(['broker', 'activate', '2']);
    expect(activate.code, activate.stderr).toBe(0);
    const balance = await tributary(['cluster', 'balance']);
    expect(balance.stdout).toMatch(/^2\s+active\s+yes/m);
    expect(balance.stdout).toMatch(/balancing: mode onScale/);
    const refused = await tributary(['broker', 'drain', '0']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/INSUFFICIENT_BROKERS/);
  }, 60_000);

  it('(f) cancels a running rebalance: running reassignments go back to their original replicas', async () => {
    // Slow copies (1 KiB/s per receiving broker), all at once, so large moves are still running when the
    // cancel comes, whatever order the planner gave them.
    await admin.alterBalancingConfig({ throttleBytesPerSec: 1024, movesPerBroker: 64 });
    await admin.alterBrokerStates([{ brokerId: 3, state: 'active' }]);
    await cluster.start(3);
    const running = await waitFor(
      // Large ones: at 1 KiB/s they cannot finish before the cancel (empty partitions move at once).
      'a rebalance with large reassignments running',
      async () => {
        const d = await admin.describeBalance({ includeMoves: true });
        const moving =
          d.current?.moves.filter(
            (m) => m.kind === 'reassign' && m.state === 'running' && m.bytes > 50_000,
          ) ?? [];
        return moving.length > 0 && (await admin.listPartitionReassignments()).length > 0 ? d : undefined;
      },
      60_000,
    );
    expect(running.current!.reason).toMatch(/broker 3 joined/);
    expect(await reasonOf(admin.rebalance())).toBe('REBALANCE_IN_PROGRESS');
    expect((await admin.rebalance({ dryRun: true })).status).toBe('planned');

    const cancelled = await admin.cancelRebalance();
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.moves.some((m) => m.state === 'pending' || m.state === 'running')).toBe(false);
    const reverted = cancelled.moves.filter((m) => m.kind === 'reassign' && /reverted/.test(m.error));
    expect(reverted.length).toBeGreaterThan(0);
    await waitFor('no reassignment in progress', async () =>
      (await admin.listPartitionReassignments()).length === 0 ? true : undefined,
    );
    for (const m of reverted) {
      const p = (await admin.describeTopic(m.topic)).partitions[m.partition]!;
      expect([...p.replicas].sort(), `${m.topic}/${m.partition}`).toEqual([...m.from].sort());
    }
    const d = await admin.describeBalance();
    expect(d.current).toBeNull();
    expect(d.last).toMatchObject({ id: cancelled.id, status: 'cancelled' });
    expect(await reasonOf(admin.cancelRebalance())).toBe('NO_REBALANCE_IN_PROGRESS');
    await admin.alterBalancingConfig({ throttleBytesPerSec: 25 * 1024 * 1024, movesPerBroker: 2 });
  }, 180_000);
});
