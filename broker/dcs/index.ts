import type { Dcs } from './dcs.js';
import type { EtcdDcsOptions } from './etcd-dcs.js';
import { LocalDcs } from './local-dcs.js';

export type { DcsLogger, EtcdDcsOptions } from './etcd-dcs.js';

/**
 * Which metadata store to open, and how (the broker's `dcs` setting picks `kind`):
 *
 * - `{ kind: 'local', dir }`: a file in `dir` (the broker uses `<dataDir>/metadata`); single node.
 * - `{ kind: 'etcd', endpoints, prefix, dialTimeoutMs?, requestTimeoutMs?, logger? }`: a real etcd; see
 *   EtcdDcsOptions (`dcsEtcdEndpoints` -> `endpoints`, `dcsPrefix` -> `prefix`).
 */
export type DcsOptions =
  | { readonly kind: 'local'; readonly dir: string }
  | ({ readonly kind: 'etcd' } & EtcdDcsOptions);

/**
 * Opens the chosen backend. The etcd backend and its client library are loaded only when chosen, so a
 * broker on the local default does not carry them in memory.
 */
export async function openDcs(options: DcsOptions): Promise<Dcs> {
  switch (options.kind) {
    case 'local':
      return LocalDcs.open(options.dir);
    case 'etcd': {
      const { EtcdDcs } = await import('./etcd-dcs.js');
      return EtcdDcs.open(options);
    }
    default:
      throw new Error(`unknown DCS backend ${JSON.stringify((options as { kind: unknown }).kind)}`);
  }
}
