// Type-only imports: etcd3 itself is loaded by EtcdDcs.open() with a dynamic import(), so a broker on the
// local backend never loads it (and its gRPC stubs) into memory.
import type { Etcd3, ICompare, IKeyValue, IRequestOp } from 'etcd3';
import { type BackoffPolicy, backoffDelayMs } from '../../../kit/backoff.js';
import { sleep } from '../../../kit/sleep.js';
import { CheckedDcs } from '../checked-dcs.js';
import {
  type CasResult,
  casFailure,
  type DcsEvent,
  type DcsGuard,
  type DcsLogger,
  type DcsSession,
  DcsSessionEndedError,
  type VersionedValue,
} from '../dcs.js';
import { liveLeaseSession } from '../lease-session.js';
import { EtcdSession } from './etcd-session.js';
import { EtcdWatch } from './etcd-watch.js';
import {
  type Etcd3Module,
  type EtcdStore,
  prefixEnd,
  RETRY_MS_MAX,
  RETRY_MS_MIN,
  revision,
} from './etcd-wire.js';

/** Pause between dial attempts at open: 100 ms doubling, at most 500 ms, until the dial timeout. */
const DIAL_RETRY_BACKOFF: BackoffPolicy = { baseMs: RETRY_MS_MIN, maxMs: 5 * RETRY_MS_MIN };

/**
 * Options of the `etcd` backend. The broker's settings map onto it: `dcsEtcdEndpoints` -> `endpoints`,
 * `dcsPrefix` -> `prefix`.
 */
export interface EtcdDcsOptions {
  /**
   * etcd client URLs: `http://host:2379` or `host:2379` (plain), or `https://host:2379` (TLS with the
   * system's CAs; then every endpoint must be https). Requests go to any of them; a failed one is skipped.
   */
  readonly endpoints: readonly string[];
  /**
   * Root of every key this store touches, one per cluster so several clusters can share an etcd: with
   * `tributary/prod` (or `/tributary/prod/`; the slashes around it are implied), key `topics/a` is
   * `/tributary/prod/topics/a` in etcd. Path segments of letters, digits, `.`, `_` and `-`.
   */
  readonly prefix: string;
  /** How long open() waits for an endpoint to answer before it fails. Default 5000. */
  readonly dialTimeoutMs?: number;
  /** Deadline of each unary request (get, list, compare-and-set, lease grant and revoke). Default 5000. */
  readonly requestTimeoutMs?: number;
  /** Receives reconnects and lost sessions. Default: silent. */
  readonly logger?: DcsLogger;
  /**
   * TLS to etcd (https endpoints): the CA bundle that verifies etcd's certificate (the system's roots
   * without it) and a client certificate, for an etcd started with --client-cert-auth. PEM.
   */
  readonly tls?: {
    readonly ca?: Buffer | undefined;
    readonly cert?: Buffer | undefined;
    readonly key?: Buffer | undefined;
  };
  /**
   * etcd's own authentication (etcd `auth enable`): the client exchanges these for a token, and again when
   * etcd says the token is no longer valid. Without it, an etcd with auth on and --client-cert-auth takes
   * the client certificate's common name as the user.
   */
  readonly auth?: { readonly username: string; readonly password: string };
}

export const ETCD_DIAL_TIMEOUT_MS_DEFAULT = 5_000;
export const ETCD_REQUEST_TIMEOUT_MS_DEFAULT = 5_000;

/**
 * The `etcd` DCS backend: a real etcd (v3 API, 3.5.13 or newer) through the `etcd3` client.
 *
 * Mapping:
 * - A key's version is its etcd `mod_revision`; versions are etcd revisions, unique across keys.
 * - compareAndSet and compareAndDelete are one etcd Txn each: compare the key (`version == 0` for "absent",
 *   else `mod_revision == expected`) and, with a guard, the guard key in the same Txn; on failure the Txn
 *   reads the key, so a failure with the key as expected is the guard's (`guardFailed`), from one view.
 * - A session is an etcd lease. It is renewed every TTL/3 over a keepalive stream and counted lost
 *   (`lost` aborts) when etcd answers that the lease is gone (expired, revoked), or when no renewal was
 *   confirmed for a whole TTL, measured on the monotonic clock from when each renewal was sent. The latter
 *   also covers a process that was paused (SIGSTOP, a long GC) past its TTL: its timers fire late, and the
 *   first thing they see is an expired lease. A write naming a lost session fails with
 *   DcsSessionEndedError, and etcd refuses it as well (the lease no longer exists).
 * - Keys live under a root (`/tributary/<cluster>/`), so clusters can share an etcd.
 * - A watch is its own etcd watch stream over `<root><watched prefix>`, created at an explicit start
 *   revision, so a failed stream is reopened from the revision after the last one delivered (events in
 *   between are neither lost nor repeated). If etcd compacted those revisions meanwhile, the watch lists
 *   the range and reports the difference (puts for changed keys, deletes for vanished ones) before it
 *   watches again: intermediate states are skipped, the end state is exact.
 */
export class EtcdDcs extends CheckedDcs<EtcdSession> implements EtcdStore {
  readonly kind = 'etcd';
  private readonly root: string;
  readonly requestTimeoutMs: number;
  readonly logger: DcsLogger | undefined;
  private readonly sessions = new Set<EtcdSession>();
  private readonly watches = new Set<EtcdWatch>();

  private constructor(
    /** The loaded etcd3 module (its error classes). */
    readonly lib: Etcd3Module,
    readonly client: Etcd3,
    readonly options: EtcdDcsOptions,
  ) {
    super();
    this.root = rootOf(options.prefix);
    this.requestTimeoutMs = options.requestTimeoutMs ?? ETCD_REQUEST_TIMEOUT_MS_DEFAULT;
    this.logger = options.logger;
  }

  static async open(options: EtcdDcsOptions): Promise<EtcdDcs> {
    assertValidOptions(options);
    const [lib, { noop }] = await Promise.all([import('etcd3'), import('cockatiel')]);
    const requestTimeoutMs = options.requestTimeoutMs ?? ETCD_REQUEST_TIMEOUT_MS_DEFAULT;
    const tls = options.tls;
    const client = new lib.Etcd3({
      hosts: [...options.endpoints],
      ...(tls === undefined
        ? {}
        : {
            credentials: {
              // etcd3 passes these to grpc-js createSsl, where an absent root means the system's roots.
              rootCertificate: tls.ca as Buffer,
              ...(tls.cert === undefined ? {} : { certChain: tls.cert, privateKey: tls.key }),
            },
          }),
      ...(options.auth === undefined
        ? {}
        : { auth: { username: options.auth.username, password: options.auth.password } }),
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
      // etcd3's default per-host circuit breaker refuses every call to a host for 5 s after three failures
      // in a row: with one endpoint, a one-second etcd restart would become five seconds of errors and
      // lost sessions. No host is shut out here; the global policy (three attempts, each on a host picked
      // afresh) stays.
      faultHandling: { host: () => noop },
      grpcOptions: {
        // gRPC's default reconnect backoff grows to two minutes; the metadata store must come back sooner.
        'grpc.initial_reconnect_backoff_ms': RETRY_MS_MIN,
        'grpc.max_reconnect_backoff_ms': RETRY_MS_MAX,
        // Find a dead connection (a host gone without a reset) while streams are open. etcd's default
        // --grpc-keepalive-min-time is 5 s; pinging faster than that gets the connection closed.
        'grpc.keepalive_time_ms': 10_000,
        'grpc.keepalive_timeout_ms': 5_000,
      },
    });
    const dcs = new EtcdDcs(lib, client, options);
    try {
      await dcs.waitForEndpoint(options.dialTimeoutMs ?? ETCD_DIAL_TIMEOUT_MS_DEFAULT);
    } catch (err) {
      client.close();
      throw err;
    }
    return dcs;
  }

  protected async getKey(key: string): Promise<VersionedValue | null> {
    const res = await this.client.kv.range({ key: this.full(key) });
    const kv = res.kvs[0];
    return kv === undefined ? null : this.toValue(kv);
  }

  protected async listPrefix(prefix: string): Promise<VersionedValue[]> {
    const start = this.full(prefix);
    // etcd returns a range sorted by key bytes; keys are ASCII, so that is the order of a string sort.
    const res = await this.client.kv.range({ key: start, range_end: prefixEnd(start) });
    return res.kvs.map((kv) => this.toValue(kv));
  }

  protected async setIfVersion(
    key: string,
    value: Buffer,
    expectedVersion: number,
    guard: DcsGuard | undefined,
    session: EtcdSession | undefined,
  ): Promise<CasResult> {
    const put: IRequestOp = {
      request_put: { key: this.full(key), value, ...(session === undefined ? {} : { lease: session.id }) },
    };
    try {
      return await this.txn(key, expectedVersion, guard, put);
    } catch (err) {
      if (session !== undefined && err instanceof this.lib.EtcdLeaseInvalidError) {
        session.markLost('etcd no longer knows the lease', err);
        throw new DcsSessionEndedError(session.id, 'lost', { cause: err });
      }
      throw err;
    }
  }

  protected async deleteIfVersion(
    key: string,
    expectedVersion: number,
    guard: DcsGuard | undefined,
  ): Promise<CasResult> {
    if (expectedVersion === 0) {
      // Deleting an absent key is not a change; report the current version like any failed compare.
      const current = await this.get(key);
      return { ok: false, version: current?.version ?? 0 };
    }
    const result = await this.txn(key, expectedVersion, guard, {
      request_delete_range: { key: this.full(key) },
    });
    return result.ok ? { ok: true, version: 0 } : result;
  }

  protected async subscribe(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void> {
    const watch = new EtcdWatch(this, prefix, listener);
    this.watches.add(watch);
    try {
      await watch.start();
    } catch (err) {
      watch.stop();
      throw err;
    }
    return () => watch.stop();
  }

  protected async startSession(ttlMs: number): Promise<DcsSession> {
    const sentAtMs = performance.now();
    const grant = await this.client.leaseClient.leaseGrant({ TTL: Math.ceil(ttlMs / 1000) });
    if (grant.error !== '') throw new Error(`etcd refused a lease: ${grant.error}`);
    // etcd may grant more than asked (its minimum is 1.5 election timeouts); the grant is what counts.
    const grantedMs = Number(grant.TTL) * 1000;
    const session = new EtcdSession(this, grant.ID, grantedMs, sentAtMs + grantedMs);
    this.sessions.add(session);
    session.start();
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.stop();
    // Revoke, so this broker's ephemeral keys go now rather than one TTL later; best effort.
    await Promise.all([...this.sessions].map((s) => s.close().catch(() => undefined)));
    this.client.close();
  }

  /** `<prefix><key>` as etcd stores it. */
  full(key: string): Buffer {
    return Buffer.from(this.root + key, 'utf8');
  }

  /** The store's key for an etcd key under the root. */
  relative(etcdKey: Buffer): string {
    const key = etcdKey.toString('utf8');
    if (!key.startsWith(this.root))
      throw new Error(`etcd key ${JSON.stringify(key)} is outside ${this.root}`);
    return key.slice(this.root.length);
  }

  toValue(kv: IKeyValue): VersionedValue {
    return { key: this.relative(kv.key), value: kv.value, version: revision(kv.mod_revision) };
  }

  forget(item: object): void {
    if (item instanceof EtcdSession) this.sessions.delete(item);
    else if (item instanceof EtcdWatch) this.watches.delete(item);
  }

  /** One Txn: if the key (and the guard) compare equal, run `op`; else read the key's current version. */
  private async txn(
    key: string,
    expectedVersion: number,
    guard: DcsGuard | undefined,
    op: IRequestOp,
  ): Promise<CasResult> {
    const compare: ICompare[] = [versionCompare(this.full(key), expectedVersion)];
    // On failure, read the key in the same Txn: its version then is the one the compare saw.
    const failure: IRequestOp[] = [{ request_range: { key: this.full(key), keys_only: true } }];
    if (guard !== undefined) compare.push(versionCompare(this.full(guard.key), guard.version));
    const res = await this.client.kv.txn({ compare, success: [op], failure });
    if (res.succeeded) return { ok: true, version: revision(res.header.revision) };
    const kv = res.responses[0]?.response_range.kvs[0];
    const current = kv === undefined ? 0 : revision(kv.mod_revision);
    // The Txn failed although the key matched: the guard did not.
    return casFailure(current, current === expectedVersion);
  }

  protected liveSession(session: DcsSession): EtcdSession {
    return liveLeaseSession(session, this.sessions);
  }

  private async waitForEndpoint(dialTimeoutMs: number): Promise<void> {
    const deadline = Date.now() + dialTimeoutMs;
    const start = this.full('');
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.kv.range(
          { key: start, range_end: prefixEnd(start), count_only: true },
          { deadline: Math.min(deadline, Date.now() + RETRY_MS_MAX) },
        );
        return;
      } catch (err) {
        const denied =
          err instanceof this.lib.EtcdPermissionDeniedError ||
          err instanceof this.lib.EtcdAuthenticationFailedError ||
          err instanceof this.lib.GRPCUnauthenticatedError;
        const endpoints = this.options.endpoints.join(', ');
        if (denied) {
          throw new Error(`etcd at ${endpoints} refused access: ${(err as Error).message}`, { cause: err });
        }
        if (Date.now() + RETRY_MS_MIN >= deadline) {
          throw new Error(
            `etcd at ${endpoints} did not answer within ${dialTimeoutMs} ms (${attempt} attempts): ${(err as Error).message}`,
            { cause: err },
          );
        }
        await sleep(backoffDelayMs(attempt, DIAL_RETRY_BACKOFF));
      }
    }
  }
}

function versionCompare(key: Buffer, version: number): ICompare {
  return version === 0
    ? { key, target: 'Version', result: 'Equal', version: 0 }
    : { key, target: 'Mod', result: 'Equal', mod_revision: version };
}

function assertValidOptions(options: EtcdDcsOptions): void {
  if (!Array.isArray(options.endpoints) || options.endpoints.length === 0) {
    throw new Error('the etcd backend needs at least one endpoint');
  }
  for (const e of options.endpoints) {
    if (!/^(https?:\/\/)?[^\s/]+:\d{1,5}$/.test(e))
      throw new Error(`invalid etcd endpoint ${JSON.stringify(e)}`);
    // etcd3 speaks TLS to every endpoint once given TLS settings: a plain one would be a silent surprise.
    if (options.tls !== undefined && !e.startsWith('https://')) {
      throw new Error(`etcd endpoint ${JSON.stringify(e)} must be https:// with TLS settings`);
    }
  }
  if (options.tls !== undefined && (options.tls.cert === undefined) !== (options.tls.key === undefined)) {
    throw new Error('an etcd client certificate and its key are given together');
  }
  if (options.auth !== undefined && (options.auth.username === '' || options.auth.password === '')) {
    throw new Error('etcd authentication needs a username and a password');
  }
  rootOf(options.prefix);
  for (const [name, value] of [
    ['dialTimeoutMs', options.dialTimeoutMs],
    ['requestTimeoutMs', options.requestTimeoutMs],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 600_000)) {
      throw new Error(`${name} must be an integer from 1 to 600000, got ${value}`);
    }
  }
}

/** `tributary/prod`, `/tributary/prod` or `/tributary/prod/` -> `/tributary/prod/`. */
export function rootOf(prefix: string): string {
  const path = prefix.replace(/^\//, '').replace(/\/$/, '');
  const segments = path.split('/');
  if (!segments.every((seg) => /^[A-Za-z0-9._-]+$/.test(seg) && !/^\.+$/.test(seg))) {
    throw new Error(`invalid etcd key prefix ${JSON.stringify(prefix)}: use a path like tributary/<cluster>`);
  }
  return `/${path}/`;
}
