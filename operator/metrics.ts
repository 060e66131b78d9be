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
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricSet } from '../kit/metric-set.js';

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

  /** Reports a controller's queue in the workqueue gauges. */
  watchQueue(controller: string, read: () => QueueGauges): void {
    this.queues.set(controller, read);
  }
}
