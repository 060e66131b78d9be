import { describe, expect, it } from 'vitest';
import { conditionTime, setCondition, stableMessage } from './conditions.js';

describe('conditions', () => {
  const t1 = '2026-01-01T00:00:00Z';
  const t2 = '2026-01-01T00:05:00Z';

  it('keeps lastTransitionTime while the status stays, and moves it when the status changes', () => {
    const a = setCondition(undefined, { type: 'Ready', status: 'False', reason: 'A', message: 'a' }, 1, t1);
    const b = setCondition(a, { type: 'Ready', status: 'False', reason: 'B', message: 'b' }, 2, t2);
    expect(b).toEqual([
      {
        type: 'Ready',
        status: 'False',
        observedGeneration: 2,
        lastTransitionTime: t1,
        reason: 'B',
        message: 'b',
      },
    ]);
    const c = setCondition(b, { type: 'Ready', status: 'True', reason: 'C', message: 'c' }, 2, t2);
    expect(c[0]!.lastTransitionTime).toBe(t2);
  });

  it('setting an unchanged condition again gives an equal list (no status write)', () => {
    const a = setCondition(undefined, { type: 'Ready', status: 'True', reason: 'Ok', message: 'm' }, 3, t1);
    expect(setCondition(a, { type: 'Ready', status: 'True', reason: 'Ok', message: 'm' }, 3, t2)).toEqual(a);
  });

  it('drops elapsed times from messages, so the same failure twice is the same condition (no status write)', () => {
    const failure = (after: string, pick: string) => ({
      type: 'Ready',
      status: 'False' as const,
      reason: 'BrokerError',
      message: `observe: DEADLINE_EXCEEDED: Deadline exceeded after ${after},LB pick: ${pick},remote_addr=127.0.0.1:9292`,
    });
    const a = setCondition(undefined, failure('5.002s', '0.001s'), 1, t1);
    expect(a[0]!.message).toBe(
      'observe: DEADLINE_EXCEEDED: Deadline exceeded after …s,LB pick: …s,remote_addr=127.0.0.1:9292',
    );
    expect(setCondition(a, failure('5.013s', '0.120s'), 1, t2)).toEqual(a);
    expect(stableMessage('topic t has 12 partitions and replication factor 3')).toBe(
      'topic t has 12 partitions and replication factor 3',
    );
  });

  it('keeps other types in place, bounds messages, and refuses reasons that are not CamelCase words', () => {
    const a = setCondition(undefined, { type: 'Other', status: 'True', reason: 'X', message: '' }, 1, t1);
    const b = setCondition(
      a,
      { type: 'Ready', status: 'False', reason: 'Y', message: 'x'.repeat(5000) },
      1,
      t1,
    );
    expect(b.map((c) => c.type)).toEqual(['Other', 'Ready']);
    expect(b[1]!.message.length).toBeLessThanOrEqual(1024);
    expect(() =>
      setCondition(b, { type: 'Ready', status: 'True', reason: 'not ok', message: '' }, 1, t1),
    ).toThrow();
  });

  it('formats times in whole seconds', () => {
    expect(conditionTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05Z');
  });
});
