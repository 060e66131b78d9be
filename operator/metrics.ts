/**
 * The operator's Prometheus metrics (served at /metrics on --metrics-port). One registry per operator so
 * tests can run several in one process.
 *
 * - tributary_operator_reconcile_total{controller, result}: reconciles by outcome: success, requeue (asked
 *   to come back later), backoff (waiting on something, not an error), error.
 * - tributary_operator_reconcile_duration_seconds{controller}: how long reconciles take.
 * - tributary_operator_reconcile_errors_total{controller}: failed reconciles (also counted in result=error).
 * - tributary_operator_workqueue_depth{controller}, _inflight{controller}, _dropped_keys{controller}.
 * - tributary_operator_status_writes_total{controller}: status writes (skipped when nothing changed).
 * - tributary_operator_informer_errors_total{informer}: failed lists and watches (each is retried).
 * - tributary_operator_leader: 1 while this replica leads.
 * - tributary_operator_roll_in_progress{namespace, name}, tributary_operator_roll_pods{namespace, name,
 *   state}, tributary_operator_roll_waiting{namespace, name, reason}: each Cluster's rolling update, from
 *   its status as the cache holds it, exported by the leading replica only (a standby's copy would count
 *   twice).
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricSet } from '../kit/metric-set.js';
import type { Cluster } from './api/v1alpha1.js';

export type ReconcileResult = 'success' | 'requeue' | 'backoff' | 'error';

export interface QueueGauges {
  depth: number;
  inFlight: number;
  dropped: number;
}

export class OperatorMetrics {
  readonly registry = new Registry();
  private readonly metrics = new MetricSet(this.registry);
  readonly reconciles = this.metrics.counter(
    'tributary_operator_reconcile_total',
    'Reconciles by controller and result (success, requeue, backoff, error).',
    ['controller', 'result'],
  );
  readonly reconcileDuration = this.metrics.histogram(
    'tributary_operator_reconcile_duration_seconds',
    'Reconcile duration by controller.',
    ['controller'],
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  readonly reconcileErrors = this.metrics.counter(
    'tributary_operator_reconcile_errors_total',
    'Failed reconciles by controller.',
    ['controller'],
  );
  readonly statusWrites = this.metrics.counter(
    'tributary_operator_status_writes_total',
    'Status subresource writes by controller (unchanged statuses are not written).',
    ['controller'],
  );
  readonly informerErrors = this.metrics.counter(
    'tributary_operator_informer_errors_total',
    'Failed lists or watches by informer (each is retried after a backoff).',
    ['informer'],
  );
  readonly leader = this.metrics.gauge(
    'tributary_operator_leader',
    '1 while this replica holds the leader Lease (or runs without leader election).',
  );
  private readonly queues = new Map<string, () => QueueGauges>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tributary_operator_' });
    const queues = this.queues;
    const gauge = (name: string, help: string, pick: (g: QueueGauges) => number) =>
      this.metrics.gauge(name, help, ['controller'], function collect() {
        for (const [controller, read] of queues) this.set({ controller }, pick(read()));
      });
    gauge(
      'tributary_operator_workqueue_depth',
      'Keys waiting to be reconciled, by controller.',
      (g) => g.depth,
    );
    gauge(
      'tributary_operator_workqueue_inflight',
      'Keys being reconciled, by controller.',
      (g) => g.inFlight,
    );
    gauge(
      'tributary_operator_workqueue_dropped_keys',
      'Keys dropped since start because the queue tracked its maximum, by controller (the resync brings them back).',
      (g) => g.dropped,
    );
  }

  /**
   * Roll progress of the Clusters `read` returns (the cache's), while `leading()`: per Cluster, whether a
   * roll is under way, its broker pods on the target revision (`done`) against all of them (`total`;
   * every pod counts as done when no roll is under way), and the reason it waits, if it does.
   */
  trackRolls(read: () => ReadonlyArray<Cluster>, leading: () => boolean): void {
    const each = (visit: (labels: { namespace: string; name: string }, cluster: Cluster) => void) => {
      if (!leading()) return;
      for (const c of read())
        visit({ namespace: c.metadata.namespace ?? '', name: c.metadata.name ?? '' }, c);
    };
    const rolling = (c: Cluster) => {
      const roll = c.status?.rollingUpdate;
      return roll !== undefined && roll.completedAt === undefined ? roll : undefined;
    };
    this.metrics.gauge(
      'tributary_operator_roll_in_progress',
      '1 while a rolling update of the Cluster is under way, else 0 (leading operator replica only).',
      ['namespace', 'name'],
      function collect() {
        this.reset();
        each((labels, c) => this.set(labels, rolling(c) === undefined ? 0 : 1));
      },
    );
    this.metrics.gauge(
      'tributary_operator_roll_pods',
      "Broker pods of the Cluster's rolling update by state: done (on the target revision) and total; all done when no roll is under way (leading operator replica only).",
      ['namespace', 'name', 'state'],
      function collect() {
        this.reset();
        each((labels, c) => {
          // The brokers the Cluster asks for: pods that exist dip while one is restarted.
          const total = c.spec.brokers ?? 0;
          const roll = rolling(c);
          this.set({ ...labels, state: 'total' }, total);
          this.set(
            { ...labels, state: 'done' },
            roll === undefined ? total : Math.min(total, roll.done.length),
          );
        });
      },
    );
    this.metrics.gauge(
      'tributary_operator_roll_waiting',
      "1 while the Cluster's rolling update waits, with the reason (status.rollingUpdate.waiting.reason); no series otherwise (leading operator replica only).",
      ['namespace', 'name', 'reason'],
      function collect() {
        this.reset();
        each((labels, c) => {
          const reason = rolling(c)?.waiting?.reason;
          if (reason !== undefined) this.set({ ...labels, reason }, 1);
        });
      },
    );
  }

  /** Reports a controller's queue in the workqueue gauges. */
  watchQueue(controller: string, read: () => QueueGauges): void {
    this.queues.set(controller, read);
  }
}
