import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('refills at its rate up to the burst, goes into debt on take, and says how long to wait', () => {
    let now = 0;
    const bucket = new TokenBucket(1000, 500, () => now);
    expect(bucket.available()).toBe(500);
    bucket.take(2000);
    expect(bucket.available()).toBe(-1500);
    expect(bucket.waitMs()).toBe(1501);
    now = 1000;
    expect(bucket.available()).toBe(-500);
    now = 10_000;
    expect(bucket.available()).toBe(500); // capped at the burst
    expect(bucket.waitMs()).toBe(0);
  });

  it('spends at most burst + rate * time over a long stretch', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 10, () => now);
    let spent = 0;
    for (; now < 10_000; now += 7) {
      if (bucket.waitMs() === 0) {
        bucket.take(25);
        spent += 25;
      }
    }
    expect(spent).toBeLessThanOrEqual(10 + 100 * 10 + 25);
    expect(spent).toBeGreaterThanOrEqual(100 * 10 - 25);
  });

  it('is unlimited at rate 0, and a new rate keeps the debt', () => {
    let now = 0;
    const bucket = new TokenBucket(0, 0, () => now);
    bucket.take(1e9);
    expect(bucket.waitMs()).toBe(0);
    bucket.setRate(1000, 100);
    bucket.take(1100);
    expect(bucket.available()).toBe(-1100);
    now = 500;
    bucket.setRate(2000, 100);
    expect(bucket.available()).toBe(-600);
    expect(() => bucket.setRate(-1, 0)).toThrow(RangeError);
  });
});
