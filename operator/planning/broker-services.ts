/**
 * The brokers' Services. The headless `<name>-brokers` gives each pod a stable DNS name
 * (`<pod>.<name>-brokers.<namespace>.svc`, the address each broker advertises) and publishes pods before
 * they are ready, because brokers must reach each other to become ready (replication, the controller).
 * The `<name>-bootstrap` ClusterIP Service is where clients start: it lists ready brokers only.
 */
import type { V1Service, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { clusterNames } from './cluster-names.js';
import { selectorLabels } from './labels.js';
import { ownedMeta, type ResolvedCluster } from './resolved-cluster.js';

function clientPort(ctx: ResolvedCluster): V1ServicePort {
  const port = ctx.spec.listeners.client.port;
  return { name: 'client', port, targetPort: 'client', protocol: 'TCP', appProtocol: 'grpc' };
}

/** A Service of the cluster's brokers (owned by the Cluster, selecting its broker pods). */
function brokerService(ctx: ResolvedCluster, name: string, spec: Omit<V1ServiceSpec, 'selector'>): V1Service {
  // Keys in the order the Services were always written: the selector before the ports.
  const { ports, ...rest } = spec;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(ctx, name),
    spec: { ...rest, selector: selectorLabels(ctx.name), ports },
  };
}

export function headlessService(ctx: ResolvedCluster): V1Service {
  return brokerService(ctx, clusterNames(ctx.name).headlessService, {
    clusterIP: 'None',
    publishNotReadyAddresses: true,
    ports: [
      clientPort(ctx),
      { name: 'metrics', port: ctx.spec.listeners.metrics.port, targetPort: 'metrics', protocol: 'TCP' },
    ],
  });
}

export function bootstrapService(ctx: ResolvedCluster): V1Service {
  return brokerService(ctx, clusterNames(ctx.name).bootstrapService, {
    type: 'ClusterIP',
    ports: [clientPort(ctx)],
  });
}
