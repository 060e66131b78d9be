/**
 * Owner references from a Cluster to the objects made for it. `controller: true` marks the Cluster as
 * the one controller of each object, so the garbage collector deletes them with the Cluster and no other
 * controller adopts them. `blockOwnerDeletion` is left unset: setting it needs `update` on the owner's
 * finalizers where the OwnerReferencesPermissionEnforcement admission plugin runs, which the operator's
 * ClusterRole does not grant for clusters.
 */
import type { V1OwnerReference } from '@kubernetes/client-node';

export interface Owner {
  apiVersion?: string;
  kind?: string;
  metadata: { name?: string; uid?: string };
}

export function controllerReference(owner: Owner, apiVersion: string, kind: string): V1OwnerReference {
  const { name, uid } = owner.metadata;
  if (name === undefined || uid === undefined || name === '' || uid === '') {
    throw new Error(`cannot reference ${kind} without a name and uid`);
  }
  return { apiVersion, kind, name, uid, controller: true };
}

/** The owner `kind` named by an object's controller reference, when it has one of that kind. */
export function controllerOf(
  obj: { metadata?: { ownerReferences?: V1OwnerReference[] } },
  apiVersion: string,
  kind: string,
): string | undefined {
  const ref = obj.metadata?.ownerReferences?.find(
    (r) => r.controller === true && r.kind === kind && r.apiVersion === apiVersion,
  );
  return ref?.name;
}
