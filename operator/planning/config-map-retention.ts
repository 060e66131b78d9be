/**
 * Which of a Cluster's broker ConfigMaps (`<name>-config-<hash>`, see broker-config-map.ts; and the single
 * `<name>-config` of operator versions before it) may go. Pure. Kept: the one the pod template mounts, any
 * a pod still mounts (a pod not yet rolled), and the newest other one (the previous config, so a roll back is
 * one edit away). The rest are deleted.
 */
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { clusterNames } from './cluster-names.js';

export function configMapsToDelete(
  cluster: string,
  current: string,
  configMaps: readonly V1ConfigMap[],
  pods: readonly V1Pod[],
): string[] {
  const prefix = clusterNames(cluster).configMap;
  const ours = configMaps.filter((c) => {
    const name = c.metadata?.name ?? '';
    return (
      name === prefix ||
      (name.startsWith(`${prefix}-`) && /^[0-9a-f]{16}$/.test(name.slice(prefix.length + 1)))
    );
  });
  const mounted = new Set<string>();
  for (const pod of pods) {
    for (const v of pod.spec?.volumes ?? [])
      if (v.configMap?.name !== undefined) mounted.add(v.configMap.name);
  }
  const previous = ours
    .filter((c) => c.metadata?.name !== current)
    .sort(
      (a, b) => created(b) - created(a) || (b.metadata?.name ?? '').localeCompare(a.metadata?.name ?? ''),
    );
  return previous
    .slice(1)
    .map((c) => c.metadata?.name ?? '')
    .filter((name) => !mounted.has(name));
}

function created(c: V1ConfigMap): number {
  const t = c.metadata?.creationTimestamp;
  return t === undefined ? 0 : new Date(t).getTime();
}
