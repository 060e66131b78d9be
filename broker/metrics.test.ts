/**
 * The broker's metric list against the list and Prometheus's naming rules (units in names, `_total`
 * only on counters, label values from bounded sets), and the rebalance gauges read from the balancer.
 */
import { EventEmitter } from 'node:events';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { assertPrometheusNaming } from '../test/helpers/metric-naming.js';
import type { RebalanceProgress } from './balance/rebalance-record.js';
import type { GroupLag } from './groups/group-lag.js';
import { BrokerMetrics } from './metrics.js';
import type { ReplicaManager } from './replication/replica-manager.js';

/** A BrokerMetrics with every part tracked, reading `rebalance` for the rebalance gauges. */
function fullMetrics(rebalance: () => RebalanceProgress | null | undefined): BrokerMetrics {
  const metrics = new BrokerMetrics(() => undefined);
  metrics.trackCluster({ topics: () => [], isActiveController: () => true });
  metrics.trackDisk('/');
  metrics.trackGroupLag({ read: () => [] } as unknown as GroupLag);
  metrics.trackGroups(() => []);
  metrics.trackRebalance(rebalance);
  metrics.countChanges({ roles: new EventEmitter() } as unknown as ReplicaManager, () => {});
  return metrics;
}

async function values(metrics: BrokerMetrics, name: string): Promise<Array<MetricValue<string>>> {
  const all = (await metrics.registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  return all.find((m) => m.name === name)?.values ?? [];
}

const byState = (vs: Array<MetricValue<string>>) =>
  Object.fromEntries(vs.map((v) => [String(v.labels.state), v.value]));

describe('broker metrics', () => {
  it('has every metric the issue lists, named and labelled as Prometheus asks', async () => {
    const metrics = fullMetrics(() => null);
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'tributary_consumer_group_lag_records',
        'tributary_cluster_partitions',
        'tributary_under_replicated_partitions',
        'tributary_under_min_isr_partitions',
        'tributary_offline_partitions',
        'tributary_isr_shrinks_total',
        'tributary_isr_expands_total',
        'tributary_request_duration_seconds',
        'tributary_bytes_in_total',
        'tributary_bytes_out_total',
        'tributary_records_in_total',
        'tributary_records_out_total',
        'tributary_log_size_bytes',
        'tributary_controller_changes_total',
        'tributary_rebalance_in_progress',
        'tributary_rebalance_moves',
        'tributary_rebalance_bytes',
      ]),
    );
    assertPrometheusNaming(await metrics.registry.getMetricsAsJSON(), 'tributary_', [
      'tributary_process_',
      'tributary_nodejs_',
    ]);
  });

  it("reports the running rebalance's progress on the active controller, zeros when none runs", async () => {
    let progress: RebalanceProgress | null | undefined;
    const metrics = fullMetrics(() => progress);
    progress = undefined; // not the active controller: no series by state, 0 where there are no labels
    expect((await values(metrics, 'tributary_rebalance_in_progress'))[0]?.value).toBe(0);
    expect(await values(metrics, 'tributary_rebalance_moves')).toEqual([]);
    expect(await values(metrics, 'tributary_rebalance_bytes')).toEqual([]);

    progress = null;
    expect((await values(metrics, 'tributary_rebalance_in_progress'))[0]?.value).toBe(0);
    expect(byState(await values(metrics, 'tributary_rebalance_bytes'))).toEqual({ total: 0, done: 0 });

    progress = {
      movesTotal: 10,
      movesDone: 4,
      movesRunning: 2,
      movesFailed: 1,
      movesCancelled: 0,
      bytesTotal: 5000,
      bytesDone: 2000,
      estimatedMsLeft: 1500,
    };
    expect((await values(metrics, 'tributary_rebalance_in_progress'))[0]?.value).toBe(1);
    expect(byState(await values(metrics, 'tributary_rebalance_moves'))).toEqual({
      total: 10,
      done: 4,
      running: 2,
      pending: 3,
      failed: 1,
      cancelled: 0,
    });
    expect(byState(await values(metrics, 'tributary_rebalance_bytes'))).toEqual({ total: 5000, done: 2000 });
    expect((await values(metrics, 'tributary_rebalance_estimated_remaining_seconds'))[0]?.value).toBe(1.5);
  });
});
