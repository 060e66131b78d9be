/** Names of the objects made for Cluster `<name>`, and its broker addresses (the contract of issue 5). */
export const clusterNames = (cluster: string) => ({
  serviceAccount: `${cluster}-broker`,
  role: `${cluster}-broker`,
  roleBinding: `${cluster}-broker`,
  /** The ConfigMaps' common prefix: one `<prefix>-<hash>` per config content (broker-config-map.ts). */
  configMap: `${cluster}-config`,
  headlessService: `${cluster}-brokers`,
  bootstrapService: `${cluster}-bootstrap`,
  statefulSet: cluster,
  podDisruptionBudget: cluster,
});

/** `<name>-bootstrap.<namespace>.svc:<port>`: where clients (and the operator) reach the brokers. */
export function bootstrapAddress(cluster: string, namespace: string, clientPort: number): string {
  return `${clusterNames(cluster).bootstrapService}.${namespace}.svc:${clientPort}`;
}
