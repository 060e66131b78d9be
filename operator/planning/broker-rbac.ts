/**
 * The brokers' identity in Kubernetes: a ServiceAccount, and a Role bound to it granting what the
 * Kubernetes DCS needs and nothing more (Lease objects for sessions and the controller lease, ConfigMaps
 * for cluster metadata, compare-and-set by resourceVersion), in the Cluster's namespace only.
 */
import type { V1PolicyRule, V1Role, V1RoleBinding, V1ServiceAccount } from '@kubernetes/client-node';
import { clusterNames } from './cluster-names.js';
import { ownedMeta, type ResolvedCluster } from './resolved-cluster.js';

const DCS_VERBS = ['get', 'list', 'watch', 'create', 'update', 'delete'];

export const BROKER_ROLE_RULES: readonly V1PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: DCS_VERBS },
  { apiGroups: [''], resources: ['configmaps'], verbs: DCS_VERBS },
];

export function brokerServiceAccount(ctx: ResolvedCluster): V1ServiceAccount {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: ownedMeta(ctx, clusterNames(ctx.name).serviceAccount),
  };
}

export function brokerRole(ctx: ResolvedCluster): V1Role {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: ownedMeta(ctx, clusterNames(ctx.name).role),
    rules: BROKER_ROLE_RULES.map((r) => ({ ...r, verbs: [...r.verbs], resources: [...(r.resources ?? [])] })),
  };
}

export function brokerRoleBinding(ctx: ResolvedCluster): V1RoleBinding {
  const names = clusterNames(ctx.name);
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: ownedMeta(ctx, names.roleBinding),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: names.role },
    subjects: [{ kind: 'ServiceAccount', name: names.serviceAccount, namespace: ctx.namespace }],
  };
}
