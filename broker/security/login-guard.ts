/**
 * Failed logins slow down (docs/architecture.md, "Security"): a refused credential is answered only after
 * a delay that doubles with each failure from the same client address within FAILURE_WINDOW_MS, from
 * FAILURE_DELAY_MS_MIN to FAILURE_DELAY_MS_MAX (Kafka waits a fixed connection.failed.authentication.delay.ms;
 * the doubling makes guessing from one address slow without locking a user out). Every failure is counted
 * (`tributary_authentication_failures_total{mechanism,reason}`) and logged with the user and address,
 * never the secret. The table of addresses is bounded: past ADDRESSES_MAX the oldest is forgotten.
 */
import { sleep } from '../../kit/sleep.js';
import type { TributaryError } from '../../proto/errors.js';
import type { Logger } from '../logger.js';
import type { BrokerMetrics } from '../metrics.js';

export const FAILURE_DELAY_MS_MIN = 100;
export const FAILURE_DELAY_MS_MAX = 5_000;
const FAILURE_WINDOW_MS = 60_000;
const ADDRESSES_MAX = 10_000;

export interface LoginFailure {
  mechanism: string;
  host: string;
  /** The user or principal tried, when the message named one (never a password or token). */
  user?: string;
  error: TributaryError;
}

export class LoginGuard {
  private readonly failures = new Map<string, { count: number; lastMs: number }>();

  constructor(
    private readonly metrics: Pick<BrokerMetrics, 'authenticationFailures' | 'authentications'>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<void> = (ms) => sleep(ms),
  ) {}

  /** The delay the next failure from `host` would get. */
  delayMs(host: string): number {
    const entry = this.failures.get(host);
    const count = entry === undefined || this.now() - entry.lastMs > FAILURE_WINDOW_MS ? 0 : entry.count;
    return Math.min(FAILURE_DELAY_MS_MAX, FAILURE_DELAY_MS_MIN * 2 ** Math.min(count, 16));
  }

  succeeded(mechanism: string): void {
    this.metrics.authentications.inc({ mechanism });
  }

  /** Counts, logs and waits; then the caller answers the failure. */
  async failed(f: LoginFailure): Promise<void> {
    const delayMs = this.delayMs(f.host);
    const previous = this.failures.get(f.host);
    const count =
      previous === undefined || this.now() - previous.lastMs > FAILURE_WINDOW_MS ? 1 : previous.count + 1;
    this.failures.delete(f.host);
    if (this.failures.size >= ADDRESSES_MAX)
      this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(f.host, { count, lastMs: this.now() });
    this.metrics.authenticationFailures.inc({ mechanism: f.mechanism, reason: f.error.reason });
    this.logger.warn(
      {
        mechanism: f.mechanism,
        host: f.host,
        user: f.user,
        reason: f.error.reason,
        problem: f.error.message,
        delayMs,
      },
      'authentication failed',
    );
    await this.wait(delayMs);
  }
}
