/**
 * Labels, annotations and finalizers the operator puts on objects. Every object made for a Cluster carries
 * the five standard `app.kubernetes.io/*` labels; the StatefulSet selects its pods by three of them (name,
 * instance, component), which never change for a Cluster, because a selector is immutable.
 */
export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';

export const APP_NAME = 'tributary';
export const MANAGED_BY = 'tributary-operator';
export const COMPONENT_BROKER = 'broker';

/** Selects every object the operator made (its informers of owned kinds watch only these). */
export const MANAGED_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;

/** sha256 (hex, first 16 characters) of the broker ConfigMap's data, on the pod template. */
export const ANNOTATION_CONFIG_HASH = 'tributary.dev/config-hash';
/**
 * On a Cluster: any new value restarts every broker (a rolling restart). Copied onto the pod template, so a
 * new value makes a new StatefulSet revision that the roller rolls like any other change.
 */
export const ANNOTATION_RESTART = 'tributary.dev/restart';
/** `"false"` on a Topic: the operator leaves the broker topic alone. */
export const ANNOTATION_MANAGED = 'tributary.dev/managed';
/** Held by every Topic until its broker topic is deleted. */
export const TOPIC_FINALIZER = 'tributary.dev/topic';
/** Held by every User until the brokers forgot it (credentials, ACLs, quotas) and its Secret is gone. */
export const USER_FINALIZER = 'tributary.dev/user';
/** Keeps a deleted Cluster until its broker pods are gone, so their identity (ServiceAccount, Role) outlives them. */
export const CLUSTER_FINALIZER = 'tributary.dev/cluster';

/** The labels that select a Cluster's broker pods. */
export function selectorLabels(cluster: string): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: cluster, [LABEL_COMPONENT]: COMPONENT_BROKER };
}

/** The standard labels of every object made for a Cluster. */
export function clusterLabels(cluster: string): Record<string, string> {
  return { ...selectorLabels(cluster), [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_PART_OF]: APP_NAME };
}

/** A label map in the string form of a label selector (`k=v,k=v`, keys sorted). */
export function selectorString(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}
