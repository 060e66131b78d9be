/**
 * A token bucket: `ratePerSecond` tokens a second, holding at most `burst`. The work queue takes one per
 * reconcile it starts, so a storm of events (a resync of thousands of objects, a flapping watch) cannot
 * turn into a storm of API and broker calls.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAtMs: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly nowMs: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new RangeError(`token bucket needs rate > 0 and burst >= 1, got ${ratePerSecond}, ${burst}`);
    }
    this.tokens = burst;
    this.refilledAtMs = nowMs();
  }

  /** Takes a token if one is there; otherwise answers how many ms until one will be. */
  take(): { ok: true } | { ok: false; waitMs: number } {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, waitMs: Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond)) };
  }

  private refill(): void {
    const now = this.nowMs();
    const elapsedMs = Math.max(0, now - this.refilledAtMs);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
    this.refilledAtMs = now;
  }
}
