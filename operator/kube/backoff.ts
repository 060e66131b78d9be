/**
 * Exponential backoff with a cap: `baseMs * 2^(failures - 1)`, at most `maxMs`. The work queue uses it
 * for per-key retries, the informers for restarting a failed watch, the leader elector for retries.
 * No jitter: one operator process is the only client retrying a given key, so there is no herd to spread.
 */
export interface BackoffPolicy {
  /** Delay after the first failure. */
  baseMs: number;
  /** The cap. */
  maxMs: number;
}

/** The delay before retry number `failures` (1 = after the first failure). */
export function backoffDelayMs(failures: number, policy: BackoffPolicy): number {
  if (!(policy.baseMs > 0) || policy.maxMs < policy.baseMs) {
    throw new RangeError(`invalid backoff policy ${JSON.stringify(policy)}`);
  }
  if (failures <= 0) return 0;
  // 2^52 overflows nothing, but anything past the cap is the cap; stop doubling early.
  const exponent = Math.min(failures - 1, 52);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
}
