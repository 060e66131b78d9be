/**
 * Leader election through a `coordination.k8s.io` Lease, as client-go's leaderelection package does it, so
 * two or more operator replicas can run and exactly one reconciles.
 *
 * Algorithm (every `retryPeriodMs`):
 * - Read the Lease. Absent: create it naming this replica (a 409 means another one was faster).
 * - Held by another replica: the holder is alive while its record (holder, renewTime, duration) keeps
 *   changing. Each replica times that with its own monotonic clock from when it last saw the record change,
 *   never by comparing its clock with the holder's renewTime, so clock skew between nodes cannot elect two
 *   leaders. Only when the record has not changed for `leaseDurationSeconds` may another replica take it.
 * - Free (expired, released, or ours): write it naming this replica with a fresh renewTime. The write carries
 *   the resourceVersion that was read, so of two replicas racing for an expired Lease only one succeeds.
 * - A leader that has not renewed for `renewDeadlineMs` (< the lease duration) stops leading at once: a
 *   timer fires `renewDeadlineMs` after the *start* of its last successful renew (the server committed the
 *   renew no earlier than that, and a standby counts the lease duration from when it saw the commit), so
 *   it steps down at least leaseDuration - renewDeadline before another replica may take over, however
 *   slow the API server is. The process then exits at once, without draining (see main.ts), as client-go's
 *   users do; Kubernetes restarts it as a follower.
 * - On a graceful stop the leader releases the Lease by deleting it (only the version it holds: a delete with
 *   the resourceVersion and uid as preconditions), so a standby creates it anew at its next retry instead of
 *   waiting out the lease duration, and an uninstalled operator leaves no Lease behind.
 */

import { performance } from 'node:perf_hooks';
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import { sleep } from '../../kit/sleep.js';
import { describeApiError, isConflict, isNotFound } from './api-error.js';

export interface LeaderElectionOptions {
  namespace: string;
  /** Lease name. */
  name: string;
  /** This replica, unique among replicas (pod name plus a random suffix). */
  identity: string;
  /** How long a leader's lease lasts without renewal before another replica may take it. */
  leaseDurationSeconds: number;
  /** A leader that could not renew for this long steps down. Below the lease duration. */
  renewDeadlineMs: number;
  /** Pause between attempts to acquire or renew. Below the renew deadline. */
  retryPeriodMs: number;
  onStartedLeading: () => void;
  /** Called once when leadership is lost (not on a graceful stop). */
  onStoppedLeading: () => void;
  onError?: (message: string) => void;
}

interface ObservedRecord {
  key: string;
  holder: string;
  atMs: number;
}

function timeText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return value === undefined || value === null ? '' : String(value);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private observed: ObservedRecord | undefined;
  private leading = false;
  private stopped = false;
  /** Fires when the renew deadline passes without a successful renew. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  /** An acquire or renew was sent: this replica may hold the Lease even if it never counted itself leading. */
  private attempted = false;
  /** Aborted when campaigning ends (stop, step down): ends the wait between attempts at once. */
  private readonly halt = new AbortController();

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: LeaderElectionOptions,
  ) {
    const { leaseDurationSeconds, renewDeadlineMs, retryPeriodMs } = options;
    if (
      !(Number.isInteger(leaseDurationSeconds) && leaseDurationSeconds >= 1) ||
      !(retryPeriodMs > 0 && retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationSeconds * 1000)
    ) {
      throw new RangeError(
        `leader election needs retry period < renew deadline < lease duration, got ${retryPeriodMs} ms, ${renewDeadlineMs} ms, ${leaseDurationSeconds} s`,
      );
    }
    this.api = kubeConfig.makeApiClient(CoordinationV1Api);
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Starts campaigning in the background. */
  start(): void {
    if (this.loop !== undefined) throw new Error('leader elector already started');
    this.loop = this.run();
  }

  /**
   * Stops campaigning and releases the Lease if this replica holds it, unless told not to (bounded by
   * twice the retry period per API call).
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    this.stopped = true;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.halt.abort();
    await this.loop;
    const wasLeading = this.leading;
    this.leading = false;
    if (options.release === false) return;
    // Released even when this replica never counted itself leading: an acquire whose answer came after
    // the stop (or after its timeout) may have landed, and such a Lease would name a replica that is gone.
    // release() deletes only a Lease this identity holds, so a standby's Lease is never touched.
    if (wasLeading || this.attempted) {
      await this.release().catch((err) =>
        this.options.onError?.(`releasing the lease: ${describeApiError(err)}`),
      );
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let ok = false;
      const attemptStartMs = performance.now();
      this.attempted = true;
      try {
        ok = await withTimeout(this.tryAcquireOrRenew(), this.options.retryPeriodMs * 2, 'a lease update');
      } catch (err) {
        this.options.onError?.(
          `lease ${this.options.namespace}/${this.options.name}: ${describeApiError(err)}`,
        );
      }
      if (this.stopped) return;
      if (ok) {
        const left = this.options.renewDeadlineMs - (performance.now() - attemptStartMs);
        if (left <= 0) {
          // Renewed, but too slowly to count on it: another replica may already be counting down.
          this.stepDown();
          return;
        }
        if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
        this.deadlineTimer = setTimeout(() => this.stepDown(), left);
        if (!this.leading) {
          this.leading = true;
          this.options.onStartedLeading();
        }
      }
      await sleep(this.options.retryPeriodMs, this.halt.signal).catch(() => {});
    }
  }

  private stepDown(): void {
    if (this.stopped && !this.leading) return;
    const wasLeading = this.leading;
    this.leading = false;
    this.stopped = true;
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.halt.abort();
    if (wasLeading) this.options.onStoppedLeading();
  }

  /** One attempt: answers whether this replica holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationSeconds } = this.options;
    const now = new V1MicroTime(Date.now());
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await this.api.createNamespacedLease({
          namespace,
          body: {
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (createErr) {
        if (isConflict(createErr)) return false;
        throw createErr;
      }
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const key = `${holder}|${timeText(spec.renewTime)}|${spec.leaseDurationSeconds ?? ''}`;
    const nowMs = performance.now();
    if (this.observed?.key !== key) this.observed = { key, holder, atMs: nowMs };
    const heldByOther =
      holder !== '' &&
      holder !== identity &&
      nowMs - this.observed.atMs < (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    if (heldByOther) return false;
    const ours = holder === identity;
    try {
      await this.api.replaceNamespacedLease({
        name,
        namespace,
        body: {
          metadata: { ...lease.metadata, name, namespace },
          spec: {
            ...spec,
            holderIdentity: identity,
            leaseDurationSeconds,
            // Rewritten as a MicroTime: the read gives a string or a Date, and the server wants microseconds.
            acquireTime:
              ours && spec.acquireTime !== undefined
                ? new V1MicroTime(new Date(spec.acquireTime).getTime())
                : now,
            renewTime: now,
            leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
          },
        },
      });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  /**
   * Hands the Lease back by deleting the version this replica holds (a standby that wrote it meanwhile
   * keeps it: the preconditions fail with 409), so a standby takes over at once and nothing is left behind.
   */
  private async release(): Promise<void> {
    const { namespace, name, identity } = this.options;
    let lease: V1Lease;
    try {
      lease = await withTimeout(
        this.api.readNamespacedLease({ name, namespace }),
        this.options.retryPeriodMs * 2,
        'reading the lease',
      );
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (lease.spec?.holderIdentity !== identity) return;
    try {
      await withTimeout(
        this.api.deleteNamespacedLease({
          name,
          namespace,
          body: {
            preconditions: {
              resourceVersion: lease.metadata?.resourceVersion,
              uid: lease.metadata?.uid,
            },
          },
        }),
        this.options.retryPeriodMs * 2,
        'releasing the lease',
      );
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }
}
