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
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type ReconcileResult = 'success' | 'requeue' | 'backoff' | 'error';

export interface QueueGauges {
  depth: number;
  inFlight: number;
  dropped: number;
}

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: 'tributary_operator_reconcile_total',
    help: 'Reconciles by controller and result (success, requeue, backoff, error).',
    labelNames: ['controller', 'result'],
    registers: [this.registry],
  });
  readonly reconcileDuration = new Histogram({
    name: 'tributary_operator_reconcile_duration_seconds',
    help: 'Reconcile duration by controller.',
    labelNames: ['controller'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'tributary_operator_reconcile_errors_total',
    help: 'Failed reconciles by controller.',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  readonly statusWrites = new Counter({
    name: 'tributary_operator_status_writes_total',
    help: 'Status subresource writes by controller (unchanged statuses are not written).',
    labelNames: ['controller'],
    registers: [this.registry],
  });
  readonly informerErrors = new Counter({
    name: 'tributary_operator_informer_errors_total',
    help: 'Failed lists or watches by informer (each is retried after a backoff).',
    labelNames: ['informer'],
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'tributary_operator_leader',
    help: '1 while this replica holds the leader Lease (or runs without leader election).',
    registers: [this.registry],
  });
  private readonly queues = new Map<string, () => QueueGauges>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tributary_operator_' });
    const queues = this.queues;
    const gauge = (name: string, help: string, pick: (g: QueueGauges) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['controller'],
        registers: [this.registry],
        collect() {
          for (const [controller, read] of queues) this.set({ controller }, pick(read()));
        },
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
