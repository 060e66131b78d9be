/**
 * A Cluster resolved for planning (named apart from the broker's view of its own cluster): what every
 * object made for one Cluster needs to know: its identity, its spec with defaults filled in,
 * and the metadata (labels, owner reference) each owned object carries.
 *
 * The API server fills the CRD's defaults into every stored Cluster; they are filled here again so that
 * planning works on any object (a test's literal, one stored before a default was added).
 */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, CLUSTER_KIND, type Cluster, type ClusterSpec } from '../api/v1alpha1.js';
import { ANNOTATION_RESTART, clusterLabels } from './labels.js';
import { controllerReference } from './owner-reference.js';

export const DEFAULT_CLIENT_PORT = 9292;
export const DEFAULT_METRICS_PORT = 9644;
export const DEFAULT_STORAGE_SIZE = '10Gi';
export const DEFAULT_RACK_TOPOLOGY_KEY = 'topology.kubernetes.io/zone';
export const DEFAULT_BROKERS = 3;
export const DEFAULT_BALANCING_MODE = 'onScale';
export const DEFAULT_SCALE_DOWN_VOLUMES = 'Keep';

export interface ResolvedCluster {
  readonly name: string;
  readonly namespace: string;
  readonly generation: number;
  readonly spec: ClusterSpec;
  readonly owner: V1OwnerReference;
  readonly labels: Readonly<Record<string, string>>;
  /** The Cluster's `tributary.dev/restart` annotation, copied onto the pod template. */
  readonly restart: string | undefined;
}

export function withDefaults(spec: Partial<ClusterSpec>): ClusterSpec {
  return {
    ...spec,
    brokers: spec.brokers ?? DEFAULT_BROKERS,
    version: spec.version ?? '',
    storage: { ...spec.storage, size: spec.storage?.size ?? DEFAULT_STORAGE_SIZE },
    listeners: {
      client: { port: spec.listeners?.client?.port ?? DEFAULT_CLIENT_PORT },
      metrics: { port: spec.listeners?.metrics?.port ?? DEFAULT_METRICS_PORT },
    },
    rack: { topologyKey: spec.rack?.topologyKey ?? DEFAULT_RACK_TOPOLOGY_KEY },
    balancing: { ...spec.balancing, mode: spec.balancing?.mode ?? DEFAULT_BALANCING_MODE },
    scaleDownPolicy: { volumes: spec.scaleDownPolicy?.volumes ?? DEFAULT_SCALE_DOWN_VOLUMES },
  };
}

export function resolveCluster(cluster: Cluster): ResolvedCluster {
  const { name, namespace, generation } = cluster.metadata;
  if (name === undefined || namespace === undefined) throw new Error('a Cluster needs a name and namespace');
  return {
    name,
    namespace,
    generation: generation ?? 0,
    spec: withDefaults(cluster.spec ?? {}),
    owner: controllerReference(cluster, API_VERSION, CLUSTER_KIND),
    labels: clusterLabels(name),
    restart: cluster.metadata.annotations?.[ANNOTATION_RESTART],
  };
}

/** Metadata of an object named `name` made for the Cluster: its namespace, labels and owner. */
export function ownedMeta(ctx: ResolvedCluster, name: string): V1ObjectMeta {
  return { name, namespace: ctx.namespace, labels: { ...ctx.labels }, ownerReferences: [{ ...ctx.owner }] };
}
