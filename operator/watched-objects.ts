/**
 * The informer caches the operator keeps: Clusters, Topics, Users, every kind of object it makes for a
 * Cluster or a User (watched by the managed-by label, so drift is repaired at once), the broker pods and the
 * brokers' volume claims (both carry the managed-by label of their StatefulSet's templates; the rolling
 * update reads the pods, the volume step the claims). One namespace, or all.
 */
import {
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  KubernetesObjectApi,
  type V1PersistentVolumeClaim,
  type V1Pod,
} from '@kubernetes/client-node';
import {
  API_VERSION,
  CLUSTER_PLURAL,
  type Cluster,
  GROUP,
  TOPIC_PLURAL,
  type Topic,
  USER_PLURAL,
  type User,
  VERSION,
} from './api/v1alpha1.js';
import { Informer } from './kube/informer.js';
import { MANAGED_SELECTOR } from './planning/labels.js';

/**
 * Kinds the operator makes for Clusters and Users (Secrets: the Users' credentials), watched (by the
 * managed-by label) to repair drift at once.
 */
const OWNED_KINDS = [
  { apiVersion: 'apps/v1', kind: 'StatefulSet', plural: 'statefulsets' },
  { apiVersion: 'v1', kind: 'Service', plural: 'services' },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps' },
  { apiVersion: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', plural: 'roles' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', plural: 'rolebindings' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets' },
  { apiVersion: 'v1', kind: 'Secret', plural: 'secrets' },
] as const;

function apiPath(apiVersion: string, plural: string, namespace: string | undefined): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${namespace}/${plural}`;
}

export type OwnedPlural = (typeof OWNED_KINDS)[number]['plural'];

export interface WatchedObjects {
  clusters: Informer<Cluster>;
  topics: Informer<Topic>;
  users: Informer<User>;
  /** One per kind of `OWNED_KINDS`, in that order. */
  owned: Array<Informer<KubernetesObject>>;
  pods: Informer<V1Pod>;
  claims: Informer<V1PersistentVolumeClaim>;
}

/** The informers (not started) for namespace `ns`, or every namespace when undefined. */
export function watchedObjects(
  kc: KubeConfig,
  ns: string | undefined,
  onInformerError: (name: string, err: unknown, retryInMs: number) => void,
): WatchedObjects {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const customInformer = <T extends KubernetesObject>(plural: string) =>
    new Informer<T>(kc, {
      name: plural,
      path: apiPath(API_VERSION, plural, ns),
      list: async () =>
        (ns === undefined
          ? await custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural })
          : await custom.listNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace: ns,
              plural,
            })) as KubernetesListObject<T>,
      onError: onInformerError,
    });
  const owned = OWNED_KINDS.map(
    ({ apiVersion, kind, plural }) =>
      new Informer<KubernetesObject>(kc, {
        name: plural,
        path: apiPath(apiVersion, plural, ns),
        labelSelector: MANAGED_SELECTOR,
        list: () =>
          objects.list(apiVersion, kind, ns, undefined, undefined, undefined, undefined, MANAGED_SELECTOR),
        onError: onInformerError,
      }),
  );
  const coreInformer = <T extends KubernetesObject>(kind: string, plural: string) =>
    new Informer<T>(kc, {
      name: plural,
      path: apiPath('v1', plural, ns),
      labelSelector: MANAGED_SELECTOR,
      list: async () =>
        (await objects.list(
          'v1',
          kind,
          ns,
          undefined,
          undefined,
          undefined,
          undefined,
          MANAGED_SELECTOR,
        )) as KubernetesListObject<T>,
      onError: onInformerError,
    });
  return {
    clusters: customInformer<Cluster>(CLUSTER_PLURAL),
    topics: customInformer<Topic>(TOPIC_PLURAL),
    users: customInformer<User>(USER_PLURAL),
    owned,
    pods: coreInformer<V1Pod>('Pod', 'pods'),
    claims: coreInformer<V1PersistentVolumeClaim>('PersistentVolumeClaim', 'persistentvolumeclaims'),
  };
}

/** The informer of owned kind `plural`. */
export function ownedInformer<T extends KubernetesObject>(
  watched: WatchedObjects,
  plural: OwnedPlural,
): Informer<T> {
  const i = OWNED_KINDS.findIndex((k) => k.plural === plural);
  return watched.owned[i] as unknown as Informer<T>;
}
