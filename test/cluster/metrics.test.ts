/**
 * The brokers' /metrics after real traffic on a three-broker cluster: consumer lag computed by the group
 * coordinators (each series from exactly one broker), the cluster-wide partition health gauges from the
 * active controller only, ISR expands after a killed broker returns, bytes and records per topic, and a
 * rebalance's progress while it runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tributary } from '../../client/index.js';
import { startTestCluster, type TestCluster, waitFor } from '../helpers/cluster.js';
import { metricsUrlOf, type Sample, scrapeAll, select, sum } from '../helpers/prometheus-text.js';

let cluster: TestCluster;
let client: Tributary;

beforeAll(async () => {
  cluster = await startTestCluster({ brokers: 3 });
  client = new Tributary({ bootstrap: cluster.bootstrap() });
}, 120_000);

afterAll(async () => {
  client?.close();
  await cluster?.destroy();
});

const scrape = (): Promise<Sample[]> =>
  scrapeAll(cluster.brokers.filter((b) => b !== undefined).map((b) => metricsUrlOf(b.output())));

describe('broker metrics on a cluster', () => {
  it('reports lag once per group and partition, and partition health once for the cluster', async () => {
    const admin = client.admin();
    await admin.createTopic({
      name: 'metered',
      partitions: 3,
      replicationFactor: 3,
      configs: { 'min.insync.replicas': '2' },
    });
    const producer = client.producer();
    await producer.send({
      topic: 'metered',
      messages: Array.from({ length: 30 }, (_, i) => ({ value: `v${i}`, partition: i % 3 })),
    });
    await producer.close();
    const consumer = client.consumer({ groupId: 'laggards', autoCommitIntervalMs: 0 });
    await consumer.commit([0, 1, 2].map((partition) => ({ topic: 'metered', partition, offset: 4 })));
    await consumer.close();

    // Lag needs the leaders' ends: local at once, remote ones after the coordinator's background refresh.
    const samples = await waitFor(
      'lag of every partition',
      async () => {
        const s = await scrape();
        return select(s, 'tributary_consumer_group_lag_records', { group: 'laggards' }).length === 3
          ? s
          : undefined;
      },
      30_000,
    );
    const committed = select(samples, 'tributary_consumer_group_committed_offset', { group: 'laggards' });
    expect(committed.map((c) => c.labels.partition).sort()).toEqual(['0', '1', '2']);
    expect(new Set(committed.map((c) => c.labels.instance)).size).toBe(1);
    expect(committed.every((c) => c.value === 4)).toBe(true);
    const lag = select(samples, 'tributary_consumer_group_lag_records', { group: 'laggards' });
    expect(lag.map((l) => l.value)).toEqual([6, 6, 6]);

    expect(sum(select(samples, 'tributary_controller_active'))).toBe(1);
    const health = select(samples, 'tributary_cluster_partitions');
    expect(new Set(health.map((h) => h.labels.instance)).size).toBe(1);
    expect(Object.fromEntries(health.map((h) => [h.labels.state, h.value]))).toMatchObject({
      offline: 0,
      under_replicated: 0,
      under_min_isr: 0,
    });
    expect(sum(select(samples, 'tributary_records_in_total', { topic: 'metered' }))).toBe(30);
    expect(sum(select(samples, 'tributary_bytes_in_total', { topic: 'metered' }))).toBeGreaterThan(0);
    expect(select(samples, 'tributary_log_size_bytes', { topic: 'metered' })).toHaveLength(9);
    expect(
      select(samples, 'tributary_request_duration_seconds_count', { method: 'ListOffsets' }).length,
    ).toBeGreaterThan(0);
  });

  it('reports under-replicated partitions while a broker is down, and counts ISR expands when it returns', async () => {
    const samples = await scrape();
    const controller = select(samples, 'tributary_controller_active').find((s) => s.value === 1)!;
    const victim = (Number(controller.labels.instance) + 1) % 3;
    await cluster.kill(victim);
    // The controller drops a dead broker from the ISRs (or a leader does, once the follower falls behind on
    // these records; only the latter counts as a leader's ISR shrink).
    const producer = client.producer({ acks: 'leader' });
    await waitFor(
      'under-replicated partitions',
      async () => {
        await producer.send({
          topic: 'metered',
          messages: [0, 1, 2].map((partition) => ({ value: 'x', partition })),
        });
        const s = await scrape();
        const under = sum(select(s, 'tributary_cluster_partitions', { state: 'under_replicated' }));
        return under > 0 && select(s, 'tributary_isr_shrinks_total').length === 2 ? true : undefined;
      },
      30_000,
    );
    await producer.close();
    await cluster.start(victim);
    await waitFor(
      'the ISR back to full, counted as expands',
      async () => {
        const s = await scrape();
        const under = select(s, 'tributary_cluster_partitions', { state: 'under_replicated' });
        return under.length === 1 &&
          under[0]!.value === 0 &&
          sum(select(s, 'tributary_isr_expands_total')) > 0
          ? true
          : undefined;
      },
      60_000,
    );
  }, 120_000);

  it("reports a rebalance's moves and bytes while it runs, from the active controller", async () => {
    const admin = client.admin();
    const PARTITIONS = 6;
    await admin.createTopic({ name: 'moving', partitions: PARTITIONS, replicationFactor: 1 });
    const producer = client.producer();
    const value = 'x'.repeat(1024);
    for (let p = 0; p < PARTITIONS; p++) {
      await producer.send({
        topic: 'moving',
        messages: Array.from({ length: 150 }, () => ({ value, partition: p })),
      });
    }
    await producer.close();
    // Every partition onto one broker: an imbalance for the rebalance to undo.
    const target = (await admin.describeCluster()).brokers[0]!.id;
    await admin.alterPartitionReassignments(
      Array.from({ length: PARTITIONS }, (_, partition) => ({
        topic: 'moving',
        partition,
        replicas: [target],
      })),
    );
    await waitFor('the reassignments done', async () =>
      (await admin.listPartitionReassignments()).length === 0 ? true : undefined,
    );
    const rebalance = async () => {
      const s = await scrape();
      const byState = (name: string) =>
        Object.fromEntries(select(s, name).map((x) => [x.labels.state!, x.value]));
      return {
        inProgress: sum(select(s, 'tributary_rebalance_in_progress')),
        moves: byState('tributary_rebalance_moves'),
        bytes: byState('tributary_rebalance_bytes'),
        sources: new Set(select(s, 'tributary_rebalance_moves').map((x) => x.labels.instance)).size,
      };
    };
    const idle = await rebalance();
    expect(idle).toMatchObject({ inProgress: 0, sources: 1 });
    expect(idle.moves.total).toBe(0);

    // Slow copies (32 KiB/s per receiving broker, one move at a time), so the plan is seen under way.
    await admin.alterBalancingConfig({ throttleBytesPerSec: 32 * 1024, movesPerBroker: 1 });
    try {
      const plan = await admin.rebalance();
      expect(plan.moves.length).toBeGreaterThan(0);
      const started = await waitFor(
        'the plan under way in the metrics',
        async () => {
          const r = await rebalance();
          return r.inProgress === 1 && r.moves.total! > 0 ? r : undefined;
        },
        30_000,
      );
      expect(started.moves.total).toBe(plan.moves.length);
      expect(started.bytes.total).toBeGreaterThan(100_000);
      const moving = await waitFor(
        'bytes done, the plan still running',
        async () => {
          const r = await rebalance();
          return r.inProgress === 1 && r.bytes.done! > 0 ? r : undefined;
        },
        60_000,
      );
      expect(moving.moves.done).toBeGreaterThan(0);
      expect(moving.bytes.done).toBeLessThanOrEqual(moving.bytes.total!);
      await waitFor(
        'the plan finished',
        async () => {
          const r = await rebalance();
          return r.inProgress === 0 && r.moves.total === 0 ? r : undefined;
        },
        90_000,
      );
    } finally {
      await admin.alterBalancingConfig({ throttleBytesPerSec: 25 * 1024 * 1024, movesPerBroker: 2 });
    }
  }, 180_000);
});
