import { type DcsLogger, type DcsSession, DcsSessionEndedError } from './dcs.js';

/**
 * What both backends' sessions share (etcd's EtcdSession, Kubernetes' KubeSession): the session clock
 * and how a session ends.
 *
 * `expiresAtMs` (monotonic, performance.now()) is a lower bound of when the store (or a peer) may count
 * the session expired: each confirmed renewal moves it to the renewal's send time plus the TTL. Past it
 * the session is lost whatever the network says; an expiry timer notices even when no renewal runs.
 * A session ends once, by `close` or `markLost`; `lost` aborts only on a loss.
 */
export abstract class LeaseSession implements DcsSession {
  private readonly lostController = new AbortController();
  readonly lost: AbortSignal = this.lostController.signal;
  private ended_ = false;
  private expiryTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly id: string,
    readonly ttlMs: number,
    private expiresAtMs: number,
    protected readonly logger: DcsLogger | undefined,
  ) {}

  abstract close(): Promise<void>;
  /** Stops renewing (timers, streams) and tells the store the session is gone. */
  protected abstract onEnd(): void;
  /** Removes what the store may still hold for a lost session (in the background). */
  protected abstract cleanUpLost(): void;

  get ended(): boolean {
    return this.ended_;
  }

  /** Time left before the session may be counted expired, by this process's clock. */
  remainingMs(): number {
    return this.expiresAtMs - performance.now();
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }

  markLost(reason: string, cause?: unknown): void {
    if (this.ended_) return;
    this.end();
    this.logger?.warn({ ...this.logFields(), err: cause }, `DCS session lost: ${reason}`);
    this.lostController.abort(new DcsSessionEndedError(this.id, reason, { cause }));
    this.cleanUpLost();
  }

  /** Identifies the session in log lines. */
  protected logFields(): Record<string, unknown> {
    return { session: this.id };
  }

  protected end(): void {
    this.ended_ = true;
    clearTimeout(this.expiryTimer);
    this.onEnd();
  }

  /** A renewal sent at `sentAtMs` was confirmed for `ttlMs`. */
  protected renewed(sentAtMs: number, ttlMs: number): void {
    this.expiresAtMs = Math.max(this.expiresAtMs, sentAtMs + ttlMs);
    this.armExpiryTimer();
  }

  protected armExpiryTimer(): void {
    clearTimeout(this.expiryTimer);
    this.expiryTimer = setTimeout(
      () => {
        if (this.expired()) this.markLost('not renewed before its TTL ran out');
        else this.armExpiryTimer();
      },
      Math.max(0, this.remainingMs()),
    );
    this.expiryTimer.unref();
  }
}

/**
 * The session a write names, if it is one of `sessions` (this store's) and still live; one whose TTL ran
 * out unrenewed is marked lost first. Otherwise DcsSessionEndedError.
 */
export function liveLeaseSession<S extends LeaseSession>(session: DcsSession, sessions: ReadonlySet<S>): S {
  if (!(session instanceof LeaseSession) || !sessions.has(session as S)) {
    throw new DcsSessionEndedError(session.id, 'closed, lost, or not opened by this store');
  }
  const own = session as S;
  if (own.expired()) {
    own.markLost('not renewed before its TTL ran out');
    throw new DcsSessionEndedError(own.id, 'lost');
  }
  return own;
}
