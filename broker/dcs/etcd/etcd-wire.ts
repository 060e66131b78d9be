import type { Etcd3, IKeyValue, IRequestStream } from 'etcd3';
import type { DcsLogger, VersionedValue } from '../dcs.js';

/**
 * What the etcd backend's parts share: how store keys and versions map onto etcd's, retry pacing, and
 * the view of the store that a session or a watch works through. Type-only imports of etcd3 here too:
 * the library is loaded by EtcdDcs.open().
 */

export type Etcd3Module = typeof import('etcd3');

/** What a session or a watch needs from the EtcdDcs that made it. */
export interface EtcdStore {
  /** The loaded etcd3 module (its error classes). */
  readonly lib: Etcd3Module;
  readonly client: Etcd3;
  readonly logger: DcsLogger | undefined;
  readonly requestTimeoutMs: number;
  /** `<root><key>` as etcd stores it. */
  full(key: string): Buffer;
  /** The store's key for an etcd key under the root. */
  relative(etcdKey: Buffer): string;
  toValue(kv: IKeyValue): VersionedValue;
  /** Called by a session or a watch that has ended. */
  forget(item: object): void;
}

/** Pacing of attempts to re-establish a failed watch or keepalive stream, and to dial. */
export const RETRY_MS_MIN = 100;
export const RETRY_MS_MAX = 2_000;

/** The smallest key greater than every key starting with `prefix` (etcd's range_end for a prefix). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // all 0xff: to the end of the keyspace
}

/** etcd revisions travel as decimal strings (int64); they stay far below 2^53 in practice, checked here. */
export function revision(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`etcd revision ${text} is out of range`);
  return n;
}

/**
 * Cancels a stream we no longer want. Ending our side first matters: etcd3 takes an error on a stream that
 * is still writable (the CANCELLED that cancel() causes, too) for a failed host and closes every gRPC
 * client of that host, which would reconnect all other streams for nothing.
 */
export function discard(stream: IRequestStream<unknown> | undefined): void {
  if (stream === undefined) return;
  stream.end();
  stream.cancel();
}
