/**
 * Adding and removing one finalizer on a custom resource. A JSON merge patch of `metadata.finalizers`
 * that carries the `resourceVersion` the decision was made on: the server refuses it (409) if the object
 * changed meanwhile, so another controller's finalizer is never dropped by a stale list, and a patch of an
 * object already gone fails with 404 instead of recreating it (as an apply would).
 */
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describeApiError, isConflict, isNotFound } from './api-error.js';
import type { ReconcileOutcome } from './work-queue.js';

export interface FinalizerTarget {
  metadata: { name?: string; namespace?: string; resourceVersion?: string; finalizers?: string[] };
}

/**
 * A finalizer patch as a reconcile sees it: the object as stored, or the reconcile's answer when the patch
 * could not land (404: the object is gone, done; 409: it changed meanwhile, again after the back-off from
 * the newer state, since a change of the status alone queues nothing).
 */
export type FinalizerStep<T> = { object: T } | { done: ReconcileOutcome | undefined };

export class Finalizers {
  private readonly api: CustomObjectsApi;

  constructor(
    kubeConfig: KubeConfig,
    private readonly group: string,
    private readonly version: string,
    private readonly plural: string,
  ) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  static has(object: FinalizerTarget, finalizer: string): boolean {
    return object.metadata.finalizers?.includes(finalizer) ?? false;
  }

  /** Adds `finalizer` unless present; answers the object as stored (or `object` when nothing changed). */
  async add<T extends FinalizerTarget>(object: T, finalizer: string): Promise<T> {
    if (Finalizers.has(object, finalizer)) return object;
    return this.patch(object, [...(object.metadata.finalizers ?? []), finalizer]);
  }

  async remove<T extends FinalizerTarget>(object: T, finalizer: string): Promise<T> {
    if (!Finalizers.has(object, finalizer)) return object;
    return this.patch(
      object,
      (object.metadata.finalizers ?? []).filter((f) => f !== finalizer),
    );
  }

  /** `add` for a reconcile: 404 and 409 become its answer, anything else a thrown error. */
  ensure<T extends FinalizerTarget>(object: T, finalizer: string): Promise<FinalizerStep<T>> {
    return Finalizers.step('adding', () => this.add(object, finalizer));
  }

  /** `remove` for a reconcile, with the same mapping as `ensure`. */
  release<T extends FinalizerTarget>(object: T, finalizer: string): Promise<FinalizerStep<T>> {
    return Finalizers.step('removing', () => this.remove(object, finalizer));
  }

  private static async step<T>(what: string, patch: () => Promise<T>): Promise<FinalizerStep<T>> {
    try {
      return { object: await patch() };
    } catch (err) {
      if (isNotFound(err)) return { done: undefined };
      if (isConflict(err)) return { done: { backoff: true } };
      throw new Error(`${what} the finalizer: ${describeApiError(err)}`);
    }
  }

  private async patch<T extends FinalizerTarget>(object: T, finalizers: string[]): Promise<T> {
    const { name, namespace, resourceVersion } = object.metadata;
    if (name === undefined || namespace === undefined || resourceVersion === undefined) {
      throw new Error('a finalizer patch needs the name, namespace and resourceVersion');
    }
    return (await this.api.patchNamespacedCustomObject(
      {
        group: this.group,
        version: this.version,
        namespace,
        plural: this.plural,
        name,
        body: { metadata: { finalizers, resourceVersion } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as T;
  }
}
