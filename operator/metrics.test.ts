/**
 * The operator's metric list against the issue's list and Prometheus's naming rules, and the roll gauges
 * read from the Clusters' status (the leading replica only).
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { assertPrometheusNaming } from '../test/helpers/metric-naming.js';
import type { Cluster } from './api/v1alpha1.js';
import { OperatorMetrics } from './metrics.js';

async function values(metrics: OperatorMetrics, name: string): Promise<Record<string, number>> {
  const all = (await metrics.registry.getMetricsAsJSON()) as MetricObjectWithValues<MetricValue<string>>[];
  const found = all.find((m) => m.name === name)?.values ?? [];
  return Object.fromEntries(
    found.map((v) => [
      Object.entries(v.labels)
        .map(([k, l]) => `${k}=${l}`)
        .join(','),
      v.value,
    ]),
  );
}

function cluster(name: string, brokers: number, status: Cluster['status']): Cluster {
  return {
    apiVersion: 'tributary.dev/v1alpha1',
    kind: 'Cluster',
    metadata: { name, namespace: 'ns' },
    spec: { brokers } as Cluster['spec'],
    ...(status === undefined ? {} : { status }),
  };
}

describe('operator metrics', () => {
  it('has every metric the issue lists, named and labelled as Prometheus asks', async () => {
    const metrics = new OperatorMetrics();
    metrics.trackRolls(
      () => [],
      () => true,
    );
    metrics.watchQueue('cluster', () => ({ depth: 0, inFlight: 0, dropped: 0 }));
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'tributary_operator_reconcile_total',
        'tributary_operator_reconcile_duration_seconds',
        'tributary_operator_reconcile_errors_total',
        'tributary_operator_workqueue_depth',
        'tributary_operator_roll_in_progress',
        'tributary_operator_roll_pods',
      ]),
    );
    assertPrometheusNaming(await metrics.registry.getMetricsAsJSON(), 'tributary_operator_', [
      'tributary_operator_process_',
      'tributary_operator_nodejs_',
      // A gauge of keys dropped since start (the resync brings them back), named before this check.
      'tributary_operator_workqueue_dropped_keys',
    ]);
  });

  it('follows each Cluster’s roll from its status, on the leading replica only', async () => {
    let leading = false;
    const clusters: Cluster[] = [
      cluster('idle', 3, { brokers: 3 }),
      cluster('rolling', 3, {
        brokers: 2, // one pod restarting: the roll still counts the three the Cluster asks for
        rollingUpdate: {
          targetRevision: 'r2',
          startedAt: '2026-01-01T00:00:00Z',
          done: ['rolling-2'],
          waiting: { reason: 'Unsafe', message: 'a partition would fall under min ISR' },
        },
      }),
      cluster('rolled', 2, {
        rollingUpdate: {
          targetRevision: 'r2',
          startedAt: '2026-01-01T00:00:00Z',
          completedAt: '2026-01-01T00:05:00Z',
          done: ['rolled-0', 'rolled-1'],
        },
      }),
    ];
    const metrics = new OperatorMetrics();
    metrics.trackRolls(
      () => clusters,
      () => leading,
    );
    expect(await values(metrics, 'tributary_operator_roll_in_progress')).toEqual({});

    leading = true;
    expect(await values(metrics, 'tributary_operator_roll_in_progress')).toEqual({
      'namespace=ns,name=idle': 0,
      'namespace=ns,name=rolling': 1,
      'namespace=ns,name=rolled': 0,
    });
    expect(await values(metrics, 'tributary_operator_roll_pods')).toEqual({
      'namespace=ns,name=idle,state=total': 3,
      'namespace=ns,name=idle,state=done': 3,
      'namespace=ns,name=rolling,state=total': 3,
      'namespace=ns,name=rolling,state=done': 1,
      'namespace=ns,name=rolled,state=total': 2,
      'namespace=ns,name=rolled,state=done': 2,
    });
    expect(await values(metrics, 'tributary_operator_roll_waiting')).toEqual({
      'namespace=ns,name=rolling,reason=Unsafe': 1,
    });

    // The roll goes on: one more pod done, no longer waiting.
    clusters[1]!.status!.rollingUpdate = {
      ...clusters[1]!.status!.rollingUpdate!,
      done: ['rolling-1', 'rolling-2'],
    };
    delete clusters[1]!.status!.rollingUpdate!.waiting;
    expect(
      (await values(metrics, 'tributary_operator_roll_pods'))['namespace=ns,name=rolling,state=done'],
    ).toBe(2);
    expect(await values(metrics, 'tributary_operator_roll_waiting')).toEqual({});
  });
});
