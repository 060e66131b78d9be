/**
 * The tier's cluster DNS, as hosts-file lines. There is no DNS server: every pod's /etc/hosts carries
 * these records (the C library reads it on each lookup), and host processes (the operator, tests) load
 * pod-network.cjs, which answers `dns.lookup` from the same file. The records are CoreDNS's, from the
 * EndpointSlices the kube-controller-manager maintains from the pods' IPs:
 *
 * - `<service>.<namespace>.svc[.cluster.local]` -> the ready endpoints of the Service. For a headless
 *   Service that is what CoreDNS answers; for a ClusterIP Service CoreDNS answers the cluster IP, which
 *   nothing here routes (no kube-proxy), so the name answers the endpoints instead: the client connects
 *   straight to a pod, on the Service's port (a Service here must use its target port as its port);
 * - `<hostname>.<service>.<namespace>.svc[.cluster.local]` -> the endpoint with that hostname (a
 *   StatefulSet's pods under its headless Service), ready or not when the Service publishes not-ready
 *   addresses (the EndpointSlice controller then marks them ready).
 */

import {
  type CoreV1Api,
  type DiscoveryV1Api,
  type Informer,
  type KubeConfig,
  makeInformer,
  type V1EndpointSlice,
  type V1Service,
} from '@kubernetes/client-node';
import { writeFileAtomicSync } from '../../../kit/atomic-file.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const RESTART_MS = 1000;

export class ClusterDns {
  private readonly slices = new Map<string, V1EndpointSlice>();
  private readonly services = new Map<string, V1Service>();
  private readonly informers: Informer<V1EndpointSlice | V1Service>[] = [];
  private text = '';
  private stopped = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly kc: KubeConfig,
    private readonly core: CoreV1Api,
    private readonly discovery: DiscoveryV1Api,
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
    const slices = makeInformer<V1EndpointSlice>(this.kc, '/apis/discovery.k8s.io/v1/endpointslices', () =>
      this.discovery.listEndpointSliceForAllNamespaces(),
    );
    const services = makeInformer<V1Service>(this.kc, '/api/v1/services', () =>
      this.core.listServiceForAllNamespaces(),
    );
    this.track(slices, this.slices);
    this.track(services, this.services);
    await Promise.all([slices.start(), services.start()]);
  }

  private track<T extends V1EndpointSlice | V1Service>(informer: Informer<T>, map: Map<string, T>): void {
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
    this.informers.push(informer as unknown as Informer<V1EndpointSlice | V1Service>);
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
    for (const slice of this.slices.values()) {
      const service = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
      const ns = slice.metadata?.namespace;
      if (service === undefined || ns === undefined || !this.services.has(`${ns}/${service}`)) continue;
      for (const endpoint of slice.endpoints ?? []) {
        if (endpoint.conditions?.ready === false) continue;
        for (const address of endpoint.addresses) {
          add(`${service}.${ns}.svc`, address);
          if (endpoint.hostname !== undefined) add(`${endpoint.hostname}.${service}.${ns}.svc`, address);
        }
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
