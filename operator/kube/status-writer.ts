/**
 * Writes the status of Tributary resources through the status subresource, only when it changed.
 *
 * The status is applied (server-side apply, field manager `tributary-operator`, force) as a whole: fields
 * the operator leaves out are removed, and an apply never bumps `metadata.generation` (status does not).
 * The comparison is with the status of the object the reconcile read, so an unchanged status costs no
 * request and no watch event; after a write, the next reconcile may still see the older cached object
 * and apply the same status again, which the server treats as a no-op.
 */

import { isDeepStrictEqual } from 'node:util';
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { FIELD_MANAGER } from './applier.js';

export interface StatusTarget<S> {
  metadata: { name?: string; namespace?: string };
  status?: S;
}

/** `value` as it travels in JSON: undefined members gone, so comparisons ignore them. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function statusChanged<S>(current: S | undefined, desired: S): boolean {
  return !isDeepStrictEqual(plain(current ?? {}), plain(desired));
}

export class StatusWriter {
  private readonly api: CustomObjectsApi;

  /** Writes statuses of `kind` objects (URL segment `plural`) of API `group`/`version`. */
  constructor(
    kubeConfig: KubeConfig,
    private readonly group: string,
    private readonly version: string,
    private readonly plural: string,
    private readonly kind: string,
  ) {
    this.api = kubeConfig.makeApiClient(CustomObjectsApi);
  }

  /** Writes `status` on `object` unless equal to its current status; answers whether it wrote. */
  async write<S>(object: StatusTarget<S>, status: S): Promise<boolean> {
    if (!statusChanged(object.status, status)) return false;
    const { name, namespace } = object.metadata;
    if (name === undefined || namespace === undefined)
      throw new Error('status target needs a name and namespace');
    await this.api.patchNamespacedCustomObjectStatus(
      {
        group: this.group,
        version: this.version,
        namespace,
        plural: this.plural,
        name,
        body: {
          apiVersion: `${this.group}/${this.version}`,
          kind: this.kind,
          metadata: { name, namespace },
          status: plain(status),
        },
        fieldManager: FIELD_MANAGER,
        force: true,
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    );
    return true;
  }
}
