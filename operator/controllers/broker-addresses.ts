/**
 * Where the operator reaches a Cluster's brokers: its `status.bootstrap` (the `<name>-bootstrap` Service,
 * which resolves inside the Kubernetes cluster), unless a `--bootstrap-override <namespace>/<cluster>=
 * host:port[,host:port]` names another address, for an operator run outside the cluster (development) and
 * for tests whose brokers are local processes.
 */
import type { Cluster } from '../api/v1alpha1.js';

export class BrokerAddresses {
  /** `overrides`: `<namespace>/<cluster>` -> `host:port[,host:port]`. */
  constructor(private readonly overrides: ReadonlyMap<string, string> = new Map()) {}

  override(cluster: Cluster): string | undefined {
    return this.overrides.get(`${cluster.metadata.namespace}/${cluster.metadata.name}`);
  }

  /** The address to use, or undefined while the Cluster has none (never reconciled). */
  bootstrapOf(cluster: Cluster): string | undefined {
    return this.override(cluster) ?? cluster.status?.bootstrap;
  }
}
