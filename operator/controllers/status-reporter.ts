/**
 * Writes a reconciled object's status and tells people about it, the same way for both kinds: the status
 * is written only when it changed (kube/status-writer.ts), each write is counted, and a change of the
 * Ready condition becomes a Kubernetes Event (Warning when it turned False or Unknown).
 */
import { API_VERSION, type Condition } from '../api/v1alpha1.js';
import { describeApiError, isNotFound } from '../kube/api-error.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { StatusTarget, StatusWriter } from '../kube/status-writer.js';
import type { OperatorMetrics } from '../metrics.js';
import { CONDITION_READY, findCondition } from '../planning/conditions.js';

export interface StatusReporterDeps {
  statuses: StatusWriter;
  events: EventRecorder;
  metrics: OperatorMetrics;
}

export class StatusReporter {
  /** Reports for objects of `kind`; `loop` is the reconcile loop's name (the metrics' `controller` label). */
  constructor(
    private readonly deps: StatusReporterDeps,
    private readonly loop: string,
    private readonly kind: string,
  ) {}

  /**
   * Writes `status` on `object` unless unchanged. Answers false when the object is gone (404: deleted
   * meanwhile, nothing left to report on); any other failure is thrown.
   */
  async write<S extends { conditions?: Condition[] }>(
    object: StatusTarget<S> & { metadata: { resourceVersion?: string } },
    status: S,
  ): Promise<boolean> {
    try {
      if (await this.deps.statuses.write(object, status)) {
        this.deps.metrics.statusWrites.inc({ controller: this.loop });
        this.deps.events.recordChange(
          { apiVersion: API_VERSION, kind: this.kind, metadata: object.metadata },
          findCondition(object.status?.conditions, CONDITION_READY),
          findCondition(status.conditions, CONDITION_READY),
        );
      }
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw new Error(`writing the status: ${describeApiError(err)}`);
    }
  }
}
