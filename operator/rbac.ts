/**
 * The operator's ClusterRole (the contract of issue 5): what it reads, what it makes for Clusters, and
 * nothing else. The chart's ClusterRole must grant these rules; the control-plane tests run the operator
 * with a token bound to exactly them, so a missing rule fails a test.
 *
 * Kubernetes lets the operator create the brokers' Role only with every permission that Role grants
 * (leases and configmaps: get, list, watch, create, update, delete), which is why it holds them itself.
 */
import type { V1PolicyRule } from '@kubernetes/client-node';

const OWN = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];

export const OPERATOR_CLUSTER_ROLE_RULES: readonly V1PolicyRule[] = [
  {
    apiGroups: ['tributary.dev'],
    resources: ['clusters', 'topics'],
    verbs: ['get', 'list', 'watch', 'update', 'patch'],
  },
  { apiGroups: ['tributary.dev'], resources: ['topics/finalizers'], verbs: ['update'] },
  {
    apiGroups: ['tributary.dev'],
    resources: ['clusters/status', 'topics/status'],
    verbs: ['update', 'patch'],
  },
  { apiGroups: [''], resources: ['serviceaccounts', 'configmaps', 'services'], verbs: OWN },
  { apiGroups: ['apps'], resources: ['statefulsets'], verbs: OWN },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: OWN },
  { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: OWN },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  {
    apiGroups: ['coordination.k8s.io'],
    resources: ['leases'],
    verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'],
  },
  { apiGroups: ['', 'events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];
