import { describe, expect, it } from 'vitest';
import { BUCKETS_MAX, QuotaManager, THROTTLE_MS_MAX } from './quota-manager.js';

describe('quota manager', () => {
  it('resolves the most specific entity with a value, key by key (Kafka order)', () => {
    const q = new QuotaManager();
    q.setQuotas([
      { entity: { principal: '<default>' }, values: { producer_byte_rate: 100 } },
      { entity: { principal: 'User:alice' }, values: { producer_byte_rate: 200 } },
      { entity: { principal: 'User:alice', clientId: 'etl' }, values: { producer_byte_rate: 300 } },
      { entity: { clientId: '<default>' }, values: { request_rate: 5 } },
      { entity: { clientId: 'batch' }, values: { consumer_byte_rate: 50 } },
    ]);
    expect(q.resolve('producer_byte_rate', 'User:alice', 'etl')?.limit).toBe(300);
    expect(q.resolve('producer_byte_rate', 'User:alice', 'web')?.limit).toBe(200);
    expect(q.resolve('producer_byte_rate', 'User:bob', 'etl')?.limit).toBe(100);
    expect(q.resolve('request_rate', 'User:bob', '')?.limit).toBe(5);
    expect(q.resolve('consumer_byte_rate', 'User:bob', 'batch')?.limit).toBe(50);
    expect(q.resolve('consumer_byte_rate', 'User:bob', 'web')).toBeUndefined();
    // <default> principal: a bucket per principal; an explicit principal: one for all its clients.
    expect(q.resolve('producer_byte_rate', 'User:bob', 'x')?.bucketKey).not.toBe(
      q.resolve('producer_byte_rate', 'User:carol', 'x')?.bucketKey,
    );
    expect(q.resolve('producer_byte_rate', 'User:alice', 'a')?.bucketKey).toBe(
      q.resolve('producer_byte_rate', 'User:alice', 'b')?.bucketKey,
    );
  });

  it('throttles to the rate: usage beyond the quarter-second burst becomes a wait', () => {
    let now = 0;
    const q = new QuotaManager(() => now);
    q.setQuotas([{ entity: { principal: 'User:a' }, values: { producer_byte_rate: 1000 } }]);
    expect(q.record('producer_byte_rate', 'User:a', '', 250)).toBe(1); // burst spent: wait for the next token
    expect(q.record('producer_byte_rate', 'User:a', '', 500)).toBe(501);
    expect(q.throttleMs('producer_byte_rate', 'User:a', '')).toBe(501);
    // A client that waits as told and sends at the pace gets ~the rate over a long stretch.
    let sent = 750;
    for (let i = 0; i < 100; i++) {
      now += q.throttleMs('producer_byte_rate', 'User:a', '');
      q.record('producer_byte_rate', 'User:a', '', 250);
      sent += 250;
    }
    const rate = (sent - 250) / (now / 1000);
    expect(rate).toBeGreaterThan(950);
    expect(rate).toBeLessThan(1050);
    expect(q.record('producer_byte_rate', 'User:a', '', 1e9)).toBe(THROTTLE_MS_MAX);
  });

  it('drops buckets whose quota went away, and keeps at most BUCKETS_MAX', () => {
    const q = new QuotaManager();
    q.setQuotas([{ entity: { principal: '<default>' }, values: { request_rate: 10 } }]);
    for (let i = 0; i < BUCKETS_MAX + 50; i++) q.record('request_rate', `User:u${i}`, '', 1);
    expect(q.bucketCount).toBe(BUCKETS_MAX);
    q.setQuotas([]);
    expect(q.bucketCount).toBe(0);
    expect(q.record('request_rate', 'User:u1', '', 1000)).toBe(0);
  });
});
