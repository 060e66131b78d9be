/**
 * Retry policy of the producer: which failures are retried, and how long to wait.
 *
 * A failure is retried when it says so (`retriable` from the broker's error table, e.g. NOT_LEADER,
 * TOO_MANY_REQUESTS, REQUEST_TIMED_OUT) or it is a transport failure that left the broker unreached
 * (UNAVAILABLE, DEADLINE_EXCEEDED), while attempts remain and the batch is younger than
 * `deliveryTimeoutMs`. Everything else (CORRUPT_BATCH, BATCH_TOO_LARGE, UNKNOWN_TOPIC, CANCELLED, ...)
 * fails the batch at once.
 */

import { backoffDelayMs } from '../../kit/index.js';
import type { TributaryError } from '../../proto/errors.js';
import { reasonOf } from '../errors.js';

export interface RetryPolicy {
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  deliveryTimeoutMs: number;
}

/** KIP-580's spread: a factor in [0.8, 1.2]. */
const RETRY_JITTER = 0.2;
const RETRIABLE_TRANSPORT = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'NOT_LEADER']);

export function isRetriable(err: TributaryError): boolean {
  return err.retriable || RETRIABLE_TRANSPORT.has(reasonOf(err));
}

/**
 * Exponential backoff with jitter, as the Java client (KIP-580): `retryBackoffMs * 2^attempt` (attempt 0
 * is the first retry), capped at `retryBackoffMaxMs`, times a random factor in [0.8, 1.2] (still capped):
 * the shared formula (kit/backoff.ts) with `jitter: 0.2`.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const maxMs = policy.retryBackoffMaxMs;
  if (policy.retryBackoffMs <= 0 || maxMs <= 0) return 0;
  // A cap below the base caps every delay, as the formula above does.
  const baseMs = Math.min(policy.retryBackoffMs, maxMs);
  return backoffDelayMs(Math.max(0, attempt) + 1, { baseMs, maxMs, jitter: RETRY_JITTER }, random);
}

/** Whether a batch that failed with `err` after `attempts` sends may be sent again at `nowMs`. */
export function shouldRetry(
  err: TributaryError,
  attempts: number,
  createdMs: number,
  nowMs: number,
  policy: RetryPolicy,
): boolean {
  if (!isRetriable(err)) return false;
  if (attempts > policy.retries) return false;
  return nowMs - createdMs < policy.deliveryTimeoutMs;
}
