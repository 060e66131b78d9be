/**
 * Kubernetes Events (events.k8s.io/v1) about Clusters and Topics: what `kubectl describe` and
 * `kubectl events` show. Best effort: a failed or refused event is logged at debug level and never fails
 * a reconcile. Bounded: at most `ratePerSecond` events a second (burst `burst`); beyond that they are
 * dropped, since a storm of events would only load the API server that is already struggling.
 */
import { EventsV1Api, type KubeConfig, V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import type { Condition } from '../api/v1alpha1.js';
import { describeApiError } from './api-error.js';
import { TokenBucket } from './token-bucket.js';

export interface EventSubject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export type EventType = 'Normal' | 'Warning';

const NOTE_CHARS_MAX = 1024;

let lastSuffix = 0n;

/** Nanoseconds since the epoch in hex, increasing within this process (two events in one ms get two names). */
function eventSuffix(): string {
  let now = BigInt(Date.now()) * 1_000_000n;
  if (now <= lastSuffix) now = lastSuffix + 1n;
  lastSuffix = now;
  return now.toString(16);
}

export class EventRecorder {
  private readonly api: EventsV1Api;
  private readonly bucket: TokenBucket;

  constructor(
    kubeConfig: KubeConfig,
    private readonly controller: string,
    private readonly instance: string,
    private readonly log: Logger,
    limits: { ratePerSecond: number; burst: number } = { ratePerSecond: 5, burst: 50 },
  ) {
    this.api = kubeConfig.makeApiClient(EventsV1Api);
    this.bucket = new TokenBucket(limits.ratePerSecond, limits.burst);
  }

  /**
   * Records a condition that changed status or reason (`before` -> `after`), with its reason and message:
   * Warning when it became False or Unknown. Nothing when it did not change.
   */
  recordChange(subject: EventSubject, before: Condition | undefined, after: Condition | undefined): void {
    if (after === undefined || (before?.status === after.status && before.reason === after.reason)) return;
    this.record(
      subject,
      after.status === 'True' ? 'Normal' : 'Warning',
      after.reason,
      'Reconcile',
      after.message,
    );
  }

  /** Records that `action` happened to `subject` for `reason` (CamelCase); returns at once. */
  record(subject: EventSubject, type: EventType, reason: string, action: string, note: string): void {
    const { name, namespace, uid, resourceVersion } = subject.metadata;
    if (name === undefined || namespace === undefined || !this.bucket.take().ok) return;
    const text = note.length > NOTE_CHARS_MAX ? `${note.slice(0, NOTE_CHARS_MAX - 3)}...` : note;
    this.api
      .createNamespacedEvent({
        namespace,
        body: {
          // client-go's naming: the object's name and the time in hex (a generateName must be a valid name).
          metadata: { name: `${name.slice(0, 200)}.${eventSuffix()}` },
          eventTime: new V1MicroTime(Date.now()),
          reportingController: this.controller,
          reportingInstance: this.instance.slice(0, 128),
          action,
          reason,
          note: text,
          type,
          regarding: {
            apiVersion: subject.apiVersion,
            kind: subject.kind,
            name,
            namespace,
            uid,
            resourceVersion,
          },
        },
      })
      .catch((err: unknown) =>
        this.log.debug(
          { reason, object: `${namespace}/${name}`, err: describeApiError(err) },
          'event not recorded',
        ),
      );
  }
}
