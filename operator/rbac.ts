/**
 * The operator's ClusterRole: what it reads, what it makes for Clusters, and nothing else (narrower than
 * the contract of issue 5, which also granted update on the CRDs and their finalizers: the code calls
 * none of them). The chart's ClusterRole must grant these rules; the control-plane tests run the operator
 * with a token bound to exactly them, so a missing rule fails a test.
 *
 * Kubernetes lets the operator create the brokers' Role only with every permission that Role grants
 * (leases and configmaps: get, list, watch, create, update, delete), which is why it holds them itself.
 */
import type { V1PolicyRule } from '@kubernetes/client-node';

const OWN = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export const OPERATOR_CLUSTER_ROLE_RULES: readonly V1PolicyRule[] = [
  // Read through informers; Clusters and Topics patched for their finalizer (a JSON merge patch of
  // metadata.finalizers).
  { apiGroups: ['tributary.dev'], resources: ['clusters'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['tributary.dev'], resources: ['topics'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['tributary.dev'], resources: ['users'], verbs: ['get', 'list', 'watch', 'patch'] },
  // Statuses are written by server-side apply, a patch.
  {
    apiGroups: ['tributary.dev'],
    resources: ['clusters/status', 'topics/status', 'users/status'],
    verbs: ['patch'],
  },
  // Secrets: the Users' credentials (written, watched by the managed-by label, deleted with the User), the
  // password Secrets Users refer to and the clients CA (read with a GET).
  { apiGroups: [''], resources: ['serviceaccounts', 'configmaps', 'services', 'secrets'], verbs: OWN },
  // Broker pods: watched and deleted one at a time by the rolling update (revisions come from the
  // StatefulSet's status and the pods' controller-revision-hash label, so no controllerrevisions).
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'delete'] },
  // The brokers' volume claims (made by the StatefulSet controller): watched, and patched to expand them.
  { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: OWN },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: OWN },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: OWN },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
  },
  // Events are created (events.k8s.io/v1), never updated.
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create'] },
];
