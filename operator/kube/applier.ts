/**
 * Server-side apply of the objects the operator owns. Every write sends the whole desired object under
 * one field manager, `tributary-operator`, with force: the operator owns the fields it sets (a person's
 * `kubectl edit` of them is undone at the next reconcile), fields it stops setting are removed, and fields
 * others set that it never sets are left alone. Applying an unchanged object is a no-op on the server:
 * no new resourceVersion, no watch event, so reconciling often is cheap and cannot loop.
 */
import {
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

import { isNotFound } from './api-error.js';

export const FIELD_MANAGER = 'tributary-operator';

export class Applier {
  private readonly objects: KubernetesObjectApi;

  constructor(kubeConfig: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  }

  /**
   * Deletes `object` in the foreground: it stays (with a deletionTimestamp) until the garbage collector
   * deleted every dependent that blocks it (a StatefulSet's pods, once they terminated). Gone already is done.
   */
  async deleteForeground(object: KubernetesObject): Promise<void> {
    try {
      await this.objects.delete(object, undefined, undefined, undefined, undefined, 'Foreground');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Applies `desired` (apiVersion, kind, metadata.name and namespace set) and answers the object as stored. */
  apply<T extends KubernetesObject>(desired: T): Promise<T> {
    if (!desired.apiVersion || !desired.kind || !desired.metadata?.name) {
      throw new Error('an applied object needs apiVersion, kind and metadata.name');
    }
    return this.objects.patch(
      desired,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}
