/**
 * The ConfigMap `<name>-config-<hash>` holding `broker.yaml` (the Cluster's spec.config), mounted read-only
 * at /etc/tributary in every broker. One ConfigMap per config content, never changed once made: the pod
 * template names the one it mounts, so the config is part of the pod's revision. A broker restarted for any
 * reason runs the config its pod was rolled to, never one no roll has vetted (docs/architecture.md,
 * "Config is part of the pod's revision"). The hash is also on the pod template (`tributary.dev/config-hash`).
 * Old ones are deleted once no pod mounts them (config-map-retention.ts).
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
    metadata: ownedMeta(ctx, configMapName(ctx.name, configHash(brokerYaml))),
    // Immutable: a changed config is a new ConfigMap, and the API server refuses edits of this one.
    immutable: true,
    data: { [BROKER_CONFIG_FILE]: brokerYaml },
  };
}

export function configMapName(cluster: string, hash: string): string {
  return `${clusterNames(cluster).configMap}-${hash}`;
}

/** First 16 hex characters of the sha256 of the config text. */
export function configHash(brokerYaml: string): string {
  return createHash('sha256').update(brokerYaml).digest('hex').slice(0, 16);
}
