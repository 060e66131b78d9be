import { type BackoffPolicy, backoffDelayMs } from '../../../kit/backoff.js';
import { sleep } from '../../../kit/sleep.js';
import type { DcsLogger } from '../dcs.js';
import { type KubeApi, KubeApiError } from './kube-api.js';
import { KubeListWatch } from './kube-list-watch.js';
import {
  CONFIGMAPS,
  type ConfigMapObject,
  DCS_LABEL,
  LEASES,
  type LeaseObject,
  resourcePath,
  SESSION_LABEL,
  selectorOf,
  sessionLeaseName,
} from './kube-objects.js';

/** What the reaper needs from the KubeDcs it works for. */
export interface KubeReaperStore {
  readonly api: KubeApi;
  readonly namespace: string;
  readonly prefix: string;
  readonly logger: DcsLogger | undefined;
  deleteSessionKeys(sessionId: string): Promise<void>;
}

interface Observed {
  readonly resourceVersion: string;
  readonly sessionId: string;
  readonly durationMs: number;
  /** performance.now() when this process first saw this resourceVersion of the Lease. */
  readonly seenAtMs: number;
}

/** Keys whose session has no Lease (written by a request that landed after its session was removed). */
const ORPHAN_SWEEP_INTERVAL_MS = 60_000;
/**
 * Removing a reaped session's keys is retried with backoff (0.2 s doubling to 2 s), since nobody else
 * retries it: the other stores saw the Lease go. After the last attempt, the orphan sweep is left.
 */
const KEY_DELETE_ATTEMPTS_MAX = 6;
const KEY_DELETE_RETRY_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 2_000 };

/**
 * Ends the sessions of brokers that died, so their ephemeral keys go, without the Kubernetes garbage
 * collector (which the ownerReferences would also let remove them, where it runs).
 *
 * Every store watches its prefix's session Leases and remembers, per Lease, when it first saw its
 * current resourceVersion. A Lease unchanged for its `leaseDurationSeconds` plus a grace period by this
 * process's own clock has expired: its holder, which counts from when it sent the renewal (earlier), has
 * known for at least the grace period. Wall clocks are never compared (renewTime is for people), so clock
 * skew between nodes does not matter, only clock rates, as in client-go's leader election. The reaper then
 *
 * 1. deletes the Lease with the precondition resourceVersion = the one it watched expire, so a renewal
 *    that landed meanwhile wins and nothing is removed; its holder's next renewal finds it gone;
 * 2. compare-and-deletes every key labelled with the session, retrying with backoff while any is left.
 *
 * Every store does this and they race harmlessly: the preconditions let one win and the others get 404s
 * or 409s. A key written after step 2 (a request in flight past its session's end, which the holder never
 * sends: see KubeDcs) would be left with a Lease that no longer exists; a sweep after each reaping, at
 * start and every minute removes such orphans (a key's Lease is created before the key, so a Lease
 * missing on a fresh read is gone for good).
 */
export class KubeSessionReaper {
  private readonly observed = new Map<string, Observed>();
  private readonly listWatch: KubeListWatch<LeaseObject>;
  private expiryTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** performance.now() when the pending sweep runs; +Infinity: none pending. */
  private sweepAtMs = Number.POSITIVE_INFINITY;
  private readonly reaping = new Set<string>();
  private stopped = false;

  constructor(
    private readonly store: KubeReaperStore,
    private readonly graceMs: number,
  ) {
    this.listWatch = new KubeListWatch(
      store.api,
      resourcePath(store.namespace, LEASES),
      selectorOf(store.prefix),
      {
        onList: (items) => {
          const names = new Set<string>();
          for (const lease of items) names.add(this.observe(lease));
          for (const name of [...this.observed.keys()]) if (!names.has(name)) this.observed.delete(name);
          this.armExpiryTimer();
        },
        onEvent: (type, lease) => {
          if (type === 'DELETED') this.observed.delete(lease.metadata.name ?? '');
          else this.observe(lease);
          this.armExpiryTimer();
        },
      },
      store.logger,
    );
  }

  async start(): Promise<void> {
    await this.listWatch.start();
    this.scheduleSweep(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.expiryTimer);
    clearTimeout(this.sweepTimer);
    this.listWatch.stop();
  }

  /** Remembers a Lease; returns its name. A Lease seen again at the same resourceVersion keeps its time. */
  private observe(lease: LeaseObject): string {
    const name = lease.metadata.name ?? '';
    const resourceVersion = lease.metadata.resourceVersion ?? '';
    if (this.observed.get(name)?.resourceVersion === resourceVersion) return name;
    const seconds = lease.spec?.leaseDurationSeconds;
    const sessionId = lease.metadata.labels?.[SESSION_LABEL] ?? '';
    if (
      typeof seconds !== 'number' ||
      !(seconds > 0) ||
      sessionLeaseName(this.store.prefix, sessionId) !== name
    ) {
      this.store.logger?.warn({ lease: name }, 'skipping a Lease that is not a readable DCS session');
      this.observed.delete(name);
      return name;
    }
    this.observed.set(name, {
      resourceVersion,
      sessionId,
      durationMs: seconds * 1000,
      seenAtMs: performance.now(),
    });
    return name;
  }

  private deadlineOf(o: Observed): number {
    return o.seenAtMs + o.durationMs + this.graceMs;
  }

  private armExpiryTimer(): void {
    if (this.stopped) return;
    clearTimeout(this.expiryTimer);
    let next = Number.POSITIVE_INFINITY;
    for (const [name, o] of this.observed)
      if (!this.reaping.has(name)) next = Math.min(next, this.deadlineOf(o));
    if (next === Number.POSITIVE_INFINITY) return;
    this.expiryTimer = setTimeout(() => this.reapExpired(), Math.max(0, next - performance.now()));
    this.expiryTimer.unref();
  }

  private reapExpired(): void {
    const now = performance.now();
    for (const [name, o] of this.observed) {
      if (this.deadlineOf(o) > now || this.reaping.has(name)) continue;
      this.reaping.add(name);
      this.reap(name, o)
        .catch((err: unknown) =>
          this.store.logger?.warn({ lease: name, err }, 'could not remove an expired DCS session; retrying'),
        )
        .finally(() => {
          this.reaping.delete(name);
          // Failed: retry after the grace period, from a fresh observation.
          if (this.observed.get(name) === o)
            this.observed.set(name, { ...o, seenAtMs: performance.now() - o.durationMs });
          this.armExpiryTimer();
        });
    }
    this.armExpiryTimer();
  }

  private async reap(name: string, o: Observed): Promise<void> {
    const { api, namespace } = this.store;
    try {
      await api.call('DELETE', resourcePath(namespace, LEASES, name), {
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          preconditions: { resourceVersion: o.resourceVersion },
        },
      });
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 409) return; // renewed meanwhile: alive after all
      if (!(err instanceof KubeApiError && err.status === 404)) throw err;
    }
    this.observed.delete(name);
    this.store.logger?.warn(
      { lease: name, session: o.sessionId, leaseDurationMs: o.durationMs },
      'DCS session expired; removing its keys',
    );
    // Once more after the grace period: a write that was in flight when the session ended.
    this.scheduleSweep(this.graceMs);
    await this.deleteKeysOf(o.sessionId);
  }

  private async deleteKeysOf(sessionId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.deleteSessionKeys(sessionId);
      } catch (err) {
        if (this.stopped || attempt >= KEY_DELETE_ATTEMPTS_MAX) throw err;
        const retryMs = backoffDelayMs(attempt, KEY_DELETE_RETRY_BACKOFF);
        this.store.logger?.warn(
          { session: sessionId, retryMs, err },
          'could not remove the keys of an expired DCS session; retrying',
        );
        await sleep(retryMs);
      }
    }
  }

  /** Sweeps after `delayMs`, unless a sweep is due sooner already. */
  private scheduleSweep(delayMs: number): void {
    if (this.stopped) return;
    const atMs = performance.now() + delayMs;
    if (atMs >= this.sweepAtMs) return;
    clearTimeout(this.sweepTimer);
    this.sweepAtMs = atMs;
    this.sweepTimer = setTimeout(() => {
      this.sweepAtMs = Number.POSITIVE_INFINITY;
      this.sweepOrphans()
        .catch((err: unknown) => this.store.logger?.warn({ err }, 'DCS orphan sweep failed'))
        .finally(() => this.scheduleSweep(ORPHAN_SWEEP_INTERVAL_MS));
    }, delayMs);
    this.sweepTimer.unref();
  }

  /** Deletes keys labelled with a session whose Lease does not exist. */
  private async sweepOrphans(): Promise<void> {
    const { api, namespace, prefix } = this.store;
    const { items } = await api.list<ConfigMapObject>(
      resourcePath(namespace, CONFIGMAPS),
      `${DCS_LABEL}=${prefix},${SESSION_LABEL}`,
    );
    const sessions = new Set(items.map((cm) => cm.metadata.labels?.[SESSION_LABEL] ?? ''));
    for (const id of sessions) {
      if (this.stopped) return;
      const name = sessionLeaseName(prefix, id);
      if (id === '' || this.observed.has(name)) continue;
      try {
        await api.call('GET', resourcePath(namespace, LEASES, name));
        continue; // it exists: the watch had not shown it yet
      } catch (err) {
        if (!(err instanceof KubeApiError && err.status === 404)) throw err;
      }
      this.store.logger?.warn({ session: id }, 'removing DCS keys of a session that no longer exists');
      await this.store.deleteSessionKeys(id);
    }
  }
}
