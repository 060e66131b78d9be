/**
 * The distributed configuration store (DCS): where cluster metadata lives (docs/architecture.md, decision 3).
 *
 * A small key-value interface with per-key versions. Every write is a compare-and-set on the version the
 * writer last read, so two writers can never silently overwrite each other; a version is a positive,
 * strictly increasing number per key, and 0 means "absent". Versions are revisions of the whole store
 * (unique across keys, as etcd's mod revisions are). Backends: `local` (a file, single node), `etcd`
 * (a real etcd, v3 API) and `kubernetes` (Lease and ConfigMap objects), all behind this same interface.
 *
 * Sessions give liveness: a key written with a session is removed by the store when the session ends,
 * whether closed or expired because its owner stopped renewing it (crash, pause, network partition).
 * Broker registration and the controller key are written this way.
 *
 * A guard makes a write conditional on a second key's version in the same atomic step. The controller
 * guards every write with the version of the `controller` key it created, so once its session expired and
 * another broker became controller, none of its writes can land (docs/architecture.md, decision 3, fencing).
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
  /**
   * The key's version after the call: the new one on success, the current one (0 if absent) on failure.
   * A failure caused by the guard alone reports `guardFailed: true`.
   */
  readonly version: number;
  readonly guardFailed?: boolean;
}

/** Requires `key` to be at `version` (0: absent) for the write to happen. */
export interface DcsGuard {
  readonly key: string;
  readonly version: number;
}

export interface WriteOptions {
  /** The key is ephemeral: removed when this session ends. */
  readonly session?: DcsSession;
  readonly guard?: DcsGuard;
}

/** Where a backend reports trouble it recovers from (reconnects) or hands on (a lost session). */
export interface DcsLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface DcsSession {
  /** The backend's id for the session (an etcd lease id, in decimal). */
  readonly id: string;
  readonly ttlMs: number;
  /**
   * Aborted once the session is lost: it expired, was revoked, or could not be renewed before its TTL ran
   * out. Keys written with it are gone (or about to be); the owner must open a new session.
   */
  readonly lost: AbortSignal;
  /** Ends the session now; its keys are removed. */
  close(): Promise<void>;
}

export interface Dcs {
  /** The backend name, as in the `dcs` setting. */
  readonly kind: 'local' | 'etcd' | 'kubernetes';
  get(key: string): Promise<VersionedValue | null>;
  /** Every key starting with `prefix`, sorted by key. */
  list(prefix: string): Promise<VersionedValue[]>;
  /** Writes `value` if the key's version is `expectedVersion` (0: only if absent). */
  compareAndSet(
    key: string,
    value: Buffer,
    expectedVersion: number,
    options?: WriteOptions,
  ): Promise<CasResult>;
  /** Deletes the key if its version is `expectedVersion`. */
  compareAndDelete(key: string, expectedVersion: number, options?: { guard?: DcsGuard }): Promise<CasResult>;
  /**
   * Calls `listener` after every committed change under `prefix`, in commit order; resolves (with an
   * unsubscribe function) once the watch is live, so a `list` made after it misses nothing. Events may
   * repeat state a later `list` already returned: listeners compare versions. A listener that throws
   * does not stop the watch; its error is rethrown outside the store (an uncaught exception).
   */
  watch(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void>;
  /** Opens a session that the backend renews every ttlMs/3 until it is closed or lost. */
  openSession(ttlMs: number): Promise<DcsSession>;
  close(): Promise<void>;
}

/** Keys are slash-separated paths of printable ASCII; this keeps file, etcd and ConfigMap backends alike. */
export function assertValidKey(key: string): void {
  if (!/^[A-Za-z0-9._\-/]{1,512}$/.test(key) || key.startsWith('/') || key.includes('//')) {
    throw new Error(`invalid DCS key ${JSON.stringify(key)}`);
  }
}

/**
 * A write named a session that has ended: closed by its owner, or lost (expired, revoked). Retriable
 * after the owner opens a new session; its keys are gone.
 */
export class DcsSessionEndedError extends Error {
  readonly retriable = true;
  constructor(
    readonly sessionId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`DCS session ${sessionId} has ended: ${reason}`, options);
    this.name = 'DcsSessionEndedError';
  }
}

/** Session TTLs the backends accept: etcd counts whole seconds (and grants at least its own minimum). */
export const SESSION_TTL_MS_MIN = 1_000;
export const SESSION_TTL_MS_MAX = 3_600_000;

export function assertValidSessionTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < SESSION_TTL_MS_MIN || ttlMs > SESSION_TTL_MS_MAX) {
    throw new Error(
      `session TTL must be an integer from ${SESSION_TTL_MS_MIN} to ${SESSION_TTL_MS_MAX} ms, got ${ttlMs}`,
    );
  }
}

/** Expected versions are 0 (absent) or a version the caller read. */
export function assertValidVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0) throw new Error(`invalid DCS version ${version}`);
}

export function assertValidGuard(guard: DcsGuard | undefined): void {
  if (guard === undefined) return;
  assertValidKey(guard.key);
  assertValidVersion(guard.version);
}

/** Checks a write's arguments (key, expected version, guard) before a backend looks at its store. */
export function assertValidWrite(key: string, expectedVersion: number, guard: DcsGuard | undefined): void {
  assertValidKey(key);
  assertValidVersion(expectedVersion);
  assertValidGuard(guard);
}

/** A failed compare: `keyMatched` means the key was as expected, so the guard is what failed. */
export function casFailure(current: number, keyMatched: boolean): CasResult {
  return keyMatched ? { ok: false, version: current, guardFailed: true } : { ok: false, version: current };
}

/** Delivers an event without letting a listener's exception reach the store's own code path. */
export function deliver(listener: (event: DcsEvent) => void, event: DcsEvent): void {
  try {
    listener(event);
  } catch (err) {
    queueMicrotask(() => {
      throw err;
    });
  }
}
