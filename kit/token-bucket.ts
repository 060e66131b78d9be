/**
 * A token bucket over bytes (or any unit) per second, for pacing: tokens refill continuously at `rate` up
 * to `burst`; `take(n)` spends n even when fewer are there (the bucket goes into debt: a read that already
 * happened is counted whole), and `waitMs()` says how long until the bucket is positive again. Over any
 * long stretch the tokens spent are at most `burst + rate * seconds`. A rate of 0 means unlimited.
 * The clock is injectable so the arithmetic is tested without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  constructor(
    private rate: number,
    private burst: number,
    private readonly now: () => number = Date.now,
  ) {
    assertRate(rate, burst);
    this.tokens = burst;
    this.updatedMs = now();
  }

  get unlimited(): boolean {
    return this.rate === 0;
  }

  /** Changes the rate and burst; tokens above the new burst are dropped, a debt is kept. */
  setRate(rate: number, burst: number): void {
    assertRate(rate, burst);
    this.refill();
    this.rate = rate;
    this.burst = burst;
    this.tokens = Math.min(this.tokens, burst);
  }

  /** Tokens there now (negative while in debt); Infinity when unlimited. */
  available(): number {
    if (this.unlimited) return Number.POSITIVE_INFINITY;
    this.refill();
    return this.tokens;
  }

  take(n: number): void {
    if (!(n >= 0)) throw new RangeError(`cannot take ${n} tokens`);
    if (this.unlimited) return;
    this.refill();
    this.tokens -= n;
  }

  /** Milliseconds until at least one token is there (0 when there is one now). */
  waitMs(): number {
    const have = this.available();
    if (have >= 1) return 0;
    return Math.ceil(((1 - have) / this.rate) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const elapsedMs = Math.max(0, now - this.updatedMs);
    this.updatedMs = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs / 1000) * this.rate);
  }
}

function assertRate(rate: number, burst: number): void {
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`token rate must be >= 0, got ${rate}`);
  if (!Number.isFinite(burst) || burst < 0) throw new RangeError(`token burst must be >= 0, got ${burst}`);
}
