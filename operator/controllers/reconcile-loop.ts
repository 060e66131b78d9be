/**
 * A reconcile loop (what client-go calls a controller; named so here to keep "controller" for the
 * broker's metadata controller): a work queue of object keys (`namespace/name`) and the reconcile that
 * handles them, with metrics and logs around each reconcile. Its `name` is the `controller` label of the
 * reconcile metrics. Informer handlers call `enqueue`; keys reach the reconcile only
 * after `start` (on a standby replica the queue fills and deduplicates, and the new leader drains it).
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { errorText } from '../kube/api-error.js';
import {
  DEFAULT_WORK_QUEUE_OPTIONS,
  type ReconcileOutcome,
  WorkQueue,
  type WorkQueueOptions,
} from '../kube/work-queue.js';
import type { OperatorMetrics } from '../metrics.js';

export type Reconcile = (key: string) => Promise<ReconcileOutcome | undefined>;

/** A no-op until the operator process starts the OpenTelemetry SDK (kit/tracing-sdk.ts). */
const tracer = trace.getTracer('tributary-operator');

export class ReconcileLoop {
  private readonly queue: WorkQueue;

  constructor(
    readonly name: string,
    private readonly reconcile: Reconcile,
    private readonly metrics: OperatorMetrics,
    private readonly log: Logger,
    options: Partial<WorkQueueOptions> = {},
  ) {
    this.queue = new WorkQueue({
      ...DEFAULT_WORK_QUEUE_OPTIONS,
      ...options,
      onError: (key, err, retryInMs) => {
        this.log.warn({ controller: name, key, retryInMs, err: errorText(err) }, 'reconcile failed');
      },
      onDrop: (key) => this.log.error({ controller: name, key }, 'work queue full: key dropped'),
    });
    // The error counter exists at 0 from the start, so a rate() over it (the reconcile-errors alert) has
    // a series to evaluate before the first failure.
    metrics.reconcileErrors.inc({ controller: name }, 0);
    metrics.watchQueue(name, () => ({
      depth: this.queue.depth,
      inFlight: this.queue.inFlight,
      dropped: this.queue.dropped,
    }));
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  enqueueAfter(key: string, delayMs: number): void {
    this.queue.addAfter(key, delayMs);
  }

  start(): void {
    this.queue.start((key) => this.run(key));
  }

  /** Stops taking keys; waits up to `drainMs` for running reconciles. */
  stop(drainMs: number): Promise<{ drained: boolean; abandoned: string[] }> {
    return this.queue.shutdown(drainMs);
  }

  /** One reconcile of `key`, in a `reconcile <loop>` span (its requests to the API server are not traced). */
  private run(key: string): Promise<ReconcileOutcome | undefined> {
    const attributes = { 'tributary.reconciler': this.name, 'k8s.object.key': key };
    return tracer.startActiveSpan(
      `reconcile ${this.name}`,
      { kind: SpanKind.INTERNAL, attributes },
      async (span) => {
        const end = this.metrics.reconcileDuration.startTimer({ controller: this.name });
        try {
          const outcome = await this.reconcile(key);
          const result = outcome?.backoff
            ? 'backoff'
            : outcome?.requeueAfterMs !== undefined
              ? 'requeue'
              : 'success';
          this.metrics.reconciles.inc({ controller: this.name, result });
          span.setAttribute('tributary.reconcile.result', result);
          return outcome;
        } catch (err) {
          this.metrics.reconciles.inc({ controller: this.name, result: 'error' });
          this.metrics.reconcileErrors.inc({ controller: this.name });
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(err) });
          span.setAttribute('tributary.reconcile.result', 'error');
          throw err;
        } finally {
          end();
          span.end();
        }
      },
    );
  }
}
