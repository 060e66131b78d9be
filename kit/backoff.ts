/**
 * Capped exponential back-off, one formula for the whole repository (docs/architecture.md, "Shared kit").
 *
 * The delay before retry number `attempt` (1 = after the first failure) is `baseMs * 2^(attempt - 1)`,
 * capped at `maxMs`. With `jitter` j in [0, 1) the delay is multiplied by a random factor in
 * [1 - j, 1 + j] and capped again: jitter spreads clients that would otherwise retry in step (the
 * SDK, brokers reconnecting); a lone retrier (one operator per key) uses none.
 */
export interface BackoffPolicy {
  /** Delay after the first failure, > 0. */
  baseMs: number;
  /** The cap, >= baseMs. */
  maxMs: number;
  /** Relative jitter in [0, 1); 0 when absent. */
  jitter?: number;
}

export function backoffDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const jitter = policy.jitter ?? 0;
  if (!(policy.baseMs > 0) || !(policy.maxMs >= policy.baseMs) || !(jitter >= 0 && jitter < 1)) {
    throw new RangeError(`invalid backoff policy ${JSON.stringify(policy)}`);
  }
  if (attempt <= 0) return 0;
  // Past 2^52 every delay is the cap anyway; stop doubling early so the product stays finite.
  const exponent = Math.min(attempt - 1, 52);
  const delayMs = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  if (jitter === 0) return delayMs;
  const factor = 1 - jitter + 2 * jitter * random();
  return Math.max(0, Math.min(policy.maxMs, Math.round(delayMs * factor)));
}
