import { describe, expect, it } from 'vitest';
import { JoinSettle } from './join-settle.js';

describe('JoinSettle', () => {
  it('waits until the last of the brokers joining together has settled', () => {
    let nowMs = 0;
    const s = new JoinSettle(3000, () => nowMs);
    expect(s.settled([])).toBe(true);
    expect(s.settled([3])).toBe(false);
    nowMs = 2000;
    expect(s.settled([3, 4])).toBe(false); // broker 4 joined 2 s after broker 3: both wait for it
    nowMs = 4000;
    expect(s.settled([3, 4])).toBe(false);
    nowMs = 5000;
    expect(s.settled([3, 4])).toBe(true);
    // A broker that went away before settling is forgotten; one seen again starts over.
    expect(s.settled([5])).toBe(false);
    expect(s.settled([])).toBe(true);
    nowMs = 9000;
    expect(s.settled([5])).toBe(false);
  });
});
