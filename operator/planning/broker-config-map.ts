/**
 * The ConfigMap `<name>-config` holding `broker.yaml` (the Cluster's spec.config), mounted read-only at
 * /etc/tributary in every broker. Its hash goes on the pod template (`tributary.dev/config-hash`), so a
 * changed config shows on the StatefulSet and the roller (a later issue) knows which brokers run an old one.
 */
import { createHash } from 'node:crypto';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { clusterNames } from './cluster-names.js';
import { ownedMeta, type ResolvedCluster } from './resolved-cluster.js';

export const BROKER_CONFIG_FILE = 'broker.yaml';
export const BROKER_CONFIG_DIR = '/etc/tributary';

export function brokerConfigMap(ctx: ResolvedCluster, brokerYaml: string): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: ownedMeta(ctx, clusterNames(ctx.name).configMap),
    data: { [BROKER_CONFIG_FILE]: brokerYaml },
  };
}

/** First 16 hex characters of the sha256 of the config text. */
export function configHash(brokerYaml: string): string {
  return createHash('sha256').update(brokerYaml).digest('hex').slice(0, 16);
}
