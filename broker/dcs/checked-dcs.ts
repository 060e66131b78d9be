import {
  assertValidKey,
  assertValidSessionTtl,
  assertValidWrite,
  type CasResult,
  type Dcs,
  type DcsEvent,
  type DcsGuard,
  type DcsSession,
  type VersionedValue,
  type WriteOptions,
} from './dcs.js';

/**
 * What every backend does before it touches its store: refuse calls once closed, check keys, versions,
 * guards and TTLs, and resolve the session a write names to a live session of its own. The backends
 * (local, etcd, kubernetes) implement the store-specific steps; `close` is theirs, since each orders
 * differently what still runs while it closes.
 */
export abstract class CheckedDcs<S extends DcsSession> implements Dcs {
  abstract readonly kind: Dcs['kind'];
  protected closed = false;

  async get(key: string): Promise<VersionedValue | null> {
    this.assertOpen();
    assertValidKey(key);
    return this.getKey(key);
  }

  async list(prefix: string): Promise<VersionedValue[]> {
    this.assertOpen();
    return this.listPrefix(prefix);
  }

  async compareAndSet(
    key: string,
    value: Buffer,
    expectedVersion: number,
    options: WriteOptions = {},
  ): Promise<CasResult> {
    this.assertOpen();
    assertValidWrite(key, expectedVersion, options.guard);
    const session = options.session === undefined ? undefined : this.liveSession(options.session);
    return this.setIfVersion(key, value, expectedVersion, options.guard, session);
  }

  async compareAndDelete(
    key: string,
    expectedVersion: number,
    options: { guard?: DcsGuard } = {},
  ): Promise<CasResult> {
    this.assertOpen();
    assertValidWrite(key, expectedVersion, options.guard);
    return this.deleteIfVersion(key, expectedVersion, options.guard);
  }

  async watch(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void> {
    this.assertOpen();
    return this.subscribe(prefix, listener);
  }

  async openSession(ttlMs: number): Promise<DcsSession> {
    this.assertOpen();
    assertValidSessionTtl(ttlMs);
    return this.startSession(ttlMs);
  }

  abstract close(): Promise<void>;

  protected abstract getKey(key: string): Promise<VersionedValue | null>;
  protected abstract listPrefix(prefix: string): Promise<VersionedValue[]>;
  /** The compare-and-set of Dcs.compareAndSet, with the session already checked live. */
  protected abstract setIfVersion(
    key: string,
    value: Buffer,
    expectedVersion: number,
    guard: DcsGuard | undefined,
    session: S | undefined,
  ): Promise<CasResult>;
  protected abstract deleteIfVersion(
    key: string,
    expectedVersion: number,
    guard: DcsGuard | undefined,
  ): Promise<CasResult>;
  protected abstract subscribe(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void>;
  protected abstract startSession(ttlMs: number): Promise<DcsSession>;
  /** The store's own session that `session` is, if it has not ended; else DcsSessionEndedError. */
  protected abstract liveSession(session: DcsSession): S;

  protected assertOpen(): void {
    if (this.closed) throw new Error('the metadata store is closed');
  }
}
