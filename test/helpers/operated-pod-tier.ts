import { createRequire } from 'node:module';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { CLUSTER_PLURAL, type Cluster } from '../../operator/api/v1alpha1.js';
import { waitFor } from './cluster.js';
import type { LocalImage } from './node-agent/local-image.js';
import {
  installCrds,
  type OperatorProcess,
  operatorIdentity,
  Resources,
  readyOf,
  startOperator,
} from './operator.js';
import { type PodTier, startPodTier } from './pod-tier.js';

/**
 * The pod tier with the operator running on it, as the rolling-update test and the 1 GiB benchmark use it:
 * three nodes, a namespace, the CRDs, the operator under the chart's RBAC (its lease raised: the 2 cores are
 * shared), and this process resolving the brokers' advertised names as the operator does.
 */
export interface OperatedPodTier {
  tier: PodTier;
  core: CoreV1Api;
  apps: AppsV1Api;
  resources: Resources;
  /** The operator's kubeconfig (its ServiceAccount with the chart's rules), for restarting it. */
  operatorKubeconfig: string;
  operatorArgs: string[];
  operator: OperatorProcess;
}

export const OPERATOR_ARGS = [
  '--status-refresh-ms',
  '1000',
  '--lease-duration-seconds',
  '15',
  '--renew-deadline-ms',
  '10000',
];

export async function startOperatedPodTier(options: {
  namespace: string;
  identity: string;
  images?: LocalImage[];
}): Promise<OperatedPodTier> {
  const tier = await startPodTier({
    nodes: 3,
    backoff: { baseMs: 1000, maxMs: 4000 },
    ...(options.images === undefined ? {} : { images: options.images }),
  });
  process.env['TRIBUTARY_POD_TIER_HOSTS'] = tier.hostsPath;
  createRequire(import.meta.url)('./node-agent/pod-network.cjs');
  const core = tier.kc.makeApiClient(CoreV1Api);
  const apps = tier.kc.makeApiClient(AppsV1Api);
  let operatorKubeconfig: string;
  let operator: OperatorProcess;
  try {
    await core.createNamespace({ body: { metadata: { name: options.namespace } } });
    await installCrds(tier.kc);
    operatorKubeconfig = await operatorIdentity(tier.plane);
    operator = await startOperator({
      kubeconfig: operatorKubeconfig,
      identity: options.identity,
      args: OPERATOR_ARGS,
      env: tier.hostEnv,
    });
  } catch (err) {
    // The caller never gets the tier to stop: its processes and directories would outlive the test.
    await tier.stop();
    throw err;
  }
  return {
    tier,
    core,
    apps,
    resources: new Resources(tier.kc, options.namespace),
    operatorKubeconfig,
    operatorArgs: OPERATOR_ARGS,
    operator,
  };
}

/** Waits until the Cluster is Ready and names a controller; answers it. */
export function clusterReadyWithController(
  resources: Resources,
  name: string,
  timeoutMs: number,
): Promise<Cluster> {
  return waitFor(
    'Cluster Ready with a controller',
    async () => {
      const c = await resources.get<Cluster>(CLUSTER_PLURAL, name);
      return readyOf(c)?.status === 'True' && c?.status?.controller !== undefined ? c : undefined;
    },
    timeoutMs,
  );
}

/** The brokers' bootstrap list: every pod of the namespace at its IP and the broker port. */
export async function podBootstrap(core: CoreV1Api, namespace: string): Promise<string> {
  const pods = (await core.listNamespacedPod({ namespace })).items;
  return pods.map((p) => `${p.status!.podIP}:9292`).join(',');
}
