/**
 * The balancer's plan outlives its controller, and its copies keep to the throttle (docs/architecture.md,
 * "Partition balancing"): kill -9 of the controller broker in the middle of a throttled rebalance, under a
 * producer and a consumer group; the next controller resumes the same plan and completes it, nothing lost.
 * First, on data topics alone (moves of equal size), the copy rate of a rebalance is measured against the
 * throttle.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Admin, Tributary } from '../../client/index.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { readPartition } from '../helpers/fault-checker.js';
import { startRollWorkload } from '../helpers/roll-workload.js';
import { checkWorkload } from '../helpers/workload-check.js';

let cluster: TestCluster;
let client: Tributary;
let admin: Admin;

const TOPICS = ['ledger', 'clicks'];
const PARTITIONS = 6;
const RECORDS = 512;
const THROTTLE = 256 * 1024;
const WORKLOAD_TOPIC = 'failover-work';

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  client = new Tributary({ bootstrap: cluster.bootstrap() });
  admin = client.admin();
  const producer = client.producer({ acks: 'all' });
  const value = 'y'.repeat(1024);
  for (const topic of TOPICS) {
    await admin.createTopic({ name: topic, partitions: PARTITIONS, replicationFactor: 3 });
    for (let p = 0; p < PARTITIONS; p++) {
      await producer.send({
        topic,
        messages: Array.from({ length: RECORDS }, () => ({ value, partition: p })),
      });
    }
  }
  await producer.close();
  await admin.alterBalancingConfig({ throttleBytesPerSec: THROTTLE });
}, 180_000);

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

async function controllerId(): Promise<number> {
  return (await admin.describeCluster()).controllerId;
}

async function allReadable(): Promise<void> {
  for (const t of TOPICS) {
    for (let p = 0; p < PARTITIONS; p++)
      expect((await readPartition(client, t, p)).length, `${t}/${p}`).toBe(RECORDS);
  }
}

describe('balancer failover and throttle', () => {
  it('(e) copies a throttled move at about the throttle, and only moving replicas are throttled', async () => {
    await cluster.start(3);
    await waitFor(
      'the plan to copy',
      async () => ((await admin.describeBalance()).current?.movesRunning ?? 0) > 0 || undefined,
    );
    // Replication outside the moves is not throttled: 2 MiB acks=all to a new topic (with a replica on the
    // receiving broker too) take far less than the 8 s the throttle would allow.
    await admin.createTopic({ name: 'unthrottled', partitions: 1, replicationFactor: 4 });
    const producer = client.producer({ acks: 'all' });
    const sentAtMs = Date.now();
    for (let i = 0; i < 4; i++) {
      await producer.send({
        topic: 'unthrottled',
        messages: Array.from({ length: 512 }, () => ({ value: 'z'.repeat(1024), partition: 0 })),
      });
    }
    const unthrottledMs = Date.now() - sentAtMs;
    await producer.close();
    expect(unthrottledMs).toBeLessThan(4000);
    const plan = await waitFor(
      'the plan for broker 3 to finish',
      async () => {
        const d = await admin.describeBalance();
        return d.current === null && d.last?.reason.includes('broker 3 joined') ? d.last : undefined;
      },
      240_000,
    );
    expect(plan.status).toBe('completed');
    const seconds = (plan.finishedAtMs - plan.startedAtMs) / 1000;
    const rate = plan.bytesTotal / seconds;
    // Loose bounds (no tight timing): the plan's ends (first issue, last ISR join) copy nothing.
    console.log(
      JSON.stringify({
        bytes: plan.bytesTotal,
        seconds,
        rateBytesPerSec: Math.round(rate),
        throttle: THROTTLE,
        unthrottledMs,
      }),
    );
    expect(plan.bytesTotal).toBeGreaterThan(2 * 1024 * 1024);
    expect(rate).toBeLessThan(THROTTLE * 1.25);
    expect(rate).toBeGreaterThan(THROTTLE * 0.5);
    await allReadable();
  }, 300_000);
  it('(d) a new controller resumes the plan after kill -9 of the old one, and completes it', async () => {
    await admin.createTopic({ name: WORKLOAD_TOPIC, partitions: PARTITIONS, replicationFactor: 3 });
    const workload = startRollWorkload(client, {
      topic: WORKLOAD_TOPIC,
      partitions: PARTITIONS,
      groupId: 'failover-group',
      ratePerSec: 30,
      inFlightMax: 20,
    });
    try {
      await cluster.start(4);
      const midway = await waitFor(
        'a plan with moves done and moves running',
        async () => {
          const c = (await admin.describeBalance()).current;
          return c !== null && c.movesDone > 0 && c.movesRunning > 0 && c.movesDone < c.movesTotal
            ? c
            : undefined;
        },
        120_000,
      );
      const killed = await controllerId();
      await cluster.kill(killed);
      const next = await waitFor(
        'another controller',
        async () => {
          const id = await controllerId();
          return id >= 0 && id !== killed ? id : undefined;
        },
        30_000,
      );
      expect(next).not.toBe(killed);
      await cluster.start(killed);
      let seen: unknown;
      const done = await waitFor(
        'the plan to finish under the new controller',
        async () => {
          const d = await admin.describeBalance({ includeMoves: true });
          if (d.current !== null) seen = d.current.moves.filter((m) => m.state !== 'done');
          return d.current === null && d.last?.id === midway.id ? d.last : undefined;
        },
        240_000,
      );
      expect(done.status, JSON.stringify({ done, seen })).toBe('completed');
      expect(done.movesDone).toBe(done.movesTotal);
      await workload.stopProducing();
      const { figures, violations } = await checkWorkload(client, workload, WORKLOAD_TOPIC, PARTITIONS);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0, misplaced: 0 });
      expect(violations).toEqual([]);
    } finally {
      await workload.close();
    }
    await allReadable();
    const brokers = (await admin.describeBalance()).brokers;
    const replicas = brokers.map((b) => b.replicas);
    expect(Math.max(...replicas) - Math.min(...replicas)).toBeLessThanOrEqual(1);
  }, 420_000);

  it('(continuous) re-creates the replicas of a broker gone longer than its grace', async () => {
    await admin.alterBalancingConfig({ mode: 'continuous', goneBrokerGraceMs: 1000 });
    const before = (await admin.describeBalance()).brokers.find((b) => b.brokerId === 4)!;
    expect(before.replicas).toBeGreaterThan(0);
    await cluster.kill(4);
    const after = await waitFor(
      "broker 4's replicas re-created on the others",
      async () => {
        const d = await admin.describeBalance();
        return d.current === null &&
          (d.brokers.find((b) => b.brokerId === 4)?.replicas ?? 0) === 0 &&
          d.last !== null
          ? d
          : undefined;
      },
      240_000,
    );
    // The plan says why: broker 4 gone past its grace, or (when continuous mode's first imbalance check had
    // started a plan with broker 4 among its targets) the re-plan after it went.
    expect(after.last?.reason).toMatch(/broker 4 has been gone|broker 4, a target of the plan, is gone/);
    for (const t of TOPICS) {
      for (const p of (await admin.describeTopic(t)).partitions) {
        expect(p.replicas, `${t}/${p.partition}`).toHaveLength(3);
        expect(p.replicas).not.toContain(4);
      }
    }
    await allReadable();
    await admin.alterBalancingConfig({ mode: 'onScale' });
  }, 300_000);
});
