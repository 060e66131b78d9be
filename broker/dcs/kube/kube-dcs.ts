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
import { KubeApi, KubeApiError } from './kube-api.js';
import { type KubeConnection, loadKubeConnection } from './kube-config.js';
import { KubeKeyLocks } from './kube-key-locks.js';
import { KubeKeyWatch } from './kube-key-watch.js';
import {
  assertValidKubePrefix,
  assertValidNamespace,
  CONFIGMAPS,
  type ConfigMapObject,
  entryOf,
  keyObject,
  keyObjectName,
  LEASES,
  resourcePath,
  selectorOf,
  versionOf,
} from './kube-objects.js';
import { KubeSession, type KubeSessionStore } from './kube-session.js';
import { type KubeReaperStore, KubeSessionReaper } from './kube-session-reaper.js';

/**
 * The `kubernetes` DCS backend: cluster metadata in the Kubernetes API (docs/architecture.md, decision 3), so a
 * broker cluster in Kubernetes needs no store of its own. It needs, in its namespace, `configmaps` and
 * `coordination.k8s.io` `leases`: get, list, watch, create, update, delete; nothing else.
 *
 * Mapping (kube-objects.ts has the names and labels):
 * - A key is one ConfigMap, labelled `tributary.dev/dcs=<prefix>`, the key in an annotation, the value in
 *   `data.value` (or `binaryData.value`). One labelled list or watch covers a cluster; several clusters
 *   can share a namespace under different prefixes.
 * - A key's version is the ConfigMap's resourceVersion as an integer: the etcd revision of its last
 *   change, so versions rise and are unique across keys, as the interface requires.
 * - compareAndSet with version 0 is a create (409 AlreadyExists: the key exists); otherwise an update
 *   carrying `metadata.resourceVersion` = the expected version (409 Conflict: it moved on; 404: it is
 *   gone). compareAndDelete is a delete with the precondition resourceVersion. A failed compare reads the
 *   key to report its current version (a second request: that version may already be newer than the one
 *   the compare saw, which callers treat the same way, by reading again).
 * - A session is a Lease renewed every TTL/3 (kube-session.ts). A key written with it carries the label
 *   `tributary.dev/session=<id>` and an ownerReference to the Lease. Closing a session deletes its keys
 *   and its Lease; a session whose holder died is found expired by the surviving stores, which delete its
 *   Lease and keys with preconditions (kube-session-reaper.ts). The garbage collector is not needed.
 * - watch() subscribes to the store's one list-watch of its ConfigMaps (kube-key-watch.ts): reopened
 *   from the last resourceVersion when it breaks, relisted with the difference delivered after 410 Gone.
 *
 * Guards: Kubernetes has no transaction across two objects, so a guarded write cannot be one atomic step
 * as it is in etcd. It is done as: (1) if the guard key is one this store wrote under a session of its
 * own, at the version guarded (the controller's `controller` key, the only guard the broker uses), that
 * session must not have ended, closed or lost, even if the key is still there (peers leave it for a TTL
 * plus the grace period); (2) the guard key is read (a quorum read) and must be at the guarded version;
 * (3) the key is compare-and-set. Steps (2) and (3) share one deadline: the request timeout from the
 * start, and a margin (250 ms) before the end, by this process's clock, of the session that owns the
 * guard key and of the session the key is written under; the time left is measured again just before (3)
 * is sent, and with under 50 ms left it is not sent (guardFailed, or DcsSessionEndedError for a write
 * under an ended session). So however slow the API server, no write is sent after its session's end.
 * From (2) to the answer of (3), this process holds the guard key against its own writes
 * (kube-key-locks.ts), so a controller that deletes its key on stepping down waits for its writes in
 * flight, and no write starts after.
 *
 * What is weaker than etcd, exactly: between (2) and the commit of (3) (one request, milliseconds),
 * another process could change the guard key and the write would still land. For the controller's fencing
 * that needs one of: (a) its session expiring, which peers act on only a full TTL plus a grace period
 * (default 5 s, at least the request timeout) after they last saw it renewed, while the controller's
 * writes must be answered before the TTL has passed since it sent its last confirmed renewal, so a write
 * lands late only if the API server commits it more than the grace period after the client gave up on
 * it; (b) a peer deleting the key of a live controller: brokers create `controller` only when absent and
 * delete it as its owner, as an expired session's key, or (election.ts) when the key names their own
 * broker id while they are not controller (left from a campaign of theirs that failed halfway), which
 * deletes a live controller's key only if two live processes share a broker id; (c) a person or another
 * program editing the ConfigMap by hand. In the spirit of Patroni's Kubernetes DCS, fencing rests on the
 * lease's timing rather than on a transaction; the leader-epoch checks on the brokers
 * (docs/architecture.md, decision 4) are unaffected.
 */
export interface KubeDcsOptions {
  /** One cluster's name: a label value and object-name prefix (lowercase letters, digits, `-`, `.`). */
  readonly prefix: string;
  /** Where the objects live. Default: the pod's namespace or the kubeconfig context's, else `default`. */
  readonly namespace?: string;
  /** A kubeconfig path; empty: in-cluster config in a pod, else `$KUBECONFIG` (kube-config.ts). */
  readonly kubeconfig?: string;
  /** Environment for in-cluster detection and $KUBECONFIG. Default: process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Service-account files (token, ca.crt, namespace). Default: /var/run/secrets/kubernetes.io/serviceaccount. */
  readonly serviceAccountDir?: string;
  /** How long open() waits for the API server to answer before it fails. Default 5000. */
  readonly dialTimeoutMs?: number;
  /** Deadline of each request. Default 5000. */
  readonly requestTimeoutMs?: number;
  /**
   * How long past its TTL a silent session is left before peers remove it: slack for a write the API
   * server commits late. Default: the request timeout, and at least 5000.
   */
  readonly sessionGraceMs?: number;
  readonly logger?: DcsLogger;
}

export const KUBE_DIAL_TIMEOUT_MS_DEFAULT = 5_000;
export const KUBE_REQUEST_TIMEOUT_MS_DEFAULT = 5_000;
export const KUBE_SESSION_GRACE_MS_MIN_DEFAULT = 5_000;
/** A write is not sent with less time than this left before its deadline. */
const WRITE_MS_MIN = 50;
/**
 * A write under a session, or guarded by a key a session of this store owns, must be answered this long
 * before the session's end by this process's clock: slack for timers that fire late.
 */
const WRITE_MARGIN_MS = 250;
const DIAL_RETRY_BACKOFF: BackoffPolicy = { baseMs: 100, maxMs: 1_000 };
const FIELD_MANAGER = { fieldManager: 'tributary-broker' };

export class KubeDcs extends CheckedDcs<KubeSession> implements KubeSessionStore, KubeReaperStore {
  readonly kind = 'kubernetes';
  private readonly sessions = new Set<KubeSession>();
  /** Keys this store wrote under one of its sessions, at the version it wrote: guards on them are fenced. */
  private readonly sessionKeys = new Map<string, { session: KubeSession; version: number }>();
  private readonly locks = new KubeKeyLocks();
  private readonly keyWatch: KubeKeyWatch;
  private readonly reaper: KubeSessionReaper;

  private constructor(
    readonly api: KubeApi,
    readonly namespace: string,
    readonly prefix: string,
    readonly requestTimeoutMs: number,
    readonly logger: DcsLogger | undefined,
    sessionGraceMs: number,
  ) {
    super();
    this.keyWatch = new KubeKeyWatch(api, namespace, prefix, logger);
    this.reaper = new KubeSessionReaper(this, sessionGraceMs);
  }

  static async open(options: KubeDcsOptions): Promise<KubeDcs> {
    assertValidKubePrefix(options.prefix);
    const requestTimeoutMs = timeoutOption(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      KUBE_REQUEST_TIMEOUT_MS_DEFAULT,
    );
    const dialTimeoutMs = timeoutOption('dialTimeoutMs', options.dialTimeoutMs, KUBE_DIAL_TIMEOUT_MS_DEFAULT);
    const graceMs = timeoutOption(
      'sessionGraceMs',
      options.sessionGraceMs,
      Math.max(KUBE_SESSION_GRACE_MS_MIN_DEFAULT, requestTimeoutMs),
    );
    const connection = await loadKubeConnection({
      kubeconfig: options.kubeconfig ?? '',
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.serviceAccountDir === undefined ? {} : { serviceAccountDir: options.serviceAccountDir }),
    });
    const namespace = options.namespace || connection.namespace || 'default';
    assertValidNamespace(namespace);
    const api = new KubeApi(connection, requestTimeoutMs);
    const dcs = new KubeDcs(api, namespace, options.prefix, requestTimeoutMs, options.logger, graceMs);
    try {
      await dcs.checkAccess(connection, dialTimeoutMs);
      await dcs.reaper.start();
    } catch (err) {
      dcs.reaper.stop();
      api.close();
      throw err;
    }
    return dcs;
  }

  protected async getKey(key: string): Promise<VersionedValue | null> {
    const cm = await this.read(key);
    if (cm === null) return null;
    const { session: _, ...entry } = entryOf(cm, key);
    return entry;
  }

  protected async listPrefix(prefix: string): Promise<VersionedValue[]> {
    const { items } = await this.api.list<ConfigMapObject>(this.path(), selectorOf(this.prefix));
    const entries: VersionedValue[] = [];
    for (const cm of items) {
      try {
        const { session: _, ...entry } = entryOf(cm);
        if (entry.key.startsWith(prefix)) entries.push(entry);
      } catch (err) {
        this.logger?.warn({ name: cm.metadata?.name, err }, 'skipping an unreadable DCS object');
      }
    }
    return entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  protected async setIfVersion(
    key: string,
    value: Buffer,
    expectedVersion: number,
    guard: DcsGuard | undefined,
    session: KubeSession | undefined,
  ): Promise<CasResult> {
    const body = keyObject(
      this.prefix,
      this.namespace,
      key,
      value,
      session === undefined
        ? undefined
        : { id: session.id, leaseName: session.leaseName, leaseUid: session.leaseUid },
    );
    return this.locks.with(key, guard?.key, async () => {
      const timeoutMs = await this.checkGuard(key, expectedVersion, guard, session);
      if (typeof timeoutMs !== 'number') return timeoutMs;
      let written: ConfigMapObject;
      try {
        written =
          expectedVersion === 0
            ? await this.api.call('POST', this.path(), { body, query: FIELD_MANAGER, timeoutMs })
            : await this.api.call('PUT', this.path(key), {
                body: { ...body, metadata: { ...body.metadata, resourceVersion: String(expectedVersion) } },
                query: FIELD_MANAGER,
                timeoutMs,
              });
      } catch (err) {
        // 409: AlreadyExists (a create) or Conflict (an update); 404: an update of an absent key. A 404 on
        // a create is no compare (its namespace is missing): it is thrown, not read as "the key exists".
        if (
          err instanceof KubeApiError &&
          (err.status === 409 || (err.status === 404 && expectedVersion !== 0))
        ) {
          return { ok: false, version: await this.versionNow(key) };
        }
        throw err;
      }
      const version = versionOf(written.metadata);
      if (session !== undefined) this.sessionKeys.set(key, { session, version });
      else this.sessionKeys.delete(key);
      return { ok: true, version };
    });
  }

  protected async deleteIfVersion(
    key: string,
    expectedVersion: number,
    guard: DcsGuard | undefined,
  ): Promise<CasResult> {
    // Deleting an absent key is not a change; report the current version like any failed compare.
    if (expectedVersion === 0) return { ok: false, version: await this.versionNow(key) };
    return this.locks.with(key, guard?.key, async () => {
      const timeoutMs = await this.checkGuard(key, expectedVersion, guard, undefined);
      if (typeof timeoutMs !== 'number') return timeoutMs;
      try {
        await this.api.call('DELETE', this.path(key), {
          body: {
            apiVersion: 'v1',
            kind: 'DeleteOptions',
            preconditions: { resourceVersion: String(expectedVersion) },
          },
          timeoutMs,
        });
      } catch (err) {
        if (err instanceof KubeApiError && (err.status === 409 || err.status === 404)) {
          return { ok: false, version: await this.versionNow(key) };
        }
        throw err;
      }
      if (this.sessionKeys.get(key)?.version === expectedVersion) this.sessionKeys.delete(key);
      return { ok: true, version: 0 };
    });
  }

  protected async subscribe(prefix: string, listener: (event: DcsEvent) => void): Promise<() => void> {
    return this.keyWatch.subscribe(prefix, listener);
  }

  protected async startSession(ttlMs: number): Promise<DcsSession> {
    const session = await KubeSession.open(this, ttlMs);
    this.sessions.add(session);
    return session;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.keyWatch.stop();
    this.reaper.stop();
    // Close, so this broker's ephemeral keys go now rather than a TTL later; best effort.
    await Promise.all([...this.sessions].map((s) => s.close().catch(() => undefined)));
    this.closed = true;
    this.api.close();
  }

  /** Throws, after trying every key, when any is left (a failed delete, or one rewritten meanwhile). */
  async deleteSessionKeys(sessionId: string): Promise<void> {
    const { items } = await this.api.list<ConfigMapObject>(this.path(), selectorOf(this.prefix, sessionId));
    let left = 0;
    let lastError: unknown;
    for (const cm of items) {
      try {
        const entry = entryOf(cm);
        const result = await this.compareAndDelete(entry.key, entry.version);
        if (!result.ok && result.version !== 0) left += 1;
      } catch (err) {
        // One bad object does not keep the others from going.
        left += 1;
        lastError = err;
      }
    }
    if (left > 0) {
      throw new Error(`${left} of ${items.length} keys of DCS session ${sessionId} are left`, {
        cause: lastError,
      });
    }
  }

  forget(session: KubeSession): void {
    // Its entries in sessionKeys stay: a guard on one of its keys must now fail (the session has ended),
    // not fall back to reading the key, which peers leave in place until they count the session expired.
    // An entry goes only when this store writes or deletes that key again.
    this.sessions.delete(session);
  }

  /**
   * Steps (1) and (2) of a guarded write (see above), and the time limit of any write: how long the write
   * may take, measured just before it is sent, or the failure to report when the guard does not hold.
   *
   * One absolute deadline covers the guard read and the write: the request timeout from now, and
   * WRITE_MARGIN_MS before the end of the session the key is written under and of the session that owns
   * the guard key. A write that would have less than WRITE_MS_MIN of it left is not sent: a session write
   * throws DcsSessionEndedError, a guarded write reports guardFailed.
   */
  private async checkGuard(
    key: string,
    expectedVersion: number,
    guard: DcsGuard | undefined,
    session: KubeSession | undefined,
  ): Promise<number | CasResult> {
    const owned = guard === undefined ? undefined : this.sessionKeys.get(guard.key);
    const guardSession = owned !== undefined && owned.version === guard?.version ? owned.session : undefined;
    const deadlineMs = Math.min(
      performance.now() + this.requestTimeoutMs,
      writeEndMs(session),
      writeEndMs(guardSession),
    );
    let leftMs = this.timeLeftMs(deadlineMs, session, guardSession);
    if (guard === undefined || typeof leftMs !== 'number')
      return leftMs ?? this.guardFailure(key, expectedVersion);
    if ((await this.versionNow(guard.key, leftMs)) !== guard.version) {
      return this.guardFailure(key, expectedVersion);
    }
    leftMs = this.timeLeftMs(deadlineMs, session, guardSession);
    return leftMs ?? this.guardFailure(key, expectedVersion);
  }

  /**
   * Time left before `deadlineMs`, or undefined when the guard's session ends too soon; throws when the
   * write's own session does, or when the request timeout ran out (the guard read took it all).
   */
  private timeLeftMs(
    deadlineMs: number,
    session: KubeSession | undefined,
    guardSession: KubeSession | undefined,
  ): number | undefined {
    const now = performance.now();
    const leftMs = deadlineMs - now;
    if (leftMs >= WRITE_MS_MIN) return leftMs;
    if (session !== undefined && writeEndMs(session) - now < WRITE_MS_MIN) {
      throw new DcsSessionEndedError(
        session.id,
        session.ended ? 'lost' : 'it ends before a write could land',
      );
    }
    if (guardSession !== undefined && writeEndMs(guardSession) - now < WRITE_MS_MIN) return undefined;
    throw new KubeApiError(0, 'Timeout', `no time left to write within ${this.requestTimeoutMs} ms`);
  }

  private async guardFailure(key: string, expectedVersion: number): Promise<CasResult> {
    const current = await this.versionNow(key);
    return casFailure(current, current === expectedVersion);
  }

  private async read(key: string, timeoutMs?: number): Promise<ConfigMapObject | null> {
    try {
      return await this.api.call<ConfigMapObject>(
        'GET',
        this.path(key),
        timeoutMs === undefined ? {} : { timeoutMs },
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 404) return null;
      throw err;
    }
  }

  /** The key's version now (0: absent), by a fresh read. */
  private async versionNow(key: string, timeoutMs?: number): Promise<number> {
    const cm = await this.read(key, timeoutMs);
    return cm === null ? 0 : entryOf(cm, key).version;
  }

  private path(key?: string): string {
    return resourcePath(
      this.namespace,
      CONFIGMAPS,
      key === undefined ? undefined : keyObjectName(this.prefix, key),
    );
  }

  protected liveSession(session: DcsSession): KubeSession {
    return liveLeaseSession(session, this.sessions);
  }

  /**
   * Waits for the API server (it may still be starting), then checks this identity may use both kinds
   * of object and that resourceVersions are integers; a refusal fails at once with what the Role lacks.
   */
  private async checkAccess(connection: KubeConnection, dialTimeoutMs: number): Promise<void> {
    const deadline = performance.now() + dialTimeoutMs;
    for (const [resource, path] of [
      [CONFIGMAPS, this.path()],
      [`coordination.k8s.io ${LEASES}`, resourcePath(this.namespace, LEASES)],
    ] as const) {
      for (let attempt = 1; ; attempt++) {
        let res: { metadata?: { resourceVersion?: string } };
        try {
          res = await this.api.call('GET', path, {
            query: { labelSelector: selectorOf(this.prefix), limit: '1' },
            timeoutMs: Math.max(1, Math.min(this.requestTimeoutMs, deadline - performance.now())),
          });
        } catch (err) {
          if (err instanceof KubeApiError && (err.status === 401 || err.status === 403)) {
            throw new Error(
              `the Kubernetes API server (${connection.server.origin}, ${connection.source}) refused to list ` +
                `${resource} in namespace ${this.namespace}: the broker needs get, list, watch, create, update ` +
                `and delete on configmaps and coordination.k8s.io leases there (${err.message})`,
              { cause: err },
            );
          }
          if (!(err instanceof KubeApiError) || performance.now() + 100 >= deadline) {
            throw new Error(
              `the Kubernetes API server at ${connection.server.origin} did not answer within ${dialTimeoutMs} ms ` +
                `(${attempt} attempts): ${(err as Error).message}`,
              { cause: err },
            );
          }
          await sleep(backoffDelayMs(attempt, DIAL_RETRY_BACKOFF));
          continue;
        }
        // Versions are resourceVersions read as integers: refuse a server whose are not (never seen).
        versionOf(res.metadata);
        break;
      }
    }
    await this.checkNamespace();
  }

  /**
   * A list in a missing namespace is an empty list, and a read a 404 like an absent key: a dry-run create
   * (nothing stored; the Role's `create` suffices) is what tells a missing namespace apart.
   */
  private async checkNamespace(): Promise<void> {
    try {
      await this.api.call('POST', this.path(), {
        body: keyObject(this.prefix, this.namespace, 'dry-run', Buffer.alloc(0)),
        query: { ...FIELD_MANAGER, dryRun: 'All' },
      });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return; // the object exists: so does the namespace
      if (err instanceof KubeApiError && err.status === 404) {
        throw new Error(`namespace ${this.namespace} does not exist (dcsKubeNamespace): ${err.message}`, {
          cause: err,
        });
      }
      throw err;
    }
  }
}

/** When a write under (or guarded by a key of) `session` must be answered by: -Infinity once it ended. */
function writeEndMs(session: KubeSession | undefined): number {
  if (session === undefined) return Number.POSITIVE_INFINITY;
  if (session.ended) return Number.NEGATIVE_INFINITY;
  return performance.now() + session.remainingMs() - WRITE_MARGIN_MS;
}

function timeoutOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 600_000) {
    throw new Error(`${name} must be an integer from 1 to 600000, got ${value}`);
  }
  return value;
}
