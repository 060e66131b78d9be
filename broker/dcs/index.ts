import type { Dcs } from './dcs.js';
import type { EtcdDcsOptions } from './etcd/etcd-dcs.js';
import type { KubeDcsOptions } from './kube/kube-dcs.js';
import { LocalDcs } from './local/local-dcs.js';

export type { DcsLogger } from './dcs.js';
export type { EtcdDcsOptions } from './etcd/etcd-dcs.js';
export type { KubeDcsOptions } from './kube/kube-dcs.js';

/**
 * Which metadata store to open, and how (the broker's `dcs` setting picks `kind`):
 *
 * - `{ kind: 'local', dir }`: a file in `dir` (the broker uses `<dataDir>/metadata`); single node.
 * - `{ kind: 'etcd', endpoints, prefix, dialTimeoutMs?, requestTimeoutMs?, logger? }`: a real etcd; see
 *   EtcdDcsOptions (`dcsEtcdEndpoints` -> `endpoints`, `dcsPrefix` -> `prefix`).
 * - `{ kind: 'kubernetes', prefix, namespace?, kubeconfig?, ... }`: ConfigMaps and Leases in a namespace;
 *   see KubeDcsOptions (`dcsPrefix` -> `prefix`, `dcsKubeNamespace` -> `namespace`, `dcsKubeconfig` ->
 *   `kubeconfig`).
 */
export type DcsOptions =
  | { readonly kind: 'local'; readonly dir: string }
  | ({ readonly kind: 'etcd' } & EtcdDcsOptions)
  | ({ readonly kind: 'kubernetes' } & KubeDcsOptions);

/**
 * Opens the chosen backend. The etcd and kubernetes backends (and the etcd client library) are loaded
 * only when chosen, so a broker on the local default does not carry them in memory.
 */
export async function openDcs(options: DcsOptions): Promise<Dcs> {
  switch (options.kind) {
    case 'local':
      return LocalDcs.open(options.dir);
    case 'etcd': {
      const { EtcdDcs } = await import('./etcd/etcd-dcs.js');
      return EtcdDcs.open(options);
    }
    case 'kubernetes': {
      const { KubeDcs } = await import('./kube/kube-dcs.js');
      return KubeDcs.open(options);
    }
    default:
      throw new Error(`unknown DCS backend ${JSON.stringify((options as { kind: unknown }).kind)}`);
  }
}
