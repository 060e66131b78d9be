/**
 * The brokers' PodDisruptionBudget: voluntary disruptions (node drains, cluster upgrades) take one broker
 * at a time, the same rule the operator's own roller follows.
 */
import type { V1PodDisruptionBudget } from '@kubernetes/client-node';
import { clusterNames } from './cluster-names.js';
import { selectorLabels } from './labels.js';
import { ownedMeta, type ResolvedCluster } from './resolved-cluster.js';

export function brokerDisruptionBudget(ctx: ResolvedCluster): V1PodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: ownedMeta(ctx, clusterNames(ctx.name).podDisruptionBudget),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(ctx.name) } },
  };
}
