/**
 * Writes the status of Tributary resources through the status subresource, only when it changed.
 *
 * The status is applied (server-side apply, field manager `tributary-operator`, force) as a whole: fields
 * the operator leaves out are removed, and an apply never bumps `metadata.generation` (status does not).
 * The comparison is with the status of the object the reconcile read, so an unchanged status costs no
 * request and no watch event. Right after a write the cache may still hold the object as it was before
 * (the watch event of the write not yet arrived): the writer remembers, per object, the status it wrote
 * and the resourceVersion it wrote over, and skips the same status over that same stale version.
 */

import { isDeepStrictEqual } from 'node:util';
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { FIELD_MANAGER } from './applier.js';

export interface StatusTarget<S> {
  metadata: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
  status?: S;
}

/** Objects whose last write is remembered, at most (the oldest is forgotten first). */
const REMEMBERED_MAX = 10_000;

/** `value` as it travels in JSON: undefined members gone, so comparisons ignore them. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function statusChanged<S>(current: S | undefined, desired: S): boolean {
  return !isDeepStrictEqual(plain(current ?? {}), plain(desired));
}

export class StatusWriter {
  private readonly api: CustomObjectsApi;
  /** uid -> the status last written (JSON) and the resourceVersion it was written over. */
  private readonly written = new Map<string, { json: string; over: string | undefined }>();

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
    const { name, namespace, uid, resourceVersion } = object.metadata;
    const json = JSON.stringify(plain(status));
    const last = uid === undefined ? undefined : this.written.get(uid);
    if (last !== undefined && last.json === json && last.over === resourceVersion) return false;
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
    if (uid !== undefined) {
      this.written.delete(uid);
      this.written.set(uid, { json, over: resourceVersion });
      if (this.written.size > REMEMBERED_MAX) this.written.delete(this.written.keys().next().value!);
    }
    return true;
  }
}
