import { randomInt } from 'node:crypto';
import { hostname } from 'node:os';
import type { DcsLogger } from '../dcs.js';
import { LeaseSession } from '../lease-session.js';
import { type KubeApi, KubeApiError } from './kube-api.js';
import {
  LEASES,
  type LeaseObject,
  labelsOf,
  microTime,
  resourcePath,
  sessionLeaseName,
} from './kube-objects.js';

/** What a session needs from the KubeDcs that opened it. */
export interface KubeSessionStore {
  readonly api: KubeApi;
  readonly namespace: string;
  readonly prefix: string;
  readonly requestTimeoutMs: number;
  readonly logger: DcsLogger | undefined;
  /** Compare-and-deletes every key written under the session. */
  deleteSessionKeys(sessionId: string): Promise<void>;
  /** Called once the session has ended (closed or lost). */
  forget(session: KubeSession): void;
}

/** Session ids are random decimals below 2^48 (the Lease name carries them; a clash is retried). */
const SESSION_ID_MAX = 2 ** 48 - 1;
const CREATE_ATTEMPTS_MAX = 3;
/** After a failed renewal the next attempt comes sooner than the regular TTL/3, but not in a tight loop. */
const RENEW_RETRY_MS_MIN = 100;

/**
 * A session: a Lease `<prefix>-session-<id>` in the store's namespace, renewed every TTL/3 by writing its
 * `renewTime` (a compare-and-set on the Lease's resourceVersion), with `leaseDurationSeconds` = the TTL
 * rounded up to whole seconds.
 *
 * `expiresAtMs` (monotonic, performance.now()) is a lower bound of when a peer may count the session
 * expired: each confirmed renewal moves it to the renewal's send time plus the TTL. Peers count from when
 * they saw the renewal, which is after it was sent (kube-session-reaper.ts), so the holder always knows
 * first. Past it, the session is lost whatever the network says; a process paused past its TTL (SIGSTOP,
 * a long GC) finds it lost as soon as it runs again. The session is also lost when a renewal finds the
 * Lease gone (a peer removed it as expired, or someone deleted it) or held by someone else.
 *
 * Closing deletes the session's keys, then the Lease. A lost session does the same in the background,
 * in case the Lease is still there (the loss was this process's conservative clock), as etcd's revoke.
 */
export class KubeSession extends LeaseSession {
  readonly leaseName: string;
  private renewTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly store: KubeSessionStore,
    id: string,
    ttlMs: number,
    private lease: LeaseObject,
    expiresAtMs: number,
  ) {
    super(id, ttlMs, expiresAtMs, store.logger);
    this.leaseName = sessionLeaseName(store.prefix, id);
  }

  /** Creates the Lease (under a fresh id if one is taken) and starts renewing it. */
  static async open(store: KubeSessionStore, ttlMs: number): Promise<KubeSession> {
    for (let attempt = 1; ; attempt++) {
      const id = String(randomInt(1, SESSION_ID_MAX));
      const now = microTime(new Date());
      const body: LeaseObject = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: sessionLeaseName(store.prefix, id), labels: labelsOf(store.prefix, id) },
        spec: {
          holderIdentity: `tributary-broker/${hostname()}/${process.pid}`,
          leaseDurationSeconds: Math.ceil(ttlMs / 1000),
          acquireTime: now,
          renewTime: now,
        },
      };
      const sentAtMs = performance.now();
      try {
        const lease = await store.api.call<LeaseObject>('POST', resourcePath(store.namespace, LEASES), {
          body,
          query: { fieldManager: 'tributary-broker' },
        });
        const session = new KubeSession(store, id, ttlMs, lease, sentAtMs + ttlMs);
        session.start();
        return session;
      } catch (err) {
        const clash = err instanceof KubeApiError && err.status === 409;
        if (!clash || attempt >= CREATE_ATTEMPTS_MAX) throw err;
      }
    }
  }

  get leaseUid(): string {
    return this.lease.metadata.uid ?? '';
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.end();
    await this.removeLeaseAndKeys();
  }

  protected override logFields(): Record<string, unknown> {
    return { session: this.id, lease: this.leaseName };
  }

  protected cleanUpLost(): void {
    // Peers remove them anyway once they count the session expired; this is only sooner.
    this.removeLeaseAndKeys().catch((err: unknown) =>
      this.store.logger?.warn({ session: this.id, err }, 'could not remove the keys of a lost DCS session'),
    );
  }

  private start(): void {
    this.scheduleRenew(this.ttlMs / 3);
    this.armExpiryTimer();
  }

  protected onEnd(): void {
    clearTimeout(this.renewTimer);
    this.store.forget(this);
  }

  private async removeLeaseAndKeys(): Promise<void> {
    await this.store.deleteSessionKeys(this.id);
    try {
      await this.store.api.call('DELETE', resourcePath(this.store.namespace, LEASES, this.leaseName), {
        body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { uid: this.leaseUid } },
      });
    } catch (err) {
      if (!(err instanceof KubeApiError && (err.status === 404 || err.status === 409))) throw err; // gone already
    }
  }

  private scheduleRenew(delayMs: number): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => void this.renew(), delayMs);
    this.renewTimer.unref();
  }

  private async renew(): Promise<void> {
    if (this.ended) return;
    if (this.expired()) return this.markLost('not renewed before its TTL ran out');
    const sentAtMs = performance.now();
    const body: LeaseObject = {
      ...this.lease,
      spec: { ...this.lease.spec, renewTime: microTime(new Date()) },
    };
    try {
      const lease = await this.store.api.call<LeaseObject>(
        'PUT',
        resourcePath(this.store.namespace, LEASES, this.leaseName),
        { body, timeoutMs: this.attemptMs(), query: { fieldManager: 'tributary-broker' } },
      );
      if (this.ended) return;
      this.lease = lease;
      this.renewed(sentAtMs, this.ttlMs);
      this.scheduleRenew(this.ttlMs / 3);
    } catch (err) {
      if (this.ended) return;
      if (err instanceof KubeApiError && err.status === 404) {
        return this.markLost('its Lease is gone (a peer removed it as expired, or it was deleted)', err);
      }
      if (err instanceof KubeApiError && err.status === 409) return this.reread(err);
      this.store.logger?.warn({ session: this.id, err }, 'DCS session renewal failed; retrying');
      this.scheduleRenew(Math.max(RENEW_RETRY_MS_MIN, this.ttlMs / 10));
    }
  }

  /** Someone else changed the Lease (an annotation, say): renew on top of it if it is still ours. */
  private async reread(conflict: KubeApiError): Promise<void> {
    try {
      const lease = await this.store.api.call<LeaseObject>(
        'GET',
        resourcePath(this.store.namespace, LEASES, this.leaseName),
        { timeoutMs: this.attemptMs() },
      );
      if (this.ended) return;
      if (
        lease.metadata.uid !== this.leaseUid ||
        lease.spec?.holderIdentity !== this.lease.spec?.holderIdentity
      ) {
        return this.markLost('its Lease was taken over', conflict);
      }
      this.lease = lease;
      this.scheduleRenew(0);
    } catch (err) {
      if (this.ended) return;
      if (err instanceof KubeApiError && err.status === 404) return this.markLost('its Lease is gone', err);
      this.scheduleRenew(Math.max(RENEW_RETRY_MS_MIN, this.ttlMs / 10));
    }
  }

  /**
   * One renewal attempt may take the request timeout, but never past the session's end (a late answer
   * still counts from its send time). A hung connection is dropped and the next attempt uses a new one.
   */
  private attemptMs(): number {
    return Math.max(1, Math.min(this.store.requestTimeoutMs, this.remainingMs()));
  }
}
