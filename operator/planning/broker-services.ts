/**
 * The brokers' Services. The headless `<name>-brokers` gives each pod a stable DNS name
 * (`<pod>.<name>-brokers.<namespace>.svc`, the address each broker advertises) and publishes pods before
 * they are ready, because brokers must reach each other to become ready (replication, the controller).
 * The `<name>-bootstrap` ClusterIP Service is where clients start: it lists ready brokers only.
 */
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { clusterNames } from './cluster-names.js';
import { selectorLabels } from './labels.js';
import { ownedMeta, type ResolvedCluster } from './resolved-cluster.js';

function clientPort(ctx: ResolvedCluster): V1ServicePort {
  const port = ctx.spec.listeners.client.port;
  return { name: 'client', port, targetPort: 'client', protocol: 'TCP', appProtocol: 'grpc' };
}

export function headlessService(ctx: ResolvedCluster): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(ctx, clusterNames(ctx.name).headlessService),
    spec: {
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: selectorLabels(ctx.name),
      ports: [
        clientPort(ctx),
        { name: 'metrics', port: ctx.spec.listeners.metrics.port, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

export function bootstrapService(ctx: ResolvedCluster): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: ownedMeta(ctx, clusterNames(ctx.name).bootstrapService),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(ctx.name),
      ports: [clientPort(ctx)],
    },
  };
}
