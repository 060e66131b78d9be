/**
 * The distributed configuration store (DCS): where cluster metadata lives (DESIGN.md decision 3).
 *
 * A small key-value interface with per-key versions. Every write is a compare-and-set on the version the
 * writer last read, so two writers can never silently overwrite each other; a version is a positive,
 * strictly increasing number per key, and 0 means "absent". Backends: `local` (a file, single node; this
 * release), `etcd` and `kubernetes` (later), all behind this same interface.
 */
export interface VersionedValue {
  readonly key: string;
  readonly value: Buffer;
  readonly version: number;
}

export type DcsEvent =
  | { readonly type: 'put'; readonly key: string; readonly value: Buffer; readonly version: number }
  | { readonly type: 'delete'; readonly key: string; readonly version: number };

export interface CasResult {
  readonly ok: boolean;
  /** The key's version after the call: the new one on success, the current one (0 if absent) on failure. */
  readonly version: number;
}

export interface Dcs {
  get(key: string): Promise<VersionedValue | null>;
  /** Every key starting with `prefix`, sorted by key. */
  list(prefix: string): Promise<VersionedValue[]>;
  /** Writes `value` if the key's version is `expectedVersion` (0: only if absent). */
  compareAndSet(key: string, value: Buffer, expectedVersion: number): Promise<CasResult>;
  /** Deletes the key if its version is `expectedVersion`. */
  compareAndDelete(key: string, expectedVersion: number): Promise<CasResult>;
  /** Calls `listener` after every committed change under `prefix`; returns an unsubscribe function. */
  watch(prefix: string, listener: (event: DcsEvent) => void): () => void;
  close(): Promise<void>;
}

/** Keys are slash-separated paths of printable ASCII; this keeps file, etcd and ConfigMap backends alike. */
export function assertValidKey(key: string): void {
  if (!/^[A-Za-z0-9._\-/]{1,512}$/.test(key) || key.startsWith('/') || key.includes('//')) {
    throw new Error(`invalid DCS key ${JSON.stringify(key)}`);
  }
}
