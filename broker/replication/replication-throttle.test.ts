import { describe, expect, it } from 'vitest';
import type { Partition } from './partition.js';
import { LeaderReplicationThrottle, ReplicationThrottle } from './replication-throttle.js';

/** A stand-in partition: only what the throttles read (the role and the ISR). */
function partition(isr: number[], leader = true): Partition {
  return { isLeader: leader, state: { isr } } as unknown as Partition;
}

describe('ReplicationThrottle (follower side)', () => {
  it('throttles only partitions being copied here, and only while a rate is set', () => {
    const t = new ReplicationThrottle();
    const moving = partition([1, 2, 3], false);
    const settled = partition([1, 2, 3], false);
    t.mark(moving, true);
    expect(t.isThrottled(moving)).toBe(false); // no rate: no throttle
    t.setRate(1024 * 1024);
    expect(t.isThrottled(moving)).toBe(true);
    expect(t.isThrottled(settled)).toBe(false);
    t.mark(moving, false);
    expect(t.isThrottled(moving)).toBe(false);
    expect(t.movingCount).toBe(0);
  });
});

describe('LeaderReplicationThrottle (leader side)', () => {
  it('throttles what a leader sends to a replica being added, not to in-sync followers, and lets go when the move ends', () => {
    let nowMs = 0;
    const t = new LeaderReplicationThrottle(() => nowMs);
    t.setRate(100_000);
    // Moving [1, 2, 3] to [1, 2, 4]: broker 4 is being added and is not in sync yet.
    const p = partition([1, 2, 3]);
    t.mark(p, [4]);
    expect(t.isThrottled(p, 4)).toBe(true);
    expect(t.isThrottled(p, 2)).toBe(false); // an in-sync follower is never throttled
    expect(t.movingCount).toBe(1);
    // Over 3 s at most burst (one second) + 3 x rate, and, read as it refills, about 3 x rate.
    let sent = 0;
    for (let step = 0; step < 300; step++) {
      const allowance = t.allowanceBytes();
      if (allowance > 0) {
        const read = Math.min(allowance, 8192);
        t.spent(read);
        sent += read;
      }
      nowMs += 10;
    }
    expect(sent).toBeGreaterThanOrEqual(290_000);
    expect(sent).toBeLessThanOrEqual(100_000 + 3 * 100_000 + 8192);
    // In debt (a read moves at least one batch): the next throttled read waits until it is paid back.
    t.spent(t.allowanceBytes() + 50_000);
    expect(t.allowanceBytes()).toBe(0);
    expect(t.waitMs()).toBeGreaterThanOrEqual(500);
    // Caught up and in the ISR: no longer throttled; the move done (no adding replica): none at all.
    const joined = partition([1, 2, 3, 4]);
    t.mark(joined, [4]);
    expect(t.isThrottled(joined, 4)).toBe(false);
    t.mark(p, []);
    expect(t.isThrottled(p, 4)).toBe(false);
    t.mark(joined, []);
    expect(t.movingCount).toBe(0);
  });

  it('throttles nothing without a rate, or where this broker does not lead', () => {
    const t = new LeaderReplicationThrottle();
    const p = partition([1, 2, 3]);
    t.mark(p, [4]);
    expect(t.isThrottled(p, 4)).toBe(false);
    t.setRate(1024);
    expect(t.isThrottled(p, 4)).toBe(true);
    expect(t.isThrottled(partition([1, 2, 3], false), 4)).toBe(false);
    t.setRate(0);
    expect(t.isThrottled(p, 4)).toBe(false);
    expect(t.allowanceBytes()).toBe(Number.POSITIVE_INFINITY);
  });
});
