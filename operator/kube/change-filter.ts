/**
 * Tells which informer events of a custom resource a reconcile must answer: not the updates that change
 * only its status. The operator writes those statuses itself, and an update event queues a key at once,
 * past its backoff: a failing reconcile that writes a new status (a message that varies) would otherwise
 * run again as soon as the watch reports the write, never backing off.
 *
 * What counts is what a reconcile acts on: the spec (through `metadata.generation`, which the API server
 * bumps on spec changes only, for resources with a status subresource), labels, annotations, finalizers
 * and the deletion timestamp. Adds and deletes always count.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { InformerEvent } from './informer.js';

/** The parts of `obj` that a reconcile acts on, as one comparable string. */
export function reconcileFingerprint(obj: KubernetesObject): string {
  const m = obj.metadata ?? {};
  return JSON.stringify([
    m.uid,
    m.generation,
    Object.entries(m.labels ?? {}).sort(),
    Object.entries(m.annotations ?? {}).sort(),
    m.finalizers ?? [],
    m.deletionTimestamp ?? null,
  ]);
}

export class ChangeFilter {
  /** key -> fingerprint of the object last seen; as many entries as the informer's cache holds. */
  private readonly seen = new Map<string, string>();

  /** Whether this event of the object under `key` changed something a reconcile acts on. */
  changed(key: string, obj: KubernetesObject, event: InformerEvent): boolean {
    if (event === 'delete') {
      this.seen.delete(key);
      return true;
    }
    const fingerprint = reconcileFingerprint(obj);
    const before = this.seen.get(key);
    this.seen.set(key, fingerprint);
    return event === 'add' || before !== fingerprint;
  }
}
