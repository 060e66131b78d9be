/**
 * The pod tier: a control plane where pods really run (docs/operations.md, "The pod tier"). One call
 * starts, from the binaries hack/kube.sh cached:
 *
 * - etcd and kube-apiserver (with the ServiceAccount admission plugin, so pods get their token volume);
 * - kube-controller-manager with the controllers a cluster needs for pods and volumes (StatefulSet,
 *   ReplicaSet, Deployment, garbage collector, disruption, service accounts and the root CA ConfigMap, PersistentVolume binder and expander, PVC/PV protection, node lifecycle, pod GC,
 *   namespace deletion);
 * - kube-scheduler;
 * - the node agent (node-agent/) with `nodes` Nodes in distinct zones, playing their kubelets;
 * - the local provisioner, serving the default StorageClass `tributary-local` (volume expansion allowed).
 *
 * Not the EndpointSlice controller: kube-apiserver refuses the pods' loopback addresses in EndpointSlices
 * (node-agent/cluster-dns.ts computes the endpoints itself).
 *
 * `stop` stops what it started, in reverse order (containers first), and removes its directories.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { waitFor } from './cluster.js';
import { type KubeControlPlane, startKubeControlPlane } from './kube-apiserver.js';
import { type LocalImage, nodeImage, treeImage, treeVersion } from './node-agent/local-image.js';
import { LocalProvisioner } from './node-agent/local-provisioner.js';
import { NodeAgent, type NodeSpec } from './node-agent/node-agent.js';
import { adminConfig } from './operator.js';

export const STORAGE_CLASS = 'tributary-local';
export const NODE_IMAGE = 'tributary.test/node:20';
const NETWORK_HOOK = new URL('./node-agent/pod-network.cjs', import.meta.url).pathname;

const TIER_CONTROLLERS = [
  'garbage-collector-controller',
  'statefulset-controller',
  'deployment-controller',
  'replicaset-controller',
  'disruption-controller',
  'serviceaccount-controller',
  'root-ca-certificate-publisher-controller',
  'persistentvolume-binder-controller',
  'persistentvolume-expander-controller',
  'persistentvolumeclaim-protection-controller',
  'persistentvolume-protection-controller',
  'node-lifecycle-controller',
  'taint-eviction-controller',
  'pod-garbage-collector-controller',
  'namespace-controller',
];

export interface PodTierOptions {
  /** How many nodes (default 3), in zones zone-a, zone-b, ... */
  nodes?: number;
  /** The container restart back-off (default the kubelet's, 10 s doubling to 5 min). */
  backoff?: { baseMs: number; maxMs: number };
  /** Extra images (by reference) beside the defaults. */
  images?: LocalImage[];
}

export interface PodTier {
  readonly plane: KubeControlPlane;
  readonly kc: KubeConfig;
  readonly agent: NodeAgent;
  readonly provisioner: LocalProvisioner;
  readonly nodes: readonly NodeSpec[];
  /** Image references: this checkout, and the same tree reporting the next patch version. */
  readonly images: { readonly current: string; readonly next: string; readonly node: string };
  readonly versions: { readonly current: string; readonly next: string };
  /** The hosts file of cluster names (pod-network.cjs reads it for host processes). */
  readonly hostsPath: string;
  /** Environment for a host process (the operator, a client) that must resolve cluster names. */
  readonly hostEnv: Readonly<Record<string, string>>;
  /** Lines of the agent's own log (pods started, killed, ...). */
  readonly agentLog: string[];
  stop(): Promise<void>;
}

function nextPatch(version: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) throw new Error(`version ${version} is not semantic`);
  return `${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
}

export async function startPodTier(options: PodTierOptions = {}): Promise<PodTier> {
  const nodeCount = options.nodes ?? 3;
  const dir = mkdtempSync(join(tmpdir(), 'tributary-pod-tier-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    const current = treeVersion();
    const next = nextPatch(current);
    const images = new Map<string, LocalImage>();
    const add = (image: LocalImage) => images.set(image.ref, image);
    add(treeImage(`tributary/broker:${current}`, { workDir: join(dir, 'images') }));
    add(treeImage(`tributary/broker:${next}`, { version: next, workDir: join(dir, 'images') }));
    add(nodeImage(NODE_IMAGE));
    for (const image of options.images ?? []) add(image);

    const plane = await startKubeControlPlane({
      controllerManager: true,
      scheduler: true,
      serviceAccountAdmission: true,
      controllers: TIER_CONTROLLERS,
    });
    cleanups.push(() => plane.stop());
    const kc = adminConfig(plane);
    const agentLog: string[] = [];
    const log = (message: string, fields?: Record<string, unknown>) => {
      agentLog.push(JSON.stringify({ time: new Date().toISOString(), message, ...fields }));
      if (agentLog.length > 20_000) agentLog.splice(0, 10_000);
    };
    const nodes: NodeSpec[] = Array.from({ length: nodeCount }, (_, i) => ({
      name: `node-${i + 1}`,
      zone: `zone-${String.fromCharCode(97 + i)}`,
    }));
    const api = new URL(plane.server);
    const hostsPath = join(dir, 'hosts');
    const agent = new NodeAgent({
      kc,
      nodes,
      images,
      apiServer: { host: api.hostname, port: Number(api.port) },
      addressOctet: 100 + Math.floor(Math.random() * 150),
      dir: join(dir, 'agent'),
      hostsPath,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      log,
    });
    cleanups.push(() => agent.stop());
    await agent.start();
    const provisioner = new LocalProvisioner({
      kc,
      storageClass: STORAGE_CLASS,
      isDefault: true,
      dir: join(dir, 'volumes'),
      log,
    });
    cleanups.push(() => provisioner.stop());
    await provisioner.start();
    // Pods name a ServiceAccount (the admission plugin refuses them until `default` exists).
    const core = kc.makeApiClient(CoreV1Api);
    await waitFor('the default ServiceAccount', async () =>
      (await core.listNamespacedServiceAccount({ namespace: 'default' })).items.some(
        (sa) => sa.metadata?.name === 'default',
      )
        ? true
        : undefined,
    );
    return {
      plane,
      kc,
      agent,
      provisioner,
      nodes,
      images: { current: `tributary/broker:${current}`, next: `tributary/broker:${next}`, node: NODE_IMAGE },
      versions: { current, next },
      hostsPath,
      hostEnv: { NODE_OPTIONS: `--require ${NETWORK_HOOK}`, TRIBUTARY_POD_TIER_HOSTS: hostsPath },
      agentLog,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
