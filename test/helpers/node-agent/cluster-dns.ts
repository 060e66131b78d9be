/**
 * The tier's cluster DNS, as hosts-file lines. There is no DNS server: every pod's /etc/hosts carries
 * these records (the C library reads it on each lookup), and host processes (the operator, tests) load
 * pod-network.cjs, which answers `dns.lookup` from the same file. The records are CoreDNS's:
 *
 * - `<service>.<namespace>.svc[.cluster.local]` -> the addresses of the Service's ready endpoints. For a
 *   headless Service that is what CoreDNS answers; for a ClusterIP Service CoreDNS answers the cluster IP,
 *   which nothing here routes (no kube-proxy), so the name answers the endpoints instead: the client
 *   connects straight to a pod, on the Service's port (a Service here must use its target port as port);
 * - `<hostname>.<service>.<namespace>.svc[.cluster.local]` -> the pod with that hostname whose subdomain
 *   is the Service (a StatefulSet's pods under its headless Service).
 *
 * CoreDNS reads endpoints from EndpointSlices, but kube-apiserver refuses loopback addresses in them
 * ("may not be in the loopback range"), and pod IPs here are loopback addresses: so the endpoints are
 * computed from Services and Pods as the EndpointSlice controller computes them: pods of the Service's
 * namespace matching its selector, with an IP, not terminal; ready when the pod's Ready condition is
 * True or the Service publishes not-ready addresses; terminating pods are not ready.
 */
import {
  type CoreV1Api,
  type Informer,
  type KubeConfig,
  makeInformer,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import { writeFileAtomicSync } from '../../../kit/atomic-file.js';

const RESTART_MS = 1000;

export class ClusterDns {
  private readonly pods = new Map<string, V1Pod>();
  private readonly services = new Map<string, V1Service>();
  private readonly informers: Informer<V1Pod | V1Service>[] = [];
  private text = '';
  private stopped = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly core: CoreV1Api,
    /** The hosts file host processes read (TRIBUTARY_POD_TIER_HOSTS). */
    readonly hostsPath: string,
  ) {
    writeFileAtomicSync(hostsPath, '', { durable: false });
  }

  /** The records, hosts-file lines. */
  records(): string {
    return this.text;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    const pods = makeInformer<V1Pod>(this.kc, '/api/v1/pods', () => this.core.listPodForAllNamespaces());
    const services = makeInformer<V1Service>(this.kc, '/api/v1/services', () =>
      this.core.listServiceForAllNamespaces(),
    );
    this.track(pods, this.pods);
    this.track(services, this.services);
    await Promise.all([pods.start(), services.start()]);
  }

  private track<T extends V1Pod | V1Service>(informer: Informer<T>, map: Map<string, T>): void {
    const keyOf = (o: T) => `${o.metadata?.namespace}/${o.metadata?.name}`;
    const put = (o: T) => {
      map.set(keyOf(o), o);
      this.rebuild();
    };
    informer.on('add', put);
    informer.on('update', put);
    informer.on('delete', (o) => {
      map.delete(keyOf(o));
      this.rebuild();
    });
    informer.on('error', () => {
      if (!this.stopped) setTimeout(() => void informer.start().catch(() => undefined), RESTART_MS);
    });
    this.informers.push(informer as unknown as Informer<V1Pod | V1Service>);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.informers.map((i) => i.stop()));
  }

  private rebuild(): void {
    const names = new Map<string, Set<string>>();
    const add = (name: string, address: string) => {
      for (const full of [name, `${name}.cluster.local`]) {
        const set = names.get(full) ?? new Set<string>();
        set.add(address);
        names.set(full, set);
      }
    };
    for (const service of this.services.values()) {
      const selector = service.spec?.selector;
      const ns = service.metadata?.namespace;
      const name = service.metadata?.name;
      if (selector === undefined || Object.keys(selector).length === 0 || ns === undefined) continue;
      for (const pod of this.pods.values()) {
        const ip = pod.status?.podIP;
        if (pod.metadata?.namespace !== ns || ip === undefined || ip === '') continue;
        if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
        if (!Object.entries(selector).every(([k, v]) => pod.metadata?.labels?.[k] === v)) continue;
        const podReady =
          pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
        const terminating = pod.metadata?.deletionTimestamp !== undefined;
        const ready = !terminating && (podReady || service.spec?.publishNotReadyAddresses === true);
        if (!ready) continue;
        add(`${name}.${ns}.svc`, ip);
        const hostname = pod.spec?.hostname;
        if (hostname !== undefined && pod.spec?.subdomain === name) add(`${hostname}.${name}.${ns}.svc`, ip);
      }
    }
    const lines: string[] = [];
    for (const [name, addresses] of [...names].sort(([a], [b]) => a.localeCompare(b))) {
      for (const address of [...addresses].sort()) lines.push(`${address}\t${name}`);
    }
    const text = lines.join('\n');
    if (text === this.text) return;
    this.text = text;
    writeFileAtomicSync(this.hostsPath, `${text}\n`, { durable: false });
    for (const listener of this.listeners) listener();
  }
}
