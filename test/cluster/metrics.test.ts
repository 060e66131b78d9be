/**
 * The brokers' /metrics after real traffic on a three-broker cluster: consumer lag computed by the group
 * coordinators (each series from exactly one broker), the cluster-wide partition health gauges from the
 * active controller only, ISR expands after a killed broker returns, bytes and records per topic.
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
});
