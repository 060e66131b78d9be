/**
 * The node agent: plays the kubelet for several Nodes of the pod tier (docs/architecture.md, "Pods that
 * really run, here"). For each node it
 *
 * - registers the Node: labels `kubernetes.io/hostname`, `kubernetes.io/os`, `kubernetes.io/arch`,
 *   `topology.kubernetes.io/zone` and `.../region`; capacity and allocatable (cpu, memory, pods,
 *   ephemeral-storage) so the scheduler binds pods; conditions Ready and no pressure; the node address
 *   (InternalIP 127.<tier>.<node>.1) and the kubelet version;
 * - renews its Lease in kube-node-lease (every 10 s of a 40 s lease, as the kubelet), which the node
 *   lifecycle controller of kube-controller-manager watches, and refreshes the Ready heartbeat;
 * - runs the pods bound to it (pod-worker.ts), each with its own loopback address 127.<tier>.<node>.<n>
 *   as pod IP (Linux routes all of 127.0.0.0/8 to lo, so binding any of them works).
 *
 * `<tier>` is a second octet picked per tier, so two tiers on one machine never share addresses.
 * One watch of all pods feeds every node (the agent filters on spec.nodeName).
 */

import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CoordinationV1Api,
  CoreV1Api,
  type Informer,
  type KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import type { BackoffPolicy } from '../../../kit/backoff.js';
import { isConflict, isNotFound } from '../../../operator/kube/api-error.js';
import { ClusterDns } from './cluster-dns.js';
import type { LocalImage } from './local-image.js';
import { type NodeContext, PodWorker } from './pod-worker.js';

const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const KUBELET_VERSION = 'v1.34.4';
const NETWORK_HOOK = fileURLToPath(new URL('./pod-network.cjs', import.meta.url));
const INFORMER_RESTART_MS = 1000;
/** Pod addresses per node: 127.<tier>.<node>.2 .. .254. */
const POD_HOST_MIN = 2;
const POD_HOST_MAX = 254;

export interface NodeSpec {
  readonly name: string;
  readonly zone: string;
  readonly region?: string;
  /** Capacity (the same is allocatable). Default: cpu 8, memory 32Gi, pods 110, ephemeral-storage 100Gi. */
  readonly capacity?: Readonly<Record<string, string>>;
}

export interface NodeAgentOptions {
  readonly kc: KubeConfig;
  readonly nodes: readonly NodeSpec[];
  readonly images: ReadonlyMap<string, LocalImage>;
  /** The API server as pods reach it (KUBERNETES_SERVICE_HOST/PORT). */
  readonly apiServer: { readonly host: string; readonly port: number };
  /** The second octet of every address of this tier (1..254, not 0). */
  readonly addressOctet: number;
  /** Pods' directories and logs go below it. */
  readonly dir: string;
  readonly hostsPath: string;
  /** Container restart back-off (the kubelet's: 10 s doubling to 5 min). */
  readonly backoff?: BackoffPolicy;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

const DEFAULT_CAPACITY = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };

interface NodeState {
  readonly spec: NodeSpec;
  readonly index: number;
  readonly hostIp: string;
  readonly context: NodeContext;
  readonly usedHosts: Set<number>;
}

export class NodeAgent {
  private readonly core: CoreV1Api;
  private readonly leases: CoordinationV1Api;
  readonly dns: ClusterDns;
  private readonly nodes = new Map<string, NodeState>();
  /** Pod UID -> worker. */
  private readonly workers = new Map<string, PodWorker>();
  private podInformer?: Informer<V1Pod>;
  private leaseTimer?: NodeJS.Timeout;
  private stopped = false;
  /** Containers are process groups of their own: take them along if the test process exits unstopped. */
  private readonly killOnExit = () => {
    for (const worker of this.workers.values()) worker.killNow();
  };

  constructor(private readonly options: NodeAgentOptions) {
    if (!(options.addressOctet >= 1 && options.addressOctet <= 254)) throw new RangeError('addressOctet');
    if (options.nodes.length === 0 || options.nodes.length > 250) throw new RangeError('1..250 nodes');
    this.core = options.kc.makeApiClient(CoreV1Api);
    this.leases = options.kc.makeApiClient(CoordinationV1Api);
    this.dns = new ClusterDns(options.kc, this.core, options.hostsPath);
    this.dns.onChange(() => {
      for (const worker of this.workers.values()) worker.refreshHosts();
    });
    options.nodes.forEach((spec, i) => {
      const index = i + 1;
      const hostIp = `127.${options.addressOctet}.${index}.1`;
      const usedHosts = new Set<number>();
      const log = options.log ?? (() => undefined);
      const context: NodeContext = {
        nodeName: spec.name,
        hostIp,
        allocatable: { ...DEFAULT_CAPACITY, ...spec.capacity },
        apiServer: options.apiServer,
        images: options.images,
        backoff: options.backoff ?? { baseMs: 10_000, maxMs: 300_000 },
        podsDir: `${options.dir}/pods`,
        logsDir: `${options.dir}/logs`,
        networkHookPath: NETWORK_HOOK,
        core: this.core,
        allocateIp: () => {
          for (let host = POD_HOST_MIN; host <= POD_HOST_MAX; host++) {
            if (usedHosts.has(host)) continue;
            usedHosts.add(host);
            return `127.${options.addressOctet}.${index}.${host}`;
          }
          throw new Error(`node ${spec.name}: no pod address left`);
        },
        releaseIp: (ip) => usedHosts.delete(Number(ip.split('.')[3])),
        clusterHosts: () => this.dns.records(),
        log: (message, fields) => log(message, { node: spec.name, ...fields }),
      };
      this.nodes.set(spec.name, { spec, index, hostIp, context, usedHosts });
    });
    mkdirSync(`${options.dir}/pods`, { recursive: true });
    mkdirSync(`${options.dir}/logs`, { recursive: true });
  }

  get nodeNames(): string[] {
    return [...this.nodes.keys()];
  }

  /** The directory holding container logs: `<namespace>_<pod>_<uid>/<container>/<restart>.log`. */
  get logsDir(): string {
    return `${this.options.dir}/logs`;
  }

  /** The worker of a running pod, by namespace and name. */
  worker(namespace: string, name: string): PodWorker | undefined {
    return [...this.workers.values()].find((w) => w.key === `${namespace}/${name}`);
  }

  async start(): Promise<void> {
    process.once('exit', this.killOnExit);
    await this.dns.start();
    for (const node of this.nodes.values()) await this.register(node);
    await this.renewLeases();
    this.leaseTimer = setInterval(() => void this.renewLeases(), LEASE_RENEW_MS);
    const informer = makeInformer<V1Pod>(this.options.kc, '/api/v1/pods', () =>
      this.core.listPodForAllNamespaces(),
    );
    informer.on('add', (pod) => this.onPod(pod));
    informer.on('update', (pod) => this.onPod(pod));
    informer.on('delete', (pod) => this.onPodDeleted(pod));
    informer.on('error', () => {
      if (!this.stopped) setTimeout(() => void informer.start().catch(() => undefined), INFORMER_RESTART_MS);
    });
    this.podInformer = informer;
    await informer.start();
  }

  /** Stops every container at once (SIGKILL), then the watches. Node objects stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    process.off('exit', this.killOnExit);
    if (this.leaseTimer !== undefined) clearInterval(this.leaseTimer);
    await this.podInformer?.stop();
    await Promise.all([...this.workers.values()].map((w) => w.shutdown()));
    this.workers.clear();
    await this.dns.stop();
  }

  private nodeObject(node: NodeState): V1Node {
    const { spec } = node;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: spec.name,
        labels: {
          'kubernetes.io/hostname': spec.name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': spec.zone,
          'topology.kubernetes.io/region': spec.region ?? 'local',
        },
      },
      spec: {},
    };
  }

  private nodeStatus(node: NodeState) {
    const capacity = { ...DEFAULT_CAPACITY, ...node.spec.capacity };
    const time = new Date();
    const condition = (type: string, status: string, reason: string) => ({
      type,
      status,
      reason,
      lastHeartbeatTime: time,
      lastTransitionTime: time,
      message: `tributary node agent: ${reason}`,
    });
    return {
      capacity,
      allocatable: capacity,
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID'),
        condition('Ready', 'True', 'KubeletReady'),
      ],
      addresses: [
        { type: 'InternalIP', address: node.hostIp },
        { type: 'Hostname', address: node.spec.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 0 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: '',
        osImage: 'tributary node agent',
        containerRuntimeVersion: 'tributary://1',
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    };
  }

  private async register(node: NodeState): Promise<void> {
    try {
      await this.core.createNode({ body: this.nodeObject(node) });
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    await this.core.patchNodeStatus(
      { name: node.spec.name, body: { status: this.nodeStatus(node) } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
  }

  private async renewLeases(): Promise<void> {
    for (const node of this.nodes.values()) {
      const name = node.spec.name;
      const spec = {
        holderIdentity: name,
        leaseDurationSeconds: LEASE_DURATION_SECONDS,
        // MicroTime: RFC 3339 with six fraction digits.
        renewTime: new Date().toISOString().replace('Z', '000Z') as unknown as Date,
      };
      try {
        await this.leases.patchNamespacedLease(
          {
            name,
            namespace: 'kube-node-lease',
            body: { metadata: { name }, spec },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        );
      } catch (err) {
        if (!isNotFound(err)) {
          this.options.log?.('lease renewal failed', { node: name, error: String(err) });
          continue;
        }
        const ownerReferences = await this.core
          .readNode({ name })
          .then((n) => [{ apiVersion: 'v1', kind: 'Node', name, uid: n.metadata!.uid! }])
          .catch(() => undefined);
        await this.leases
          .createNamespacedLease({
            namespace: 'kube-node-lease',
            body: { metadata: { name, ...(ownerReferences && { ownerReferences }) }, spec },
          })
          .catch((e: unknown) =>
            this.options.log?.('lease creation failed', { node: name, error: String(e) }),
          );
      }
      // The Ready heartbeat (the kubelet refreshes it at least every 5 minutes; more often costs nothing).
      await this.core
        .patchNodeStatus(
          { name, body: { status: this.nodeStatus(node) } },
          setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
        )
        .catch(() => undefined);
    }
  }

  private onPod(pod: V1Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid;
    const node = this.nodes.get(pod.spec?.nodeName ?? '');
    if (uid === undefined || node === undefined) return;
    const existing = this.workers.get(uid);
    if (existing !== undefined) {
      existing.update(pod);
      return;
    }
    // A pod that already finished (Succeeded, Failed) is not started again, as after a kubelet restart.
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    if (pod.metadata?.deletionTimestamp !== undefined) {
      // Nothing runs for it here: finalize the deletion at once.
      void this.core
        .deleteNamespacedPod({
          namespace: pod.metadata.namespace!,
          name: pod.metadata.name!,
          gracePeriodSeconds: 0,
          body: { gracePeriodSeconds: 0, preconditions: { uid } },
        })
        .catch(() => undefined);
      return;
    }
    const worker = new PodWorker(node.context, pod);
    this.workers.set(uid, worker);
    worker.start();
  }

  private onPodDeleted(pod: V1Pod): void {
    const uid = pod.metadata?.uid;
    if (uid === undefined) return;
    const worker = this.workers.get(uid);
    if (worker === undefined) return;
    this.workers.delete(uid);
    void worker.removed();
  }
}
